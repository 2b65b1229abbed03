#!/usr/bin/env node
// @ts-check
// `npm run bench -w @backtestr/engine`: throughput of the native multi-timeframe (MTF)
// engine on the real SPY trades and EURUSD quotes of ../shared/data, repeated to >= 50M
// ticks (times shifted forward by whole weeks per repetition so they stay sorted).
// Measures; asserts nothing. Needs the built lib/ (tsc -b) and the built addon.
'use strict';
const { ExecutionEngine, MtfEngine, MTF_LAYOUT: L } = require('@backtestr/engine-core');
const data = require('../lib/node/test-support/lean-data');

const TARGET = Number(process.env.BENCH_TICKS ?? 50_000_000);
const WEEK_US = 7 * 86_400_000_000;

/** Repeats columns to >= TARGET ticks; times shifted by whole weeks, using 32-bit halves to avoid per-tick BigInt math. */
function repeat(cols) {
    const n = cols.time.length;
    const reps = Math.ceil(TARGET / n);
    const span = Number(cols.time[n - 1] - cols.time[0]);
    const shift = Math.ceil((span + 1) / WEEK_US) * WEEK_US;
    const out = { time: new BigInt64Array(n * reps) };
    const src = new Uint32Array(cols.time.buffer, cols.time.byteOffset, n * 2);
    const dst = new Uint32Array(out.time.buffer);
    for (let r = 0; r < reps; r++) {
        const add = r * shift;
        for (let i = 0; i < n; i++) {
            const v = src[2 * i + 1] * 4294967296 + src[2 * i] + add; // < 2^53: exact
            dst[2 * (r * n + i)] = v % 4294967296;
            dst[2 * (r * n + i) + 1] = Math.floor(v / 4294967296);
        }
    }
    for (const k of Object.keys(cols)) {
        if (k !== 'time') {
            const a = new Float64Array(n * reps);
            for (let r = 0; r < reps; r++) {
                a.set(cols[k], r * n);
            }
            out[k] = a;
        }
    }
    return out;
}

function seconds(fn) {
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1e9;
}

const fmt = (ticksPerSecond) => `${(ticksPerSecond / 1e6).toFixed(1)}M ticks/s`;

function bench(name, batch, options) {
    const n = batch.time.length;
    const line = (what, text) => console.log(`${what} ${name}: ${text}`);

    // Warm-up (page in the columns, JIT the loop).
    new MtfEngine(options).process(batch);

    let e = new MtfEngine(options);
    const tValidate = seconds(() => e.setBatch(batch));
    const tRun = seconds(() => e.run(0));
    line('mtf.update 6tf', `${fmt(n / tRun)} (${(n / 1e6).toFixed(1)}M ticks in ${tRun.toFixed(2)} s)`);
    line('mtf.setBatch validation', fmt(n / tValidate));
    line('mtf.update 6tf incl. validation', fmt(n / (tRun + tValidate)));

    e = new MtfEngine(options);
    e.subscribe({ barClose: ['1m'] });
    const f = e.f64;
    const closeSlot = e.completedOffset.bind(e);
    let wakeups = 0;
    let sink = 0;
    const tBar = seconds(() => e.process(batch, () => {
        wakeups++;
        sink += f[closeSlot(0, 0) + L.R_CLOSE];
    }));
    line('mtf.update 6tf + 1m bar-close wake-ups', `${fmt(n / tBar)} (${wakeups} wake-ups)`);

    e = new MtfEngine(options);
    e.subscribe({ everyTick: true });
    const partial1H = e.partialOffset.bind(e);
    let tickWakeups = 0;
    const tTick = seconds(() => e.process(batch, () => {
        tickWakeups++;
    }));
    line('mtf.update 6tf + wake-up on every tick', fmt(n / tTick));
    const perWake = (tTick - tRun) / tickWakeups * 1e9;
    line('mtf.wake-up overhead', `${perWake.toFixed(0)} ns per wake-up (every-tick run minus no-subscription run)`);

    // A strategy read: one partial-bar field straight from the state view.
    const hi = partial1H(3) + L.R_HIGH;
    const reads = 50_000_000;
    const tRead = seconds(() => {
        for (let i = 0; i < reads; i++) {
            sink += f[hi];
        }
    });
    line('mtf.read partial field', `${(tRead / reads * 1e9).toFixed(2)} ns per read`);
    return sink;
}

/**
 * MTF update alone vs the same with 1,000 resting orders on the book (limits and stops on
 * both sides, outside the day's range so they rest through the replay), best of 3.
 */
