// @ts-check
// The Plugins view as a user drives it: install the example Keltner Channels indicator from the
// .tgz `npm pack` makes, see it listed and enabled, see a faulty plugin reported with its error,
// add Keltner to a chart panel, use it in a strategy run started from the IDE (its recorded values
// equal the CLI's for the same run with --plugins on the same plugin directory), disable and
// uninstall it (a new run of that strategy then fails naming the missing indicator, and the
// workbench goes on), then install the trade-summary report section and see it in the Analysis
// view, all without reloading the workbench. Runs its own workbench on a copy of the sample
// workspace (real SPY trades) with its own plugin directory (BACKTESTR_PLUGIN_DIR), so the user's
// ~/.backtestr/plugins stays untouched.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, repoRoot, openSession, closeSession, installPlugin } = require('./workbench');
const { copySampleWorkspace, openSpyChart } = require('./charts-support');

const KELTNER = path.join(repoRoot, 'examples', 'plugins', 'keltner-channels');
const TRADE_SUMMARY = path.join(repoRoot, 'examples', 'plugins', 'trade-summary-report');
const THROWS_ON_LOAD = path.join(repoRoot, 'extensions', 'plugins', 'test-fixtures', 'throws-on-load');
const CLI = path.join(repoRoot, 'cli', 'bin', 'backtestr.js');
const DATASET = { symbol: 'SPY@usa', kind: 'trades' };
const STRATEGY_FILE = 'keltner-breakout.ts';
/** A strategy on the plugin's indicator: records the channel at every 5m close, buys a close above the upper band, exits below the middle. */
const STRATEGY = `import { defineStrategy, IndicatorState } from '@backtestr/plugins-sdk';

let keltner: IndicatorState<{ upper: number; middle: number; lower: number }> | undefined;

export default defineStrategy({
    id: 'tests.keltner-breakout',
    label: 'Keltner breakout',
    params: { qty: { type: 'float', default: 100, min: 0, label: 'Quantity' } },
    subscribe: { barClose: ['5m'] },
    onStart() {
        keltner = undefined;
    },
    onBarClose(ctx, bar) {
        // Asked for at the first bar close, not in onStart: the run form loads the strategy (and runs
        // onStart) to read its parameters, without the run's plugins.
        keltner ??= ctx.indicator('examples.keltner', { period: 20, atrPeriod: 10, multiplier: 1.5 });
        const k = keltner.update(bar);
        if (k === undefined) {
            return;
        }
        ctx.record('keltner.upper', k.upper);
        ctx.record('keltner.middle', k.middle);
        ctx.record('keltner.lower', k.lower);
        const flat = ctx.position.qty === 0;
        if (flat && bar.close > k.upper) {
            ctx.order.market('buy', ctx.params.qty, { tag: 'close ' + bar.close + ' above the Keltner upper band ' + k.upper.toFixed(4) });
        } else if (!flat && bar.close < k.middle) {
            ctx.order.close({ tag: 'close ' + bar.close + ' below the Keltner middle ' + k.middle.toFixed(4) });
        }
    }
});
`;
const SERIES = ['keltner.upper', 'keltner.middle', 'keltner.lower'];

