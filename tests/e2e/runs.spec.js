// @ts-check
// Backtests from the IDE: the run configuration form generated from a strategy's parameters,
// runs started from it, progress and results in the Runs view; each sample strategy gives the
// same trades in the IDE as through the CLI on the same real data.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, repoRoot, openSession, closeSession, openWorkbench } = require('./workbench');

const dataImport = path.join(repoRoot, 'extensions', 'data-import', 'lib', 'node');
const storeLib = path.join(repoRoot, 'extensions', 'workspace-store', 'lib', 'node');
const { defaultDataDir, seedSampleWorkspace } = require(path.join(dataImport, 'sample-workspace'));
const { WorkspaceDatabase, workspaceDatabasePath } = require(path.join(storeLib, 'workspace-database'));
const { RunStoreImpl } = require(path.join(storeLib, 'run-store-impl'));
const { main: cli } = require(path.join(repoRoot, 'cli', 'lib', 'backtestr-cli'));

/** Each sample strategy and the dataset it is written for (as the run form lists it). */
const SAMPLES = [
    { file: 'sma-cross.ts', symbol: 'EURUSD@histdata', kind: 'bars' },
    { file: 'sma-cross-1h-filter.ts', symbol: 'SPY@usa', kind: 'trades' },
    { file: 'opening-range-breakout-spy.ts', symbol: 'SPY@usa', kind: 'trades' },
    { file: 'rsi-reversion-eurusd.ts', symbol: 'EURUSD@oanda', kind: 'quotes' }
];

/** @param {string[]} argv */
async function runCli(argv) {
    let out = '';
    let err = '';
    const sink = (/** @type {(s: string) => void} */ add) => /** @type {NodeJS.WritableStream} */ (/** @type {unknown} */ ({ write: (/** @type {string} */ s) => { add(s); return true; } }));
    const code = await cli(argv, { out: sink(s => out += s), err: sink(s => err += s) });
    return { code, out, err };
}

