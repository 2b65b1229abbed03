#!/usr/bin/env node
// @ts-check
// `node extensions/engine/bench/python-strategy.js`: what a Python strategy costs over its
// TypeScript twin, per event. In this thread (no worker), the same StrategySession runs:
// - bar close: sample-workspace sma-cross.ts vs sma_cross.py on the EURUSD M1 2017 H1 bars of
//   ../shared/data (each bar as its 4-point path; synthetic bars when absent);
// - tick: a strategy woken on every tick that reads the 1H partial bar, TS vs Python;
// - an empty bar-close hook (the bare round trip).
// Overhead per event = (Python run - TypeScript run) / events. Each case runs with the
// default interpreter (BACKTESTR_PYTHON or python3) and, when it differs and exists,
// /usr/bin/python3 (Debian's, with python3-msgpack's C codec). Best of BENCH_ROUNDS (3).
// Also the load time (start Python, import the strategy, declaration back). Measures; asserts nothing.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { barTicks } = require('@backtestr/engine-core');
const { loadStrategy } = require('../lib/node/strategy-host/strategy-loader');
const { StrategySession } = require('../lib/node/strategy-host/strategy-session');
const { pythonInterpreter } = require('../lib/node/strategy-host/python/python-process');

const root = path.resolve(__dirname, '../../..');
const STRATEGIES = path.join(root, 'sample-workspace/strategies');
const DATA = process.env.BACKTESTR_DATA ?? path.resolve(root, '../shared/data');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TICK_EVENTS = Number(process.env.BENCH_TICK_EVENTS ?? 200_000);
const EURUSD = { symbol: 'EURUSD', tickSize: 0.00001, lotSize: 1, multiplier: 1 };

function histdataBars() {
    const folder = path.join(DATA, 'eurusd-m1-2017h1');
    if (!fs.existsSync(folder)) {
        const n = 186_348;
        const bars = { time: new BigInt64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
        for (let i = 0; i < n; i++) {
            const c = Math.round((1.05 + 0.01 * Math.sin(i / 700) + 0.0003 * Math.sin(i / 7)) * 1e5) / 1e5;
            bars.time[i] = 1_483_322_400_000_000n + BigInt(i) * 60_000_000n;
            bars.open[i] = bars.close[i] = c;
            bars.high[i] = c + 0.0001;
            bars.low[i] = c - 0.0001;
        }
        return { bars, source: 'synthetic bars' };
    }
    const lines = fs.readdirSync(folder).filter(f => f.endsWith('.csv')).sort()
        .flatMap(f => fs.readFileSync(path.join(folder, f), 'latin1').split('\n').filter(l => l.trim() !== ''));
    const n = lines.length;
    const bars = { time: new BigInt64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
    lines.forEach((line, i) => {
        const [s, o, h, l, c] = line.split(';');
        bars.time[i] = BigInt(Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13))) * 1000n + 18_000_000_000n;
        bars.open[i] = +o; bars.high[i] = +h; bars.low[i] = +l; bars.close[i] = +c;
    });
    return { bars, source: 'EURUSD M1 2017 H1 (HistData)' };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-pybench-'));
const write = (name, text) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };
const TICK_TS = write('per-tick.ts', `import { defineStrategy } from '@backtestr/plugins-sdk';
let n = 0, above = 0;
export default defineStrategy({
    id: 'bench.per-tick', params: {}, subscribe: { tick: true }, timeframes: ['1m', '1H'],
    onStart() { n = 0; above = 0; },
    onTick(ctx) { const h = ctx.mtf('1H').partial!; n++; if (h.close > h.open) { above++; } },
    onStop(ctx) { ctx.record('ticks', n); ctx.record('above', above); }
});
`);
const TICK_PY = write('per_tick.py', `from backtestr import define_strategy
state = {'n': 0, 'above': 0}
def on_tick(ctx):
    h = ctx.mtf('1H').partial
    state['n'] += 1
    if h.close > h.open:
        state['above'] += 1
def on_stop(ctx):
    ctx.record('ticks', state['n'])
    ctx.record('above', state['above'])
strategy = define_strategy(id='bench.per-tick', subscribe={'tick': True}, timeframes=['1m', '1H'], on_tick=on_tick, on_stop=on_stop)
`);
const EMPTY_TS = write('empty.ts', `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'bench.empty', params: {}, subscribe: { barClose: ['1m'] }, timeframes: ['1m'], onBarClose() { /* nothing */ } });
`);
const EMPTY_PY = write('empty.py', `from backtestr import define_strategy
strategy = define_strategy(id='bench.empty', subscribe={'bar_close': ['1m']}, timeframes=['1m'], on_bar_close=lambda ctx, bar, tf: None)
`);

