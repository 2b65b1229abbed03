// @ts-check
// Support for the chart tests and the chart bench: a throw-away copy of the sample workspace
// (the workbench holds its database open), and the native engine's MTF state at a tick,
// computed here by one pass over the same ticks, independently of the workbench.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { repoRoot } = require('./workbench');

const sampleWorkspace = path.join(repoRoot, 'sample-workspace');
const TIMEFRAMES = ['1m', '5m', '15m', '1H', '4H', '1D'];

/** Copies the sample workspace (strategies and database) to a temporary folder. */
function copySampleWorkspace() {
    const db = path.join(sampleWorkspace, '.backtestr', 'workspace.duckdb');
    if (!fs.existsSync(db)) {
        throw new Error(`${db} does not exist: create the sample workspace first (the setup does).`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-charts-'));
    fs.cpSync(sampleWorkspace, dir, { recursive: true });
    return dir;
}

/**
 * Reads the SPY trades of a workspace copy (its own database copy, so the workbench's lock is not in the way).
 * @param {string} workspace
 */
async function readSpyTicks(workspace) {
    const { DuckDBInstance } = require('@duckdb/node-api');
    const file = path.join(os.tmpdir(), `backtestr-charts-ref-${process.pid}.duckdb`);
    fs.copyFileSync(path.join(workspace, '.backtestr', 'workspace.duckdb'), file);
    const instance = await DuckDBInstance.create(file);
    const con = await instance.connect();
    try {
        const reader = await con.runAndReadAll(`SELECT t.time_us, t.price_ticks::DOUBLE, t.size::DOUBLE, i.tick_size FROM trades t
            JOIN instruments i ON i.id = t.instrument_id WHERE i.symbol = 'SPY' ORDER BY t.time_us, t.rowid`);
        const cols = reader.getColumns();
        const n = reader.currentRowCount;
        const tickSize = Number(cols[3][0]);
        // tick counts to prices as the engine's tick sources do: mantissa / 10^exponent
        let exponent = 0;
        while (exponent < 15 && Math.abs(Math.round(tickSize * 10 ** exponent) - tickSize * 10 ** exponent) > 1e-9 * 10 ** exponent) {
            exponent++;
        }
        const mantissa = Math.round(tickSize * 10 ** exponent), divisor = 10 ** exponent;
        const time = BigInt64Array.from(/** @type {bigint[]} */ (cols[0]));
        const price = Float64Array.from(/** @type {number[]} */ (cols[1]), v => v * mantissa / divisor);
        const size = Float64Array.from(/** @type {number[]} */ (cols[2]));
        return { count: n, time, price, size };
    } finally {
        con.closeSync();
        instance.closeSync();
        fs.rmSync(file, { force: true });
    }
}

/**
 * The engine's state after tick `k` (one pass from the first tick): per timeframe the forming bar and the last `window` completed bars.
 * @param {{ time: BigInt64Array, price: Float64Array, size: Float64Array }} ticks
 * @param {number} k
 * @param {number} window
 */
function engineStateAt(ticks, k, window) {
    const native = require('@backtestr/native');
    const { MtfState } = require('@backtestr/plugins-sdk');
    const engine = native.create({ timeframes: TIMEFRAMES, priceSource: 'last', depth: 1000 });
    const state = new MtfState(native.stateBuffer(engine), native.layout(), TIMEFRAMES);
    native.setBatch(engine, ticks.time.subarray(0, k + 1), ticks.price.subarray(0, k + 1), ticks.size.subarray(0, k + 1));
    let i = 0;
    while (i < k + 1) {
        i = native.run(engine, i);
    }
    /** @param {{ time: number, open: number, high: number, low: number, close: number, volume: number }} b */
    const plain = b => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
    return TIMEFRAMES.map(tf => {
        const s = state.get(tf);
        return { timeframe: tf, partial: s.partial ? plain(s.partial.snapshot()) : undefined, completed: s.bars(window).map(plain) };
    });
}

/** Index of the last tick at or before `timeMicros`. @param {{ time: BigInt64Array }} ticks @param {number} timeMicros */
function tickIndexAt(ticks, timeMicros) {
    const t = BigInt(timeMicros);
    let lo = 0, hi = ticks.time.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ticks.time[mid] <= t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo - 1;
}

/**
 * Writes a small run of SPY into a workspace database (already migrated to the run tables by a
 * workbench start): a long entry filled at tick `entry` and its exit at tick `exit`, with the
 * strategy's reasons as order tags, as the RunStore lays runs out.
 * @param {string} workspace
 * @param {{ time: BigInt64Array, price: Float64Array }} ticks
 * @param {number} entry
 * @param {number} exit
 */
async function writeSpyRun(workspace, ticks, entry, exit) {
    const { DuckDBInstance } = require('@duckdb/node-api');
    const instance = await DuckDBInstance.create(path.join(workspace, '.backtestr', 'workspace.duckdb'));
    const con = await instance.connect();
    try {
        const id = (await con.runAndReadAll("SELECT id FROM instruments WHERE symbol = 'SPY'")).getRows()[0][0];
        const t = (/** @type {number} */ k) => ticks.time[k].toString();
        const p1 = ticks.price[entry], p2 = ticks.price[exit];
        const config = {
            strategyFile: 'sma-cross.ts', symbol: 'SPY', kind: 'trades', params: {}, timeframes: TIMEFRAMES, priceSource: 'last', session: '00:00 UTC',
            models: { fill: 'trade', limitFill: 'touch', slippage: { kind: 'none' }, commission: {}, latencyMicros: 0, initialCash: 100000 },
            seed: 1, tickSize: 0.01, multiplier: 1
        };
        const headline = { netProfit: (p2 - p1) * 100, totalReturnPercent: 0, maxDrawdownPercent: 0, trades: 1, finalEquity: 100000 };
        await con.run(`INSERT INTO runs VALUES ('e2e-run', ${t(0)}, ${t(ticks.time.length - 1)}, 'finished', NULL, 'e2e.sma', 'E2E SMA', 'x', '0.1.0', ${id},
            '${JSON.stringify(config)}', ${ticks.time.length}, 1, ${t(0)}, ${t(ticks.time.length - 1)}, '${JSON.stringify(headline)}')`);
        await con.run(`INSERT INTO run_orders VALUES ('e2e-run', 0, 1, ${t(entry)}, 'market', 1, 100, NULL, NULL, 'GTC', 'fast SMA crossed above slow'),
            ('e2e-run', 1, 2, ${t(exit)}, 'market', -1, 100, NULL, NULL, 'GTC', 'stop level hit')`);
        await con.run(`INSERT INTO run_events VALUES
            ('e2e-run', 0, ${t(entry)}, 1, 'accepted', 'OK', ${entry + 1}, NULL, 100, 0, NULL, 0, 0),
            ('e2e-run', 1, ${t(entry)}, 1, 'filled', 'MARKET', ${entry + 1}, ${p1}, 100, 0, ${p1}, 100, 0),
            ('e2e-run', 2, ${t(exit)}, 2, 'accepted', 'OK', ${exit + 1}, NULL, 100, 0, NULL, 100, 0),
            ('e2e-run', 3, ${t(exit)}, 2, 'filled', 'MARKET', ${exit + 1}, ${p2}, 100, 0, ${p2}, 0, ${(p2 - p1) * 100})`);
        await con.run(`INSERT INTO run_trades VALUES ('e2e-run', 0, 1, 100, ${t(entry)}, ${t(exit)}, ${p1}, ${p2}, ${(p2 - p1) * 100}, 0, 0, 0, 0, 10)`);
    } finally {
        con.closeSync();
        instance.closeSync();
    }
}

module.exports = { copySampleWorkspace, readSpyTicks, engineStateAt, tickIndexAt, writeSpyRun, TIMEFRAMES };