describe('Plugins view in Chromium', function () {
    /** @type {string} */
    let work;
    /** @type {string} */
    let pluginDir;
    /** @type {string} */
    let tgz;
    /** @type {Awaited<ReturnType<typeof startWorkbench>> | undefined} */
    let server;
    /** @type {import('playwright-core').Browser | undefined} */
    let browser;
    /** @type {import('playwright-core').Page} */
    let page;
    /** @type {Error[]} */
    let pageErrors;
    /** @type {string | undefined} */
    let savedEnv;
    /** The workbench's workspace and a second copy of it for the CLI (the workbench holds its database). @type {string} */
    let workspace;
    /** @type {string} */
    let cliWorkspace;
    /** The IDE run of the Keltner strategy. @type {string} */
    let keltnerRunId;
    /** Its JSON export from the Analysis view. @type {{ series: Record<string, { time: number[], value: number[] }>, trades: Record<string, unknown[]> }} */
    let ideExport;

    before(async () => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-plugins-e2e-'));
        pluginDir = path.join(work, 'plugin-dir');
        workspace = copySampleWorkspace();
        cliWorkspace = copySampleWorkspace();
        for (const root of [workspace, cliWorkspace]) {
            fs.writeFileSync(path.join(root, 'strategies', STRATEGY_FILE), STRATEGY);
        }
        // Build the example with its own tsc and pack it as its publisher would.
        execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [repoRoot] }), '-p', KELTNER], { stdio: 'pipe' });
        const packed = execFileSync('npm', ['pack', KELTNER, '--json', '--ignore-scripts', '--pack-destination', work], { cwd: work, encoding: 'utf8' });
        tgz = path.join(work, JSON.parse(packed)[0].filename);
        savedEnv = process.env.BACKTESTR_PLUGIN_DIR;
        process.env.BACKTESTR_PLUGIN_DIR = pluginDir;
        ({ server, browser, page, pageErrors } = await openSession(workspace));
        // A marker that a reload would wipe out.
        await page.evaluate(() => { /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (window)).backtestrNoReload = 'still here'; });
    });

    after(async () => {
        if (savedEnv === undefined) {
            delete process.env.BACKTESTR_PLUGIN_DIR;
        } else {
            process.env.BACKTESTR_PLUGIN_DIR = savedEnv;
        }
        await closeSession({ browser, server }, work, workspace, cliWorkspace);
    });

    const view = () => page.locator('[data-testid="plugins-view"]');
    const item = (/** @type {string} */ id) => view().locator(`[data-testid="plugin-item"][data-plugin-id="${id}"]`);
    const stateFile = () => JSON.parse(fs.readFileSync(path.join(pluginDir, 'plugins.json'), 'utf8')).plugins;
    const runRow = (/** @type {string} */ id) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);

    /** Starts a strategy of the workspace on the SPY trades from the run form; returns the new run's id once it is listed. @param {string} file */
    async function startRun(file) {
        await runCommand(page, 'BackTestr: Run Backtest…');
        const form = page.locator('[data-testid="run-config"]');
        await form.waitFor({ state: 'visible', timeout: 30000 });
        await page.waitForFunction(f => [...document.querySelectorAll('[data-testid="run-strategy"] option')].some(o => o.textContent === f), file, { timeout: 30000 });
        await form.locator('[data-testid="run-strategy"]').selectOption({ label: file });
        await form.locator('[data-testid="run-start"]:not([disabled])').waitFor({ timeout: 30000 }).catch(async e => {
            await screenshot(page, 'plugins-run-form-failed');
            throw new Error(`${e.message}\nthe run form shows: ${await form.innerText()}`);
        });
        const datasetLabel = await form.locator('[data-testid="run-dataset"] option').evaluateAll(
            (options, prefix) => options.map(o => o.textContent ?? '').find(t => t.startsWith(prefix)), `${DATASET.symbol} ${DATASET.kind}`);
        expect(datasetLabel, file).to.be.a('string');
        await form.locator('[data-testid="run-dataset"]').selectOption({ label: /** @type {string} */ (datasetLabel) });
        const known = await page.locator('[data-testid="run-row"]').evaluateAll(rows => rows.map(r => r.getAttribute('data-run-id')));
        await form.locator('[data-testid="run-start"]').click();
        const handle = await page.waitForFunction(ids => [...document.querySelectorAll('[data-testid="run-row"]')]
            .map(r => r.getAttribute('data-run-id')).find(id => id && !ids.includes(id)), known, { timeout: 60000 });
        return /** @type {string} */ (await handle.jsonValue());
    }

    /** Waits until a run is no longer running; returns its status. @param {string} id */
    async function runEnd(id) {
        await page.waitForFunction(i => {
            const status = document.querySelector(`[data-testid="run-row"][data-run-id="${i}"]`)?.getAttribute('data-status');
            return status !== undefined && status !== null && status !== 'running';
        }, id, { timeout: 180000 }).catch(() => runCommand(page, 'BackTestr: Show Runs'));
        await page.waitForFunction(i => document.querySelector(`[data-testid="run-row"][data-run-id="${i}"]`)?.getAttribute('data-status') !== 'running', id, { timeout: 60000 });
        return /** @type {string} */ (await runRow(id).getAttribute('data-status'));
    }

    /** Opens a run in the Analysis view through its row's Analyse button; returns the view. @param {string} id */
    async function analyse(id) {
        await runCommand(page, 'BackTestr: Show Runs');
        await runRow(id).locator('button', { hasText: 'Analyse' }).click();
        const analysisView = page.locator('[data-testid="analysis-view"]');
        await analysisView.locator('[data-testid="headline-metrics"]').waitFor({ state: 'visible', timeout: 60000 });
        return analysisView;
    }

    /** The CLI bin on the CLI's workspace copy. @param {string[]} args */
    function cli(args) {
        return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BACKTESTR_PLUGIN_DIR: '' } });
    }

    it('opens the Plugins view with no plugins, its directory and the firm extension\'s built-in data source', async () => {
        await runCommand(page, 'BackTestr: Show Plugins');
        await view().waitFor({ state: 'visible', timeout: 30000 });
        await view().locator('[data-testid="plugins-empty"]').waitFor({ state: 'visible', timeout: 30000 });
        expect(await view().locator('[data-testid="plugins-install"]').innerText()).to.contain(`Into ${pluginDir}`);
        const builtIn = view().locator('[data-testid="build-time-contribution"]');
        await builtIn.first().waitFor({ state: 'visible', timeout: 30000 });
        expect(await builtIn.allInnerTexts()).to.deep.equal(['data source Acme desk feed (time|price|size) acme.desk-feed · @acme-capital/backtestr-desk']);
    });

    it('shows the firm extension\'s own view, which lists the data sources through the injected PluginService', async () => {
        await runCommand(page, 'Acme: Show Desk');
        const sources = page.locator('[data-testid="acme-desk"] [data-testid="acme-desk-source"]');
        await sources.first().waitFor({ state: 'visible', timeout: 30000 });
        expect(await sources.allInnerTexts()).to.deep.equal(['Acme desk feed (time|price|size) (extension @acme-capital/backtestr-desk)']);
        await runCommand(page, 'BackTestr: Show Plugins');
    });

    it('installs the Keltner indicator from its .tgz: listed, enabled, with its contribution', async () => {
        await installPlugin(page, 'tgz', tgz);
        const keltner = item('examples.keltner-channels');
        await keltner.waitFor({ state: 'visible', timeout: 60000 });
        await page.waitForSelector('[data-plugin-id="examples.keltner-channels"][data-state="enabled"]', { timeout: 30000 });
        const text = await keltner.innerText();
        expect(text).to.contain('Keltner Channels').and.to.contain('1.0.0 · BackTestr examples').and.to.contain(`from tgz ${tgz}`);
        expect(await keltner.locator('[data-testid="plugin-contributions"]').innerText()).to.equal('indicator examples.keltner');
        expect(await keltner.locator('[data-testid="plugin-error"]').count()).to.equal(0);
        expect(await view().locator('[data-testid="plugins-source-location"]').inputValue()).to.equal('');
        expect(stateFile()['examples.keltner-channels'].state).to.equal('enabled');
        expect(fs.existsSync(path.join(pluginDir, 'examples.keltner-channels', 'lib', 'index.js'))).to.equal(true);
        await screenshot(page, 'plugins-01-installed');
    });

    it('shows a plugin that throws on load as failed, with its error, and Keltner stays enabled', async () => {
        await installPlugin(page, 'folder', THROWS_ON_LOAD);
        await page.waitForSelector('[data-plugin-id="fixtures.throws-on-load"][data-state="failed"]', { timeout: 60000 });
        const error = await item('fixtures.throws-on-load').locator('[data-testid="plugin-error"]').innerText();
        expect(error).to.match(/^load error: loading .*index\.js threw: Error: fixture: this plugin cannot start \(missing licence key\)/);
        expect(await item('examples.keltner-channels').getAttribute('data-state')).to.equal('enabled');
        await screenshot(page, 'plugins-02-faulty');
        await item('fixtures.throws-on-load').locator('[data-testid="plugin-uninstall"]').click();
        await item('fixtures.throws-on-load').waitFor({ state: 'detached', timeout: 30000 });
    });

    it('adds the Keltner indicator to a chart panel, which draws its three lines', async () => {
        await openSpyChart(page);
        const choices = await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.indicatorChoices());
        expect(choices.map((/** @type {{ id: string }} */ c) => c.id)).to.include('examples.keltner');
        // As a user does: the panel's "+ indicator" list.
        await page.locator('[data-testid="panel-indicator-0"]').selectOption('examples.keltner');
        /** @returns {Promise<{ lines: { key: string, points: number, lastValue: number }[], errors: string[] }[]>} */
        const overlays = () => page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.overlays());
        await page.waitForFunction(() => {
            const lines = /** @type {any} */ (window).__backtestrCharts.overlays()[0].lines;
            return ['upper', 'middle', 'lower'].every(o => lines.some((/** @type {any} */ l) => l.key === `indicator:0:examples.keltner:${o}` && l.points > 0));
        }, undefined, { timeout: 60000 }).catch(async e => {
            throw new Error(`${e.message}\npanel 0 draws ${JSON.stringify((await overlays())[0])}`);
        });
        const panel = (await overlays())[0];
        expect(panel.errors).to.deep.equal([]);
        const [upper, middle, lower] = ['upper', 'middle', 'lower'].map(o => /** @type {any} */ (panel.lines.find(l => l.key === `indicator:0:examples.keltner:${o}`)).lastValue);
        expect(upper).to.be.greaterThan(middle);
        expect(middle).to.be.greaterThan(lower);
        await screenshot(page, 'plugins-05-keltner-on-chart');
    });

    it('runs a strategy that calls ctx.indicator(\'examples.keltner\') from the IDE: it finishes with trades and the channel recorded', async () => {
        keltnerRunId = await startRun(STRATEGY_FILE);
        const status = await runEnd(keltnerRunId);
        expect(status, await runRow(keltnerRunId).getAttribute('title') ?? '').to.equal('finished');
        expect(Number(await runRow(keltnerRunId).locator('[data-testid="run-trades"]').innerText())).to.be.greaterThan(0);
        await screenshot(page, 'plugins-06-keltner-run');
        // Its JSON export from the Analysis view: every recorded series and trade of the stored run.
        const analysisView = await analyse(keltnerRunId);
        const [download] = await Promise.all([
            page.waitForEvent('download', { timeout: 120000 }),
            analysisView.locator('button[data-export="json"]').click()
        ]).catch(async e => {
            await screenshot(page, 'plugins-export-failed');
            throw new Error(`${e.message}\n${pageErrors.map(x => x.stack).join('\n')}`);
        });
        const file = path.join(work, 'ide-run.json');
        await download.saveAs(file);
        ideExport = JSON.parse(fs.readFileSync(file, 'utf8'));
        for (const name of SERIES) {
            expect(ideExport.series[name]?.value.length, name).to.be.greaterThan(100);
        }
        const s = ideExport.series;
        const i = s['keltner.upper'].value.length - 1;
        expect(s['keltner.upper'].value[i]).to.be.greaterThan(s['keltner.middle'].value[i]);
        expect(s['keltner.middle'].value[i]).to.be.greaterThan(s['keltner.lower'].value[i]);
    });

    it('records exactly the Keltner values and trades the CLI gets for the same run with --plugins on the same plugin directory', async () => {
        const strategy = path.join(cliWorkspace, 'strategies', STRATEGY_FILE);
        const out = cli(['run', strategy, '--workspace', cliWorkspace, '--symbol', DATASET.symbol, '--kind', DATASET.kind, '--plugins', pluginDir, '--json']);
        const summary = JSON.parse(out);
        expect(summary.run.status).to.equal('finished');
        const exportFile = path.join(work, 'cli-run.json');
        cli(['report', summary.run.id, '--workspace', cliWorkspace, '--format', 'json', '--out', exportFile]);
        const cliExport = JSON.parse(fs.readFileSync(exportFile, 'utf8'));
        for (const name of SERIES) {
            expect(ideExport.series[name], name).to.deep.equal(cliExport.series[name]);
        }
        expect(ideExport.trades).to.deep.equal(cliExport.trades);
        expect(ideExport.trades.pnl.length).to.equal(summary.trades.length);
    });

    it('disables the plugin, then uninstalls it', async () => {
        await runCommand(page, 'BackTestr: Show Plugins');
        const keltner = item('examples.keltner-channels');
        await keltner.locator('[data-testid="plugin-disable"]').click();
        await page.waitForSelector('[data-plugin-id="examples.keltner-channels"][data-state="disabled"]', { timeout: 30000 });
        await keltner.locator('[data-testid="plugin-enable"]').waitFor({ state: 'visible' });
        expect(stateFile()['examples.keltner-channels'].state).to.equal('disabled');
        await screenshot(page, 'plugins-03-disabled');
        await keltner.locator('[data-testid="plugin-uninstall"]').click();
        await keltner.waitFor({ state: 'detached', timeout: 30000 });
        await view().locator('[data-testid="plugins-empty"]').waitFor({ state: 'visible' });
        expect(stateFile()).to.deep.equal({});
        expect(fs.existsSync(path.join(pluginDir, 'examples.keltner-channels'))).to.equal(false);
        await screenshot(page, 'plugins-04-uninstalled');
    });

    it('a new run of the Keltner strategy fails naming the missing indicator, and the workbench goes on', async () => {
        const failedId = await startRun(STRATEGY_FILE);
        expect(await runEnd(failedId)).to.equal('failed');
        const message = /** @type {string} */ (await runRow(failedId).getAttribute('title'));
        expect(message).to.match(/ctx\.indicator\('examples\.keltner'\): no such indicator; known: core\./);
        expect(message).to.not.contain('examples.keltner,');
        expect(await runRow(failedId).locator('.backtestr-run-message').innerText()).to.contain("ctx.indicator('examples.keltner')");
        await screenshot(page, 'plugins-07-run-without-plugin');
        // The workbench goes on: another strategy runs to the end.
        const nextId = await startRun('sma-cross-1h-filter.ts');
        expect(await runEnd(nextId)).to.equal('finished');
        expect(await runRow(keltnerRunId).getAttribute('data-status')).to.equal('finished');
    });

    it('shows the trade-summary report section of a plugin in the Analysis view of the Keltner run', async () => {
        await runCommand(page, 'BackTestr: Show Plugins');
        await installPlugin(page, 'folder', TRADE_SUMMARY);
        await page.waitForSelector('[data-plugin-id="examples.trade-summary-report"][data-state="enabled"]', { timeout: 60000 });
        const analysisView = await analyse(keltnerRunId);
        const section = analysisView.locator('[data-testid="report-sections"] [data-section="examples.trade-summary"]');
        await section.waitFor({ state: 'visible', timeout: 60000 });
        expect(await section.getAttribute('data-state')).to.equal('ok');
        expect(await section.locator('.backtestr-view-heading').textContent()).to.equal('Trade summary · plugin Trade summary report');
        /** @type {Record<string, string>} */
        const rows = {};
        for (const tr of await section.locator('tr').all()) {
            rows[await tr.locator('th').innerText()] = await tr.locator('td').innerText();
        }
        // Expected figures from the run's trades as the IDE exported them.
        const pnl = /** @type {number[]} */ (ideExport.trades.pnl);
        const wins = pnl.filter(p => p > 0).length;
        expect(rows['Trades']).to.equal(String(pnl.length));
        expect(rows['Net P&L']).to.equal(pnl.reduce((a, b) => a + b, 0).toFixed(2));
        expect(rows['Win rate']).to.equal(`${(100 * wins / pnl.length).toFixed(1)}%`);
        expect(rows['Long / short']).to.equal(`${pnl.length} / 0`);
        await section.scrollIntoViewIfNeeded();
        await screenshot(page, 'plugins-08-report-section');
    });

    it('did all of it without reloading the workbench and without page errors', async () => {
        expect(await page.evaluate(() => /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (window)).backtestrNoReload)).to.equal('still here');
        expect(pageErrors.map(e => `${e.message}\n${e.stack}`)).to.deep.equal([]);
    });
});