function benchExecution(name, batch, options, execution, src) {
    const n = batch.time.length;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i += 97) {
        lo = Math.min(lo, src[i]);
        hi = Math.max(hi, src[i]);
    }
    const tick = execution.tickSize;
    const grid = (p) => Math.round(p / tick) * tick;
    const orders = [];
    for (let i = 0; i < 1000; i++) {
        const off = (1 + (i >> 2)) * tick * 10;
        const kind = i % 4;
        orders.push(kind === 0 ? { id: i + 1, type: 'limit', side: 'buy', qty: 1, limit: grid(lo * 0.9 - off) }
            : kind === 1 ? { id: i + 1, type: 'stop', side: 'sell', qty: 1, stop: grid(lo * 0.9 - off) }
            : kind === 2 ? { id: i + 1, type: 'limit', side: 'sell', qty: 1, limit: grid(hi * 1.1 + off) }
            : { id: i + 1, type: 'stop', side: 'buy', qty: 1, stop: grid(hi * 1.1 + off) });
    }
    new ExecutionEngine(options, execution).process(batch);
    let best = { mtf: Infinity, exec: Infinity, empty: Infinity };
    for (let r = 0; r < 3; r++) {
        const m = new MtfEngine(options);
        m.setBatch(batch);
        best.mtf = Math.min(best.mtf, seconds(() => m.run(0)));
        const x0 = new ExecutionEngine(options, execution);
        x0.setBatch(batch);
        best.empty = Math.min(best.empty, seconds(() => x0.run(0)));
        const x = new ExecutionEngine(options, execution);
        x.submit(orders);
        x.setBatch(batch);
        best.exec = Math.min(best.exec, seconds(() => x.run(0)));
        if (x.account().openOrders !== 1000) {
            throw new Error('bench: the resting orders should rest');
        }
    }
    const slower = (t) => `${((1 - best.mtf / t) * 100).toFixed(1)}% fewer ticks/s than the MTF update alone`;
    console.log(`exec.mtf alone ${name}: ${fmt(n / best.mtf)}`);
    console.log(`exec.empty book ${name}: ${fmt(n / best.empty)} (${slower(best.empty)})`);
    console.log(`exec.1000 resting orders ${name}: ${fmt(n / best.exec)} (${slower(best.exec)})`);

    // A trading strategy with the same deep book: a market order at every 1m close
    // (alternating sides), against the same 1m close wake-ups without orders.
    let bestWake = { mtf: Infinity, exec: Infinity, orders: 0 };
    for (let r = 0; r < 2; r++) {
        const m = new ExecutionEngine(options, execution);
        m.subscribe({ barClose: ['1m'] });
        bestWake.mtf = Math.min(bestWake.mtf, seconds(() => m.process(batch, () => {})));
        const x = new ExecutionEngine(options, execution);
        x.subscribe({ barClose: ['1m'] });
        x.submit(orders);
        let id = 10_000;
        let side = 'buy';
        bestWake.exec = Math.min(bestWake.exec, seconds(() => x.process(batch, () => {
            x.submit([{ id: id++, type: 'market', side, qty: 1 }]);
            side = side === 'buy' ? 'sell' : 'buy';
        })));
        bestWake.orders = id - 10_000;
    }
    const us = (bestWake.exec - bestWake.mtf) / bestWake.orders * 1e6;
    console.log(`exec.market order per 1m close, 1000 resting ${name}: ${fmt(n / bestWake.exec)} vs ${fmt(n / bestWake.mtf)} with the wake-ups alone; ${us.toFixed(2)} us per order (${bestWake.orders} orders)`);
}

function main() {
    if (!data.hasData('spy-trades-2013-10') || !data.hasData('eurusd-quotes-2014-05')) {
        console.log(`mtf bench: data folder not found (${data.DATA_DIR}); skipped`);
        return;
    }
    const only = process.env.BENCH_ONLY;
    if (only !== 'mtf') {
        const spy = repeat(data.spyTrades());
        benchExecution('spy trade model', spy, { priceSource: 'last' }, { fill: 'trade', tickSize: 0.01 }, spy.price);
        const q = data.eurusdQuotes();
        const eur = repeat({ time: q.time, bid: q.bid, ask: q.ask });
        benchExecution('eurusd quote model', eur, { priceSource: 'bid' }, { fill: 'quote', tickSize: 0.00001 }, eur.bid);
        if (only === 'exec') {
            return;
        }
    }
    {
        const spy = repeat(data.spyTrades());
        bench('spy', spy, { priceSource: 'last' });
    }
    {
        const q = data.eurusdQuotes();
        const eur = repeat({ time: q.time, bid: q.bid, ask: q.ask });
        bench('eurusd', eur, { priceSource: 'bid' });
        bench('eurusd mid, fx session 17:00 NY', eur, { priceSource: 'mid', session: '17:00 America/New_York' });
    }
}

main();
