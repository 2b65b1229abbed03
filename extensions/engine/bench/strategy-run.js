#!/usr/bin/env node
// @ts-check
// `node extensions/engine/bench/strategy-run.js`: end-to-end throughput of a strategy run,
// DuckDB file -> column stream -> worker (transferred batches) -> native MTF engine ->
// strategy hooks -> run result. The real SPY trades of ../shared/data (or synthetic ones
// when absent) are imported into a temp workspace and repeated in SQL to >= BENCH_TICKS
// (default 50M) ticks, times shifted by whole weeks so they stay sorted. Cases: the sample
// SMA cross woken on 1m bar closes; a strategy woken on every tick (reads the partial 1H
// bar). Also the DuckDB stream alone. Prints ticks/s and the peak RSS of the process (the
// worker threads included; the database is built in a child process). Measures; asserts nothing. Needs the built lib/ of plugins-sdk,
// engine, workspace-store, data-import and cli.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { seedSampleWorkspace, defaultDataDir } = require('@backtestr/data-import/lib/node');
const { WorkspaceDatabase, workspaceDatabasePath, TickRepository, BacktestDataImpl, RunStoreImpl } = require('@backtestr/workspace-store/lib/node');
const { runStrategy } = require('../lib/node/strategy-host/strategy-runner');
const { runBacktest } = require('../lib/node/backtest-runner');
const { barTicks } = require('@backtestr/engine-core');
const { execFileSync } = require('child_process');
const { loadStrategy } = require('../lib/node/strategy-host/strategy-loader');
const { StrategySession } = require('../lib/node/strategy-host/strategy-session');

/** ns per read of a partial-bar field through the strategy context, in this thread (no worker, no native call). */
function fieldReadNanos(file) {
    const n = 100_000;
    const time = new BigInt64Array(n);
    const price = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        time[i] = 1_381_104_000_000_000n + BigInt(i) * 100_000n;
        price[i] = 100 + (i % 13) * 0.01;
    }
    const session = new StrategySession(loadStrategy(file), {}, {});
    session.start();
    session.processBatch({ time, price });
    const ctx = session['facade']; // what the strategy's hooks get
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
        let sum = 0;
        const reads = 20_000_000;
        const t0 = performance.now();
        for (let i = 0; i < reads; i++) {
            sum += ctx.mtf('1H').partial.close;
        }
        best = Math.min(best, (performance.now() - t0) * 1e6 / reads);
        if (sum === 42) {
            console.log('');
        }
    }
    return best;
}

const TARGET = Number(process.env.BENCH_TICKS ?? 50_000_000);
const WEEK_US = 7 * 86_400_000_000;
const root = path.resolve(__dirname, '../../..');
const SMA = path.join(root, 'sample-workspace/strategies/sma-cross-1h-filter.ts');

const PER_TICK = `import { defineStrategy } from '@backtestr/plugins-sdk';
let n = 0, above = 0;
export default defineStrategy({
    id: 'bench.per-tick', params: {}, subscribe: { tick: true },
    onStart() { n = 0; above = 0; },
    onTick(ctx) {
        const h1 = ctx.mtf('1H').partial!;
        n++;
        if (h1.close > h1.open) { above++; }
    },
    onStop(ctx) { ctx.record('ticks', n); ctx.record('above', above); }
});
`;

const mb = bytes => `${(bytes / 1048576).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function buildWorkspace(dir) {
    const dbPath = workspaceDatabasePath(dir);
    const seeded = await seedSampleWorkspace(dbPath, defaultDataDir());
    const db = await WorkspaceDatabase.open(dbPath);
    try {
        const [spy] = await db.all(`SELECT i.id, count(*)::DOUBLE AS n, (max(time_us) - min(time_us))::DOUBLE AS span
            FROM trades t JOIN instruments i ON i.id = t.instrument_id WHERE i.symbol = 'SPY' GROUP BY i.id`);
        const n = Number(spy.n);
        const reps = Math.ceil(TARGET / n);
        const shift = Math.ceil((Number(spy.span) + 1) / WEEK_US) * WEEK_US;
        const t0 = Date.now();
        // Ticks of equal time keep their imported order (seq), so every build gives the same stream and the same trades.
        const store = new TickRepository(db).store;
        await store.appendTicks('trades', `SELECT t.instrument_id, t.time_us + r.k * ${shift}, t.price_ticks, t.size, t.flags
            FROM trades t, (SELECT range AS k FROM range(1, ${reps})) r WHERE t.instrument_id = ${Number(spy.id)} ORDER BY 2, t.seq`);
        await db.checkpoint();
        const segments = [...(await store.bytesByDataset()).values()].reduce((a, b) => a + b, 0);
        console.log(`workspace: ${seeded.source} SPY trades x ${reps} = ${(n * reps / 1e6).toFixed(1)}M ticks, ${mb(db.fileSize())} DuckDB file + ${mb(segments)} tick segments, built in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
        return { instrumentId: Number(spy.id) };
    } finally {
        db.close();
    }
}

async function openSource(dir, instrumentId) {
    const db = await WorkspaceDatabase.open(workspaceDatabasePath(dir));
    const repo = new TickRepository(db);
    const instrument = await repo.getInstrument(instrumentId);
    return { db, source: new BacktestDataImpl(db).streamTicks({ instrument, dataset: { instrumentId, kind: 'trades' } }) };
}

