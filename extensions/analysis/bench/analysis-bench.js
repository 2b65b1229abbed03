// @ts-check
// Benchmark (not a test): the analysis of a run with 10k+ trades (SMA 3/10 cross on the real HistData
// EURUSD M1 2017 H1 bars: 186,348 equity samples, 11,581 trades).
//  node: computeStatistics + the whole RunAnalysis, the tearsheet HTML, the PDF, the CSV and JSON exports,
//        the live feed's cost per equity sample, a plugin's report section (the trade-summary example in
//        its plugin host worker) over the whole run;
//  browser (with --browser; needs the built browser app): the run stored through RunStoreImpl, the
//        workbench started on it, time from picking the run to its dashboard drawn, and to re-sort the
//        trade table by P&L.
// Usage: node extensions/analysis/bench/analysis-bench.js [--browser]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');

const lib = path.resolve(__dirname, '..', 'lib');
const { eurusdRunFixture, storeFixture } = require(path.join(lib, 'node', 'test-support', 'eurusd-run-fixture'));
const { buildRunAnalysis, runStatistics } = require(path.join(lib, 'common', 'run-analysis'));
const { tearsheetHtml } = require(path.join(lib, 'common', 'report', 'report-html'));
const { tradesCsv, equityCsv } = require(path.join(lib, 'common', 'report', 'report-csv'));
const { runExportJson } = require(path.join(lib, 'common', 'report', 'run-export'));
const { htmlToPdf } = require(path.join(lib, 'node', 'report-pdf'));
const { RunProgressFeedImpl } = require(path.join(lib, 'node', 'run-progress-feed-impl'));
const { reportSectionInput } = require(path.join(lib, 'common', 'report-sections'));

/** Median of `runs` timings of `fn` in ms. */
async function time(runs, fn) {
    const ms = [];
    for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    return ms[Math.floor(ms.length / 2)];
}

