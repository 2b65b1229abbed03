// @ts-check
// The Analysis view as a user drives it, on a workspace seeded with the real data whose DuckDB holds
// two finished engine runs of sample-workspace/strategies/sma-cross.ts (10/30 and 5/20) on the real
// HistData EURUSD M1 2017 H1 bars (run and stored before the workbench starts): open the newest run, see its metrics (and why an undefined one is
// undefined), the charts and heatmaps, sort the trade table by P&L both ways, filter it, open a
// trade in replay when the charts extension offers it, compare the two runs, and export the PDF
// tearsheet, which opens, has its three pages, and renders to PNG.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, repoRoot, outputDir, openSession, closeSession } = require('./workbench');

const dataImportLib = path.join(repoRoot, 'extensions', 'data-import', 'lib');
const storeLib = path.join(repoRoot, 'extensions', 'workspace-store', 'lib');

describe('Analysis view in Chromium', function () {
    /** @type {string} */
    let workspace;
    /** @type {Awaited<ReturnType<typeof startWorkbench>> | undefined} */
    let server;
    /** @type {import('playwright-core').Browser | undefined} */
    let browser;
    /** @type {import('playwright-core').Page} */
    let page;
    /** @type {Error[]} */
    let pageErrors;
    /** @type {any} */
    let newest;
    /** @type {any} */
    let older;

    before(async function () {
        const { defaultDataDir, seedSampleWorkspace } = require(path.join(dataImportLib, 'node', 'sample-workspace'));
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        const { RunStoreImpl } = require(path.join(storeLib, 'node', 'run-store-impl'));
        const { BacktestDataImpl } = require(path.join(storeLib, 'node', 'backtest-data-impl'));
        const { WorkspaceDatabase, workspaceDatabasePath } = require(path.join(storeLib, 'node', 'workspace-database'));
        const { runBacktest } = require(path.join(repoRoot, 'extensions', 'engine', 'lib', 'node', 'backtest-runner'));
        workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-analysis-'));
        await seedSampleWorkspace(workspaceDatabasePath(workspace), dataDir);
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(workspace));
        try {
            // Two real engine runs of the sample strategy on the real EURUSD M1 2017 H1 bars, stored as the IDE stores them.
            const services = { data: new BacktestDataImpl(db), runs: new RunStoreImpl(db), engineVersion: 'e2e' };
            const run = (/** @type {Record<string, number>} */ params) => runBacktest({
                file: path.join(repoRoot, 'sample-workspace', 'strategies', 'sma-cross.ts'), symbol: 'EURUSD@histdata', kind: 'bars', params,
                models: { commission: { perOrder: 0.5 } }
            }, services);
            // 10,000 units a trade: the P&L, net of the commission, has winners and losers.
            older = await run({ fast: 5, slow: 20, qty: 10000 });
            const outcome = await run({ fast: 10, slow: 30, qty: 10000 });
            newest = { run: outcome.run, trades: await services.runs.readTrades(outcome.run.id), equity: await services.runs.readEquity(outcome.run.id) };
        } finally {
            db.close();
        }
        ({ server, browser, page, pageErrors } = await openSession(workspace));
    });

    after(async () => {
        await closeSession({ browser, server }, workspace);
    });

    it('opens the newest finished run and shows its metrics, charts and heatmaps', async () => {
        await runCommand(page, 'BackTestr: Open Analysis');
        const view = page.locator('[data-testid="analysis-view"]');
        const metrics = view.locator('[data-testid="headline-metrics"]');
        await metrics.waitFor({ state: 'visible', timeout: 60000 });
        expect(await view.locator('[data-testid="run-picker"]').inputValue()).to.equal(newest.run.id);
        const pnl = Array.from(newest.trades.pnl);
        const net = newest.equity.equity[newest.equity.equity.length - 1] - newest.run.config.models.initialCash;
        const netText = await metrics.locator('[data-metric="netProfit"] .bt-card-value').innerText();
        expect(Number(netText.replace(/,/g, ''))).to.be.closeTo(net, 0.01);
        expect(await metrics.locator('[data-metric="trades.count"] .bt-card-value').innerText())
            .to.equal(pnl.length.toLocaleString('en-US'));
        expect(pnl.length).to.be.greaterThan(1000);
        // Buy and hold of the instrument over the same samples (the equity samples carry its price).
        const price = newest.equity.price;
        const buyAndHold = (price[price.length - 1] / price[0] - 1) * 100;
        const bhText = await metrics.locator('[data-metric="benchmark.totalReturn"] .bt-card-value').innerText();
        expect(Number(bhText.replace(/[ %,]/g, ''))).to.be.closeTo(buyAndHold, 0.01);
        for (const id of ['equity-chart', 'drawdown-chart']) {
            const d = await view.locator(`[data-testid="${id}"] svg path`).last().getAttribute('d');
            expect((d ?? '').split('L').length, id).to.be.greaterThan(1000);
        }
        expect(await view.locator('[data-testid="return-histogram"] svg rect').count()).to.be.greaterThan(10);
        expect(await view.locator('[data-testid="mae-mfe-scatter"] svg circle').count()).to.equal(pnl.length);
        expect(await view.locator('[data-testid="monthly-heatmap"] td[style]').count()).to.equal(7); // Jan..Jun and the year
        expect(await view.locator('[data-testid="hour-weekday-heatmap"] td[style]').count()).to.be.greaterThan(50);
        await screenshot(page, 'analysis-1-metrics');
    });

    it('sorts the trade table by P&L both ways and filters it', async () => {
        const table = page.locator('[data-testid="trade-table"]');
        await table.scrollIntoViewIfNeeded();
        const pnl = Array.from(newest.trades.pnl);
        const firstTrade = async () => Number(await table.locator('tbody tr').first().getAttribute('data-trade'));
        expect(await firstTrade()).to.equal(1);
        await table.locator('th[data-sort="pnl"]').click();
        expect(await table.locator('th[data-sort="pnl"]').getAttribute('aria-sort')).to.equal('descending');
        expect(pnl[await firstTrade() - 1]).to.equal(Math.max(...pnl));
        await table.locator('th[data-sort="pnl"]').click();
        expect(pnl[await firstTrade() - 1]).to.equal(Math.min(...pnl));
        await table.locator('[data-testid="trade-filter"]').selectOption('winners');
        const winners = pnl.filter(p => p > 0).length;
        expect(await table.locator('[data-testid="trade-count"]').innerText()).to.contain(`${winners.toLocaleString('en-US')} of`);
        expect(pnl[await firstTrade() - 1]).to.equal(Math.min(...pnl.filter(p => p > 0)));
        await screenshot(page, 'analysis-2-trades-sorted');
        await table.locator('[data-testid="trade-filter"]').selectOption('all');
    });

    it('opens a trade in replay when the charts extension registers the command', async function () {
        const button = page.locator('[data-testid="trade-table"] tbody tr').first().locator('[data-testid="open-in-replay"]');
        if (await button.isDisabled()) {
            // Not registered in this build: the button is disabled and says why; nothing to open.
            expect(await button.getAttribute('title')).to.contain('not available');
            this.skip();
        }
        const entry = await page.locator('[data-testid="trade-table"] tbody tr').first().locator('td').nth(2).innerText();
        const tabsBefore = await page.locator('.lm-TabBar-tab').count();
        const errorsBefore = pageErrors.length;
        await button.click();
        await page.waitForFunction(n => document.querySelectorAll('.lm-TabBar-tab').length > n, tabsBefore, { timeout: 30000 });
        // The charts extension's replay view is now the current tab (this workspace holds runs, not the bars they ran on).
        expect(await page.locator('#theia-main-content-panel .lm-TabBar-tab.lm-mod-current').first().innerText()).to.contain('Charts');
        // The replay cursor lands on the trade's entry: the transport shows the cursor's time.
        const main = page.locator('#theia-main-content-panel');
        await page.waitForFunction(at => (document.querySelector('#theia-main-content-panel')?.textContent ?? '').includes(at), `${entry}.000 UTC`,
            { timeout: 60000 }).catch(() => undefined);
        const replayText = await main.innerText();
        await screenshot(page, 'analysis-3-replay');
        // Errors raised by the replay view are its own: reported here, not by the export below.
        const replayErrors = pageErrors.splice(errorsBefore).map(e => `${e.message}\n${e.stack}`);
        await runCommand(page, 'BackTestr: Open Analysis');
        expect(replayErrors, 'the charts replay view raised page errors').to.deep.equal([]);
        expect(replayText, 'the replay view shows the run at the trade').to.not.contain('No cursor yet');
        // The cursor is at the trade's entry (the transport shows the cursor's time).
        expect(replayText, 'the replay cursor is at the trade\'s entry').to.contain(`${entry}.000 UTC`);
    });

    it('compares the two runs side by side', async () => {
        const picker = page.locator('[data-testid="compare-picker"]');
        await picker.scrollIntoViewIfNeeded();
        await picker.locator('input[type="checkbox"]').first().check();
        await picker.locator('button', { hasText: 'Compare' }).click();
        const comparison = page.locator('[data-testid="comparison"]');
        await comparison.waitFor({ state: 'visible', timeout: 30000 });
        const headers = await comparison.locator('thead th').allInnerTexts();
        expect(headers.join(' ')).to.contain(newest.run.id).and.to.contain(older.run.id);
        const tradeRow = await comparison.locator('tr', { hasText: 'Trades' }).first().locator('td').allInnerTexts();
        expect(tradeRow).to.have.length(2);
        expect(tradeRow[0]).to.not.equal(tradeRow[1]);
        await comparison.scrollIntoViewIfNeeded();
        await screenshot(page, 'analysis-4-comparison');
    });

    it('exports the PDF tearsheet: three pages that render to PNG', async () => {
        const view = page.locator('[data-testid="analysis-view"]');
        const [download] = await Promise.all([
            page.waitForEvent('download', { timeout: 120000 }),
            view.locator('button[data-export="pdf"]').click()
        ]);
        expect(download.suggestedFilename()).to.equal(`run-${newest.run.id.replace(/[^A-Za-z0-9._-]/g, '_')}-tearsheet.pdf`);
        const pdf = path.join(workspace, 'tearsheet.pdf');
        await download.saveAs(pdf);
        expect(fs.readFileSync(pdf).subarray(0, 5).toString()).to.equal('%PDF-');
        expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).to.match(/Pages:\s+3\n/);
        fs.mkdirSync(outputDir, { recursive: true });
        execFileSync('pdftoppm', ['-png', '-r', '50', pdf, path.join(outputDir, 'analysis-e2e-tearsheet')]);
        expect(fs.readdirSync(outputDir).filter(f => /^analysis-e2e-tearsheet-\d+\.png$/.test(f))).to.have.length(3);
        expect(execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' })).to.contain(`${newest.run.strategyLabel} on EURUSD`).and.to.contain('fast=10, slow=30');
        expect(pageErrors.map(e => `${e.message}\n${e.stack}`)).to.deep.equal([]);
    });
});