/** SMA cross on 1-minute bars (the real EURUSD 2017 H1 bars, repeated), each bar as its 4-point intrabar path. */
async function barsBench() {
    const dataDir = defaultDataDir();
    const file = path.join(root, 'sample-workspace/strategies/sma-cross.ts');
    const bars = { time: [], open: [], high: [], low: [], close: [] };
    const csvDir = dataDir && path.join(dataDir, 'eurusd-m1-2017h1');
    if (!csvDir || !fs.existsSync(csvDir)) {
        console.log('bars benchmark skipped: ../shared/data/eurusd-m1-2017h1 is absent');
        return;
    }
    for (const name of fs.readdirSync(csvDir).filter(f => f.endsWith('.csv')).sort()) {
        for (const line of fs.readFileSync(path.join(csvDir, name), 'utf8').split('\n')) {
            const f = line.split(';');
            if (f.length < 5) {
                continue;
            }
            const t = Date.UTC(+f[0].slice(0, 4), +f[0].slice(4, 6) - 1, +f[0].slice(6, 8), +f[0].slice(9, 11), +f[0].slice(11, 13)) * 1000;
            bars.time.push(t); bars.open.push(+f[1]); bars.high.push(+f[2]); bars.low.push(+f[3]); bars.close.push(+f[4]);
        }
    }
    const n = bars.time.length;
    const reps = Math.max(1, Math.round(Number(process.env.BENCH_BARS ?? 5_000_000) / n));
    const span = bars.time[n - 1] - bars.time[0] + 60_000_000;
    const batches = [];
    for (let r = 0; r < reps; r++) {
        const time = new BigInt64Array(n);
        for (let i = 0; i < n; i++) {
            time[i] = BigInt(bars.time[i] + r * span);
        }
        batches.push(barTicks({ time, open: Float64Array.from(bars.open), high: Float64Array.from(bars.high), low: Float64Array.from(bars.low),
            close: Float64Array.from(bars.close) }));
    }
    const r = await runStrategy({ file, source: batches, execution: { fill: 'bar' }, instrument: { symbol: 'EURUSD', tickSize: 0.00001, lotSize: 1, multiplier: 1 },
        timeoutMs: 3_600_000 });
    const total = n * reps;
    console.log(`SMA cross on 1m bars (EURUSD 2017 H1 x${reps} = ${(total / 1e6).toFixed(1)}M bars, 4 path points each, orders on): ` +
        `${(total / r.elapsedMs / 1e3).toFixed(1)}M bars/s end to end, ${(total / r.workerMs / 1e3).toFixed(1)}M bars/s in the worker; ${r.execution.trades.pnl.length} trades`);
}

async function main() {
    if (process.argv[2] === '--build') {
        const { instrumentId } = await buildWorkspace(process.argv[3]);
        fs.writeFileSync(path.join(process.argv[3], 'instrument.json'), JSON.stringify(instrumentId));
        return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-bench-'));
    try {
        // The database is built in a child process: the peak RSS printed here is the runs' alone.
        execFileSync(process.execPath, [__filename, '--build', dir], { stdio: 'inherit' });
        const instrumentId = JSON.parse(fs.readFileSync(path.join(dir, 'instrument.json'), 'utf8'));
        const perTick = path.join(dir, 'per-tick.ts');
        fs.writeFileSync(perTick, PER_TICK);

        {
            const { db, source } = await openSource(dir, instrumentId);
            const t0 = performance.now();
            let n = 0;
            for await (const b of source) {
                n += b.time.length;
            }
            const s = (performance.now() - t0) / 1000;
            db.close();
            console.log(`DuckDB stream -> engine batches alone: ${(n / s / 1e6).toFixed(1)}M ticks/s (${(n / 1e6).toFixed(1)}M ticks in ${s.toFixed(2)} s)`);
        }
        {
            // The product path: dataset -> worker -> engine with orders -> statistics -> stored run (one transaction).
            const db = await WorkspaceDatabase.open(workspaceDatabasePath(dir));
            try {
                const t0 = performance.now();
                const { run, result } = await runBacktest({ file: SMA, symbol: 'SPY', timeoutMs: 3_600_000 },
                    { data: new BacktestDataImpl(db), runs: new RunStoreImpl(db), engineVersion: 'bench' });
                const s = (performance.now() - t0) / 1000;
                console.log(`end-to-end SMA/1H strategy with orders, DuckDB file -> final statistics -> stored run: ${(result.ticks / s / 1e6).toFixed(1)}M ticks/s ` +
                    `(${(result.ticks / 1e6).toFixed(1)}M ticks, ${run.headline.trades} trades, ${s.toFixed(2)} s); peak RSS so far ${mb(peakRss())}`);
            } finally {
                db.close();
            }
        }
        await barsBench();
        for (const [name, file] of [['SMA cross, woken on 1m bar closes', SMA], ['woken on every tick', perTick]]) {
            const { db, source } = await openSource(dir, instrumentId);
            try {
                const r = await runStrategy({ file, source, timeoutMs: 3_600_000 });
                console.log(`end-to-end ${name}: ${(r.ticksPerSecond / 1e6).toFixed(1)}M ticks/s (${(r.ticks / 1e6).toFixed(1)}M ticks in ${(r.elapsedMs / 1000).toFixed(2)} s; ` +
                    `worker busy ${(r.workerMs / 1000).toFixed(2)} s = ${(r.ticks / r.workerMs / 1e3).toFixed(1)}M ticks/s; bar closes ${r.barCloses}, tick wake-ups ${r.tickWakeups}); peak RSS so far ${mb(peakRss())}`);
            } finally {
                db.close();
            }
            await new Promise(resolve => setTimeout(resolve, 50));
        }
        console.log(`strategy read of ctx.mtf('1H').partial.close: ${fieldReadNanos(SMA).toFixed(1)} ns (no native call)`);
        console.log(`peak RSS ${mb(peakRss())}`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