describe('Backtests from the IDE (Chromium)', function () {
    this.timeout(600000);
    /** @type {string} */
    let root;
    /** @type {Awaited<ReturnType<typeof startWorkbench>> | undefined} */
    let server;
    /** @type {import('playwright-core').Browser | undefined} */
    let browser;
    /** @type {import('playwright-core').Page} */
    let page;
    /** @type {Error[]} */
    let pageErrors;
    /** CLI trades by sample file. @type {Record<string, unknown[]>} */
    const cliTrades = {};

    before(async function () {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-runs-e2e-'));
        fs.cpSync(path.join(repoRoot, 'sample-workspace', 'strategies'), path.join(root, 'strategies'), { recursive: true });
        fs.writeFileSync(path.join(root, 'strategies', 'broken.ts'), `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'test.broken', params: {}, subscribe: { barClose: ['1H'] },
    onBarClose(ctx) { if (ctx.mtf('1H').completedCount > 3) { throw new Error('broken on purpose'); } } });
`);
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir);
        // The same runs through the CLI first (the workbench holds the database file while it runs).
        for (const s of SAMPLES) {
            const { code, out, err } = await runCli(['run', path.join(root, 'strategies', s.file), '--workspace', root, '--symbol', s.symbol, '--kind', s.kind, '--json', '--no-save']);
            expect(err, s.file).to.equal('');
            expect(code, s.file).to.equal(0);
            cliTrades[s.file] = JSON.parse(out).trades;
        }
        ({ server, browser, page, pageErrors } = await openSession(root));
        await page.locator('[data-testid="welcome-page"]').waitFor({ state: 'visible', timeout: 60000 });
    });

    after(async () => {
        await closeSession({ browser, server }, root);
    });

    it('opens the run configuration with a form generated from the strategy\'s declared parameters', async () => {
        await runCommand(page, 'BackTestr: Run Backtest…');
        const form = page.locator('[data-testid="run-config"]');
        await form.waitFor({ state: 'visible', timeout: 30000 });
        await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="run-strategy"] option')].some(o => o.textContent === 'sma-cross.ts'),
            undefined, { timeout: 30000 }).catch(() => screenshot(page, 'runs-01-config-failed'));
        const strategies = await form.locator('[data-testid="run-strategy"] option').allInnerTexts();
        expect(strategies).to.include.members(SAMPLES.map(s => s.file));
        await form.locator('[data-testid="run-strategy"]').selectOption({ label: 'rsi-reversion-eurusd.ts' });
        await form.locator('[data-testid="run-param-period"]').waitFor({ state: 'visible', timeout: 30000 });
        expect(await form.locator('[data-testid="run-param-period"]').inputValue()).to.equal('14');
        expect(await form.locator('[data-testid="run-param-takeProfitPips"]').inputValue()).to.equal('10');
        await screenshot(page, 'runs-01-config');
    });

    it('runs each sample strategy from the IDE and shows it finished in the Runs view', async () => {
        const form = page.locator('[data-testid="run-config"]');
        for (const s of SAMPLES) {
            await form.locator('[data-testid="run-strategy"]').selectOption({ label: s.file });
            await form.locator('[data-testid="run-start"]:not([disabled])').waitFor({ timeout: 30000 });
            const datasetLabel = await form.locator('[data-testid="run-dataset"] option').evaluateAll(
                (options, prefix) => options.map(o => o.textContent ?? '').find(t => t.startsWith(prefix)), `${s.symbol} ${s.kind}`);
            expect(datasetLabel, s.file).to.be.a('string');
            await form.locator('[data-testid="run-dataset"]').selectOption({ label: /** @type {string} */ (datasetLabel) });
            const before = await page.locator('[data-testid="run-row"]').count();
            await form.locator('[data-testid="run-start"]').click();
            await page.locator('[data-testid="run-message"]').filter({ hasText: 'started' }).waitFor({ timeout: 60000 });
            await page.waitForFunction(n => document.querySelectorAll('[data-testid="run-row"]').length > n, before, { timeout: 60000 });
            const newest = page.locator('[data-testid="run-row"]').first();
            // The engine pushes the run's end to the view (nothing polls, nothing is refreshed here).
            await page.waitForFunction(() => document.querySelector('[data-testid="run-row"]')?.getAttribute('data-status') !== 'running', undefined, { timeout: 120000 });
            expect(await newest.getAttribute('data-status'), s.file).to.equal('finished');
            expect(Number(await newest.locator('[data-testid="run-trades"]').innerText()), s.file).to.equal(cliTrades[s.file].length);
        }
        await screenshot(page, 'runs-02-runs-view');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });

    it('a strategy that throws fails with its message and source line; the next run still works', async () => {
        const form = page.locator('[data-testid="run-config"]');
        await form.locator('[data-testid="run-strategy"]').selectOption({ label: 'broken.ts' });
        await form.locator('[data-testid="run-start"]:not([disabled])').waitFor({ timeout: 30000 });
        await form.locator('[data-testid="run-start"]').click();
        const failed = page.locator('[data-testid="run-row"][data-status="failed"]');
        await failed.waitFor({ timeout: 120000 });
        expect(await failed.getAttribute('title')).to.match(/Strategy 'test\.broken' threw in onBarClose at .*broken\.ts:3:.*broken on purpose/);
        await form.locator('[data-testid="run-strategy"]').selectOption({ label: 'sma-cross-1h-filter.ts' });
        await form.locator('[data-testid="run-start"]:not([disabled])').waitFor({ timeout: 30000 });
        const finishedBefore = await page.locator('[data-testid="run-row"][data-status="finished"]').count();
        await form.locator('[data-testid="run-start"]').click();
        await page.waitForFunction(n => document.querySelectorAll('[data-testid="run-row"][data-status="finished"]').length > n, finishedBefore, { timeout: 120000 });
        await screenshot(page, 'runs-03-failed-and-next');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });

    it('a run started in another window appears in this window\'s Runs view, running then finished, without a reload (pushed, not polled)', async () => {
        const other = await openWorkbench(/** @type {import('playwright-core').Browser} */ (browser), /** @type {NonNullable<typeof server>} */ (server).url);
        try {
            await runCommand(other.page, 'BackTestr: Show Runs');
            await other.page.locator('[data-testid="runs-table"]').waitFor({ state: 'visible', timeout: 60000 });
            const rowsBefore = await other.page.locator('[data-testid="run-row"]').count();
            const finishedBefore = await other.page.locator('[data-testid="run-row"][data-status="finished"]').count();
            // Marks the window's document: a reload would lose the mark.
            await other.page.evaluate(() => document.body.setAttribute('data-e2e-unreloaded', 'yes'));
            const form = page.locator('[data-testid="run-config"]');
            await form.locator('[data-testid="run-strategy"]').selectOption({ label: 'sma-cross.ts' });
            await form.locator('[data-testid="run-start"]:not([disabled])').waitFor({ timeout: 30000 });
            const datasetLabel = await form.locator('[data-testid="run-dataset"] option').evaluateAll(
                options => options.map(o => o.textContent ?? '').find(t => t.startsWith('EURUSD@histdata bars')));
            await form.locator('[data-testid="run-dataset"]').selectOption({ label: /** @type {string} */ (datasetLabel) });
            await form.locator('[data-testid="run-start"]').click();
            await other.page.waitForFunction(n => document.querySelectorAll('[data-testid="run-row"]').length > n, rowsBefore, { timeout: 60000 });
            await other.page.waitForFunction(n => document.querySelectorAll('[data-testid="run-row"][data-status="finished"]').length > n, finishedBefore, { timeout: 120000 });
            expect(await other.page.locator('body').getAttribute('data-e2e-unreloaded')).to.equal('yes');
            expect(await other.page.locator('[data-testid="run-row"]').first().getAttribute('data-status')).to.equal('finished');
            expect(Number(await other.page.locator('[data-testid="run-row"]').first().locator('[data-testid="run-trades"]').innerText())).to.equal(cliTrades['sma-cross.ts'].length);
            await screenshot(other.page, 'runs-04-pushed-to-another-window');
            await other.guard.check();
        } finally {
            other.guard.dispose();
            await other.page.close();
        }
    });

    it('opens the run configuration again after its tab was closed', async () => {
        const tab = page.locator('#theia-main-content-panel .lm-TabBar-tab', { hasText: 'Run Backtest' }).first();
        await tab.hover();
        await tab.locator('.lm-TabBar-tabCloseIcon').click();
        await page.locator('[data-testid="run-config"]').waitFor({ state: 'detached', timeout: 30000 });
        await runCommand(page, 'BackTestr: Run Backtest…');
        const form = page.locator('[data-testid="run-config"]');
        await form.waitFor({ state: 'visible', timeout: 30000 });
        await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="run-strategy"] option')].some(o => o.textContent === 'sma-cross.ts'),
            undefined, { timeout: 30000 });
        expect(await form.locator('[data-testid="run-strategy"] option').allInnerTexts()).to.include.members(SAMPLES.map(s => s.file));
    });

    it('stored the IDE runs with exactly the trades the CLI computed', async () => {
        await browser?.close();
        browser = undefined;
        await server?.stop();
        server = undefined;
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        try {
            const store = new RunStoreImpl(db);
            const runs = await store.listRuns();
            // The samples, the run after the failing one, and the one watched from another window.
            expect(runs.filter((/** @type {{ status: string }} */ r) => r.status === 'finished').length).to.equal(SAMPLES.length + 2);
            expect(runs.filter((/** @type {{ status: string }} */ r) => r.status === 'failed').length).to.equal(1);
            for (const s of SAMPLES) {
                // The oldest run of the file: the one started in the loop above.
                const run = [...runs].reverse().find((/** @type {{ config: { strategyFile: string } }} */ r) => r.config.strategyFile.endsWith(s.file));
                expect(run, s.file).to.not.equal(undefined);
                const t = await store.readTrades(run.id);
                const ide = Array.from(t.pnl, (pnl, i) => ({
                    side: t.side[i] > 0 ? 'long' : 'short', qty: t.qty[i], entryTime: t.entryTime[i], entryPrice: t.entryPrice[i],
                    exitTime: t.exitTime[i], exitPrice: t.exitPrice[i], pnl, commission: t.commission[i]
                }));
                expect(ide.length, s.file).to.be.greaterThan(0);
                expect(ide, s.file).to.deep.equal(cliTrades[s.file]);
            }
        } finally {
            db.close();
        }
    });
});
