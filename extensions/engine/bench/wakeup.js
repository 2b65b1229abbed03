#!/usr/bin/env node
// @ts-check
// `node extensions/engine/bench/wakeup.js`: the cost of strategy wake-ups in this thread (no
// worker, no DuckDB), as CPU time, which a machine shared with other work disturbs less than
// wall time: the sample SMA cross and an empty strategy on 1m bars (the EURUSD 2017 H1 bars of
// ../shared/data, each its 4-point path, orders on), and a strategy woken on every tick.
// Best of BENCH_ROUNDS (default 3). Measures; asserts nothing. Needs the built lib/ of
// plugins-sdk and engine.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadStrategy } = require('../lib/node/strategy-host/strategy-loader');
const { StrategySession } = require('../lib/node/strategy-host/strategy-session');
const { barTicks } = require('@backtestr/engine-core');

const root = path.resolve(__dirname, '../../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
};

function readBars(dir) {
    const b = { time: [], open: [], high: [], low: [], close: [] };
    for (const name of fs.readdirSync(dir).filter(f => f.endsWith('.csv')).sort()) {
        for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
            const f = line.split(';');
            if (f.length < 5) {
                continue;
            }
            const t = Date.UTC(+f[0].slice(0, 4), +f[0].slice(4, 6) - 1, +f[0].slice(6, 8), +f[0].slice(9, 11), +f[0].slice(11, 13)) * 1000;
            b.time.push(t); b.open.push(+f[1]); b.high.push(+f[2]); b.low.push(+f[3]); b.close.push(+f[4]);
        }
    }
    return b;
}

/** Runs `batches` through a fresh session of `file`; returns the CPU ms of processBatch and the result. */
function runSession(file, batches, options) {
    const s = new StrategySession(loadStrategy(file), {}, options);
    s.start();
    const c0 = cpuMs();
    for (const batch of batches) {
        s.processBatch(batch);
    }
    const ms = cpuMs() - c0;
    return { ms, result: s.stop().result };
}

function best(run) {
    let out;
    for (let r = 0; r < ROUNDS; r++) {
        const x = run();
        out = out === undefined || x.ms < out.ms ? x : out;
    }
    return out;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-wakeup-'));
try {
    const dataDir = process.env.BACKTESTR_DATA_DIR ?? path.resolve(root, '../shared/data');
    const csvDir = path.join(dataDir, 'eurusd-m1-2017h1');
    if (fs.existsSync(csvDir)) {
        const b = readBars(csvDir);
        const n = b.time.length;
        const reps = 4;
        const span = b.time[n - 1] - b.time[0] + 60_000_000;
        const batches = [];
        for (let r = 0; r < reps; r++) {
            const time = new BigInt64Array(n);
            for (let i = 0; i < n; i++) {
                time[i] = BigInt(b.time[i] + r * span);
            }
            batches.push(barTicks({ time, open: Float64Array.from(b.open), high: Float64Array.from(b.high), low: Float64Array.from(b.low),
                close: Float64Array.from(b.close) }));
        }
        const empty = path.join(tmp, 'empty.ts');
        fs.writeFileSync(empty, `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'bench.empty', params: {}, subscribe: { barClose: ['1m'] }, timeframes: ['1m'], onBarClose() { } });
`);
        const options = { execution: { fill: 'bar' }, instrument: { symbol: 'EURUSD', tickSize: 0.00001, lotSize: 1, multiplier: 1 } };
        for (const [name, file] of [['SMA cross (sample)', path.join(root, 'sample-workspace/strategies/sma-cross.ts')], ['empty strategy', empty]]) {
            const { ms, result } = best(() => runSession(file, batches.map(x => ({ ...x })), options));
            const bars = n * reps;
            console.log(`wake-up on 1m bars, ${name}: ${(bars / ms / 1e3).toFixed(2)}M bars/s of CPU (${(ms * 1e6 / bars).toFixed(0)} ns per bar, ` +
                `${(bars / 1e6).toFixed(2)}M bars, ${result.execution.trades.pnl.length} trades)`);
        }
    } else {
        console.log(`bars skipped: ${csvDir} is absent`);
    }
    const perTick = path.join(tmp, 'per-tick.ts');
    fs.writeFileSync(perTick, `import { defineStrategy } from '@backtestr/plugins-sdk';
let n = 0, above = 0;
export default defineStrategy({
    id: 'bench.per-tick', params: {}, subscribe: { tick: true },
    onStart() { n = 0; above = 0; },
    onTick(ctx) { const h1 = ctx.mtf('1H').partial!; n++; if (h1.close > h1.open) { above++; } },
    onStop(ctx) { ctx.record('ticks', n); ctx.record('above', above); }
});
`);
    const N = 4_000_000;
    const time = new BigInt64Array(N);
    const price = new Float64Array(N);
    for (let i = 0; i < N; i++) {
        time[i] = 1_381_104_000_000_000n + BigInt(i) * 100_000n;
        price[i] = 100 + (i % 13) * 0.01;
    }
    const { ms } = best(() => runSession(perTick, [{ time, price }], {}));
    console.log(`wake-up on every tick (6 timeframes, reads the partial 1H bar): ${(N / ms / 1e3).toFixed(2)}M ticks/s of CPU (${(ms * 1e6 / N).toFixed(0)} ns per tick)`);
} finally {
    fs.rmSync(tmp, { recursive: true, force: true });
}
