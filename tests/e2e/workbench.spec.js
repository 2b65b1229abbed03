// @ts-check
// The workbench as a user first sees it: the welcome page, the four extensions' views and
// commands, no error notification. Screenshots go to tests/output/ (not committed).
'use strict';
const fs = require('fs');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, repoRoot, openSession, closeSession } = require('./workbench');

describe('BackTestr workbench in Chromium', function () {
    /** @type {Awaited<ReturnType<typeof startWorkbench>>} */
    let server;
    /** @type {import('playwright-core').Browser} */
    let browser;
    /** @type {import('playwright-core').Page} */
    let page;
    /** @type {Error[]} */
    let pageErrors;

    before(async () => {
        ({ server, browser, page, pageErrors } = await openSession(path.join(repoRoot, 'sample-workspace')));
    });

    after(async () => {
        await closeSession({ browser, server });
    });

    it('opens the BackTestr welcome page on first start', async () => {
        const welcome = page.locator('[data-testid="welcome-page"]');
        await welcome.waitFor({ state: 'visible', timeout: 30000 });
        expect(await welcome.locator('h1').innerText()).to.match(/^BackTestr/);
        expect(await page.title()).to.contain('BackTestr');
        const links = await welcome.locator('a[data-command]').evaluateAll(as => as.map(a => a.getAttribute('data-command')));
        expect(links).to.include.members(['backtestr.data.importData', 'backtestr.workbench.openSampleStrategy', 'backtestr.engine.showRuns']);
        await screenshot(page, '01-welcome');
    });

    it('lists the BackTestr commands of all four extensions in the command palette', async () => {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill('>BackTestr:');
        await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
        const labels = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
        await screenshot(page, '02-command-palette');
        await page.keyboard.press('Escape');
        const joined = labels.join('\n');
        for (const label of ['Show Runs', 'Show Datasets', 'Import Data', 'Open Charts', 'Open Analysis', 'Open Sample Strategy']) {
            expect(joined, `palette rows:\n${joined}`).to.contain(label);
        }
    });

    it('shows the Runs view with the native engine loaded', async () => {
        await runCommand(page, 'BackTestr: Show Runs');
        const status = page.locator('[data-testid="engine-status"]');
        await status.waitFor({ state: 'visible', timeout: 30000 });
        expect(await status.innerText()).to.match(/Native engine \d+\.\d+\.\d+/);
        await screenshot(page, '03-runs');
    });

    it('shows the Datasets view with the sample workspace data', async () => {
        await runCommand(page, 'BackTestr: Show Datasets');
        const view = page.locator('[data-testid="datasets-view"]');
        await view.waitFor({ state: 'visible', timeout: 30000 });
        await view.locator('[data-symbol]').first().waitFor({ state: 'visible', timeout: 30000 });
        const symbols = await view.locator('[data-symbol]').evaluateAll(rows => rows.map(r => r.getAttribute('data-symbol')));
        expect(symbols).to.include.members(['SPY', 'EURUSD']);
        if (fs.existsSync(path.join(repoRoot, '..', 'shared', 'data', 'spy-trades-2013-10'))) {
            // The real Lean SPY trades: every row imported, none quarantined.
            const spy = await view.locator('[data-symbol="SPY"]').innerText();
            expect(spy).to.contain('1,887,460 ticks').and.to.contain('2013-10-07 → 2013-10-11').and.not.to.contain('quarantined');
        }
        await screenshot(page, '04-datasets');
    });

    it('opens the chart grid with six timeframe panels', async () => {
        await runCommand(page, 'BackTestr: Open Charts');
        const grid = page.locator('[data-testid="chart-grid"]');
        await grid.waitFor({ state: 'visible', timeout: 30000 });
        const timeframes = await grid.locator('.backtestr-chart-panel').evaluateAll(ps => ps.map(p => p.getAttribute('data-timeframe')));
        expect(timeframes).to.deep.equal(['1m', '5m', '15m', '1H', '4H', '1D']);
        await screenshot(page, '05-charts');
    });

    it('opens the analysis view with the documented metrics', async () => {
        await runCommand(page, 'BackTestr: Open Analysis');
        const view = page.locator('[data-testid="analysis-view"]');
        await view.waitFor({ state: 'visible', timeout: 30000 });
        expect(await view.innerText()).to.contain('Sharpe ratio');
        await screenshot(page, '06-analysis');
    });

    it('opens each BackTestr view of the main area again after its tab was closed', async () => {
        const views = [
            { command: 'BackTestr: Welcome', tab: 'Welcome to BackTestr', testid: 'welcome-page' },
            { command: 'BackTestr: Run Backtest…', tab: 'Run Backtest', testid: 'run-config' },
            { command: 'BackTestr: Open Charts', tab: 'Charts', testid: 'chart-grid' },
            { command: 'BackTestr: Open Analysis', tab: 'Analysis', testid: 'analysis-view' },
            { command: 'BackTestr: Import Data', tab: 'Import Data', testid: 'import-wizard' }
        ];
        for (const v of views) {
            const content = page.locator(`[data-testid="${v.testid}"]`);
            await runCommand(page, v.command);
            await content.waitFor({ state: 'visible', timeout: 30000 });
            const tab = page.locator('#theia-main-content-panel .lm-TabBar-tab', { hasText: v.tab }).first();
            await tab.hover();
            await tab.locator('.lm-TabBar-tabCloseIcon').click();
            await content.waitFor({ state: 'detached', timeout: 30000 });
            await runCommand(page, v.command);
            await content.waitFor({ state: 'visible', timeout: 30000 }).catch(() => {
                throw new Error(`${v.command} shows no ${v.testid} after its tab was closed`);
            });
        }
    });

    it('opens the sample strategy in the editor from the welcome page link', async () => {
        await runCommand(page, 'BackTestr: Welcome');
        await page.locator('[data-command="backtestr.workbench.openSampleStrategy"]').click();
        const tab = page.locator('.p-TabBar-tab, .lm-TabBar-tab', { hasText: 'sma-cross-1h-filter.ts' });
        await tab.first().waitFor({ state: 'visible', timeout: 30000 });
        await page.locator('.monaco-editor .view-lines', { hasText: 'defineStrategy' }).first().waitFor({ state: 'visible', timeout: 30000 });
        await screenshot(page, '07-sample-strategy');
    });

    it('raised no error notification and no uncaught page error', async () => {
        const errors = await page.locator('.theia-notification-list-item .codicon-error, .theia-notification-list-item .error').count();
        const texts = await page.locator('.theia-notification-list-item').allInnerTexts();
        expect(errors, `notifications: ${texts.join(' | ')}`).to.equal(0);
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
        await screenshot(page, '08-final');
    });

    it('keeps the workbench log free of backend errors', () => {
        const log = server.log();
        const errorLines = log.split('\n').filter(line => /\bERROR\b/.test(line) && !/Failed to fetch|EBADENGINE/.test(line));
        expect(errorLines, errorLines.join('\n')).to.deep.equal([]);
    });
});