/** One run in this thread: [ms of start + batches + stop, result, ms to load]. */
function once(file, batches, python) {
    const t0 = performance.now();
    const loaded = loadStrategy(file, { python });
    const loadMs = performance.now() - t0;
    const session = new StrategySession(loaded, {}, { instrument: EURUSD, execution: { fill: 'bar' } });
    const t1 = performance.now();
    session.start();
    for (const b of batches) {
        session.processBatch(b);
    }
    const { result } = session.stop();
    return { ms: performance.now() - t1, result, loadMs };
}

function best(file, batches, python) {
    let b;
    for (let r = 0; r < ROUNDS; r++) {
        const x = once(file, batches, python);
        if (!b || x.ms < b.ms) {
            b = x;
        }
    }
    return b;
}

function codecOf(python) {
    try {
        return execFileSync(python, ['-c', 'import sys; sys.path.insert(0, sys.argv[1]); from backtestr._wire import CODEC; print(sys.version.split()[0], CODEC)',
            path.join(__dirname, '../python')], { encoding: 'utf8' }).trim();
    } catch (error) {
        return undefined;
    }
}

const { bars, source } = histdataBars();
const n = bars.time.length;
const perBatch = 20_000;
const barBatches = [];
for (let at = 0; at < n; at += perBatch) {
    const end = Math.min(n, at + perBatch);
    barBatches.push(barTicks({ time: bars.time.slice(at, end), open: bars.open.slice(at, end), high: bars.high.slice(at, end), low: bars.low.slice(at, end), close: bars.close.slice(at, end) }));
}
const tickBatches = [];
let ticksLeft = TICK_EVENTS;
for (const b of barBatches) {
    if (ticksLeft <= 0) {
        break;
    }
    const k = Math.min(ticksLeft, b.time.length);
    tickBatches.push({ time: b.time.slice(0, k), price: b.price.slice(0, k), size: b.size.slice(0, k) });
    ticksLeft -= k;
}

const interpreters = [pythonInterpreter()];
if (fs.existsSync('/usr/bin/python3') && fs.realpathSync('/usr/bin/python3') !== interpreters[0]) {
    interpreters.push('/usr/bin/python3');
}
console.log(`Python strategy overhead vs the TypeScript twin (${source}: ${n} bars = ${4 * n} ticks; best of ${ROUNDS}; node ${process.version}, ${os.cpus()[0].model})`);
const us = (ms, events) => (ms * 1000 / events).toFixed(2);
const ts = { sma: best(path.join(STRATEGIES, 'sma-cross.ts'), barBatches), tick: best(TICK_TS, tickBatches), empty: best(EMPTY_TS, barBatches) };
for (const python of interpreters) {
    const codec = codecOf(python);
    if (!codec) {
        console.log(`  ${python}: not runnable, skipped`);
        continue;
    }
    console.log(`  interpreter ${python} (Python ${codec})`);
    const cases = [
        ['bar close, SMA 10/30 cross', path.join(STRATEGIES, 'sma_cross.py'), barBatches, ts.sma, r => r.barCloses],
        ['bar close, empty hook', EMPTY_PY, barBatches, ts.empty, r => r.barCloses],
        ['tick, reads the 1H partial bar', TICK_PY, tickBatches, ts.tick, r => r.tickWakeups]
    ];
    for (const [name, file, batches, twin, events] of cases) {
        const py = best(file, batches, python);
        const e = events(py.result);
        if (e !== events(twin.result)) {
            throw new Error(`${name}: ${e} events in Python, ${events(twin.result)} in TypeScript`);
        }
        console.log(`    ${name.padEnd(32)} ${String(e).padStart(7)} events: TypeScript ${twin.ms.toFixed(0).padStart(6)} ms (${us(twin.ms, e)} us/event), ` +
            `Python ${py.ms.toFixed(0).padStart(6)} ms (${us(py.ms, e)} us/event); overhead ${us(py.ms - twin.ms, e)} us/event; load ${py.loadMs.toFixed(0)} ms`);
    }
}
fs.rmSync(dir, { recursive: true, force: true });
