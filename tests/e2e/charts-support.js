// @ts-check
// Support for the chart tests and the chart bench: a throw-away copy of the sample workspace
// (the workbench holds its database open), and the native engine's MTF state at a tick,
// computed here by one pass over the same ticks, independently of the workbench.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { repoRoot, runCommand } = require('./workbench');

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
    // The copy's tick views name the workspace's segment files relative to its folder.
    const instance = await DuckDBInstance.create(file, { file_search_path: path.join(workspace, '.backtestr') });
    const con = await instance.connect();
    try {
        const reader = await con.runAndReadAll(`SELECT t.time_us, t.price_ticks::DOUBLE, t.size::DOUBLE, i.tick_size FROM trades t
            JOIN instruments i ON i.id = t.instrument_id WHERE i.symbol = 'SPY' ORDER BY t.time_us, t.seq`);
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
    const { MtfEngine } = require('@backtestr/engine-core');
    const engine = new MtfEngine({ timeframes: TIMEFRAMES, priceSource: 'last', depth: 1000 });
    const state = engine.state;
    engine.process({ time: ticks.time.subarray(0, k + 1), price: ticks.price.subarray(0, k + 1), size: ticks.size.subarray(0, k + 1) });
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
 * Runs a sample strategy for real through the CLI (`backtestr run`, a child process) on a workspace
 * and returns the stored run: its record and outputs read back through the workspace store's RunStore.
 * Call it while no workbench holds the database (DuckDB allows one writer process).
 * @param {string} workspace
 * @param {string} strategy file name under sample-workspace/strategies
 * @param {string} symbol
 * @param {string} kind
 */
async function runStrategy(workspace, strategy, symbol, kind) {
    const { execFileSync } = require('child_process');
    const out = execFileSync(process.execPath, [path.join(repoRoot, 'cli', 'bin', 'backtestr.js'), 'run', path.join(workspace, 'strategies', strategy),
        '--workspace', workspace, '--symbol', symbol, '--kind', kind, '--json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const id = JSON.parse(out).run.id;
    const store = path.join(repoRoot, 'extensions', 'workspace-store', 'lib', 'node');
    const { WorkspaceDatabase, workspaceDatabasePath } = require(path.join(store, 'workspace-database'));
    const { RunStoreImpl } = require(path.join(store, 'run-store-impl'));
    const db = await WorkspaceDatabase.open(workspaceDatabasePath(workspace));
    try {
        const store = new RunStoreImpl(db);
        const [run, orders, events, trades, series] = await Promise.all([store.getRun(id), store.readOrders(id), store.readEvents(id), store.readTrades(id), store.readSeries(id)]);
        return { id, run, orders, events, trades, series };
    } finally {
        await db.close();
    }
}

/** Builds the example Keltner Channels plugin and packs it as its publisher would; returns the .tgz path. @param {string} dir */
function packKeltner(dir) {
    const { execFileSync } = require('child_process');
    const keltner = path.join(repoRoot, 'examples', 'plugins', 'keltner-channels');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [repoRoot] }), '-p', keltner], { stdio: 'pipe' });
    const packed = execFileSync('npm', ['pack', keltner, '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: dir, encoding: 'utf8' });
    return path.join(dir, JSON.parse(packed)[0].filename);
}

/**
 * Starts a run from the "Run Backtest" form as a user does (the form opens in the main area).
 * @param {import('playwright-core').Page} page
 * @param {string} strategy file name under the workspace's strategies
 * @param {(label: string | null) => boolean} isDataset picks the dataset option by its label
 */
async function startRunFromForm(page, strategy, isDataset) {
    await runCommand(page, 'BackTestr: Run Backtest…');
    const form = page.locator('[data-testid="run-config"]');
    await form.waitFor({ state: 'visible', timeout: 30000 });
    await page.waitForFunction(s => [...document.querySelectorAll('[data-testid="run-strategy"] option')].some(o => o.textContent === s), strategy, { timeout: 30000 });
    await form.locator('[data-testid="run-strategy"]').selectOption({ label: strategy });
    await form.locator('[data-testid="run-start"]:not([disabled])').waitFor({ timeout: 30000 });
    const labels = await form.locator('[data-testid="run-dataset"] option').evaluateAll(os => os.map(o => o.textContent));
    const label = labels.find(isDataset);
    if (!label) {
        throw new Error(`No dataset option matches in the Run Backtest form: ${labels.join(', ')}`);
    }
    await form.locator('[data-testid="run-dataset"]').selectOption({ label });
    await form.locator('[data-testid="run-start"]').click();
}

/**
 * Opens the SPY trades in the charts through "BackTestr: Open Chart", as a user does, and waits until all six panels
 * have bars.
 * @param {import('playwright-core').Page} page
 */
async function openSpyChart(page) {
    await runCommand(page, 'BackTestr: Open Chart');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'SPY trades' }).first();
    await pick.waitFor({ state: 'visible', timeout: 30000 });
    await pick.click();
    await page.waitForFunction(() => {
        const s = /** @type {any} */ (window).__backtestrCharts?.state();
        return s && s.cursor !== undefined && s.panels.length === 6 && s.panels.every((/** @type {{ bars: number }} */ p) => p.bars > 0);
    }, undefined, { timeout: 120000 });
}

module.exports = { startRunFromForm, openSpyChart, copySampleWorkspace, readSpyTicks, engineStateAt, tickIndexAt, runStrategy, packKeltner, TIMEFRAMES };