async function main() {
    const fixture = eurusdRunFixture('bench-sma-3-10', 3, 10);
    const { record, output } = fixture;
    const trades = output.trades.pnl.length;
    const samples = output.equity.time.length;
    console.log(`run: ${trades} trades, ${samples} equity samples`);
    const stats = await time(5, () => runStatistics(record, output));
    const analysis = await time(5, () => buildRunAnalysis(record, output));
    const a = buildRunAnalysis(record, output);
    const html = await time(5, () => tearsheetHtml(a));
    const pdf = await time(3, () => htmlToPdf(tearsheetHtml(a)));
    const csv = await time(3, () => { tradesCsv(output.trades); equityCsv(output.equity); });
    const json = await time(3, () => runExportJson(record, output, runStatistics(record, output)));
    console.log(`computeStatistics: ${stats.toFixed(1)} ms; whole RunAnalysis (statistics, thinned curve, histogram): ${analysis.toFixed(1)} ms`);
    console.log(`tearsheet HTML: ${html.toFixed(1)} ms; PDF via headless Chromium: ${pdf.toFixed(0)} ms`);
    console.log(`CSV trades+equity: ${csv.toFixed(1)} ms; JSON export: ${json.toFixed(1)} ms`);

    // Live feed: every equity sample and trade through the accumulator, in batches of 4096 samples.
    const feed = new RunProgressFeedImpl();
    Object.assign(feed, { logger: { warn: () => undefined } });
    let pushes = 0;
    feed.addClient({ onDidChangeRun: () => { pushes++; } });
    const liveMs = await time(3, () => {
        feed.runStarted({ ...record, id: 'live' });
        const { equity } = output;
        let t = 0;
        for (let s = 0; s < samples; s += 4096) {
            const e = Math.min(samples, s + 4096);
            const t0 = t;
            while (t < trades && output.trades.exitTime[t] <= equity.time[e - 1]) {
                t++;
            }
            const cut = c => c.subarray(t0, t);
            feed.runProgress('live', {
                ticks: e, lastTime: equity.time[e - 1],
                equity: { time: equity.time.subarray(s, e), equity: equity.equity.subarray(s, e), position: equity.position.subarray(s, e) },
                trades: Object.fromEntries(Object.entries(output.trades).map(([k, v]) => [k, cut(v)]))
            });
        }
        feed.runFinished('live', 'finished');
    });
    console.log(`live feed: ${liveMs.toFixed(1)} ms for the whole run = ${(liveMs * 1e6 / samples).toFixed(0)} ns per equity sample ` +
        `(incl. ${trades} trades and the pushes at most once a second)`);

    // A report section of a plugin: the run's trades and equity as the section's input, then one call
    // into the trade-summary example in its own plugin host worker (structured clone both ways).
    const pluginsLib = path.resolve(__dirname, '..', '..', 'plugins', 'lib', 'node');
    const { PluginManager } = require(path.join(pluginsLib, 'plugin-manager'));
    const { PluginContributionRegistryImpl } = require(path.join(pluginsLib, 'plugin-contribution-registry-impl'));
    const pluginDir = fs.mkdtempSync(path.join(os.tmpdir(), 'analysis-bench-plugins-'));
    const manager = new PluginManager({ directory: pluginDir, registry: new PluginContributionRegistryImpl(), callTimeoutMs: 60000 });
    try {
        await manager.install({ kind: 'folder', location: path.resolve(__dirname, '..', '..', '..', 'examples', 'plugins', 'trade-summary-report') });
        const inputMs = await time(5, () => reportSectionInput(output.trades, output.equity));
        const input = reportSectionInput(output.trades, output.equity);
        const sectionMs = await time(5, () => manager.renderReportSection('examples.trade-summary', input));
        console.log(`report section input (${trades} trades, ${samples} equity samples as plain data): ${inputMs.toFixed(1)} ms; ` +
            `trade-summary section in its plugin host: ${sectionMs.toFixed(1)} ms`);
    } finally {
        for (const p of manager.list()) {
            await manager.disable(p.id);
        }
        fs.rmSync(pluginDir, { recursive: true, force: true });
    }

    if (!process.argv.includes('--browser')) {
        return;
    }
    const workbench = require(path.resolve(__dirname, '..', '..', '..', 'tests', 'e2e', 'workbench.js'));
    const { RunStoreImpl } = require(path.resolve(__dirname, '..', '..', 'workspace-store', 'lib', 'node', 'run-store-impl'));
    const { WorkspaceDatabase, workspaceDatabasePath } = require(path.resolve(__dirname, '..', '..', 'workspace-store', 'lib', 'node', 'workspace-database'));
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'analysis-bench-'));
    const db = await WorkspaceDatabase.open(workspaceDatabasePath(workspace));
    await storeFixture(new RunStoreImpl(db), fixture);
    const small = eurusdRunFixture('bench-small', 10, 30);
    await storeFixture(new RunStoreImpl(db), { ...small, record: { ...small.record, createdAt: record.createdAt + 1 } });
    db.close();
    const server = await workbench.startWorkbench(workspace);
    const browser = await workbench.launchBrowser();
    try {
        const { page } = await workbench.openWorkbench(browser, server.url);
        await workbench.runCommand(page, 'BackTestr: Open Analysis');
        const view = page.locator('[data-testid="analysis-view"]');
        await view.locator('[data-testid="headline-metrics"]').waitFor({ state: 'visible', timeout: 60000 });
        const open = [];
        const sort = [];
        for (let i = 0; i < 3; i++) {
            for (const id of ['bench-small', 'bench-sma-3-10']) {
                const t0 = performance.now();
                await view.locator('[data-testid="run-picker"]').selectOption(id);
                await page.waitForFunction(n => {
                    const c = document.querySelector('[data-metric="trades.count"] .bt-card-value');
                    return c !== null && c.textContent === n && document.querySelector('[data-testid="trade-table"] tbody tr') !== null;
                }, id === 'bench-small' ? small.output.trades.pnl.length.toLocaleString('en-US') : trades.toLocaleString('en-US'));
                await page.evaluate(() => new Promise(r => requestAnimationFrame(() => r(undefined))));
                if (id === 'bench-sma-3-10') {
                    open.push(performance.now() - t0);
                }
            }
            // Measured in the page: click -> React commit -> the next frame painted.
            sort.push(await page.evaluate(() => new Promise(resolve => {
                const th = /** @type {HTMLElement} */ (document.querySelector('th[data-sort="pnl"]'));
                const t0 = performance.now();
                th.click();
                requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
            })));
        }
        const med = xs => xs.slice().sort((x, y) => x - y)[Math.floor(xs.length / 2)];
        console.log(`browser: pick the 10k-trade run -> dashboard drawn (RPC + analysis + render): ${med(open).toFixed(0)} ms (median of 3); ` +
            `sort ${trades} trades by P&L: ${med(sort).toFixed(0)} ms`);
    } finally {
        await browser.close();
        await server.stop();
        fs.rmSync(workspace, { recursive: true, force: true });
    }
}

main().catch(error => {
    console.error(error);
    process.exit(1);
});
