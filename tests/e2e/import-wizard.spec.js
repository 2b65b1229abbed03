// @ts-check
// The import wizard as a user drives it: open it from the command palette, type the path of a
// real Lean EURUSD quote zip, see the detected preset and the parsed preview rows, import, see the
// result and the new dataset in the Datasets view, then open the dataset's quality report.
// Runs its own workbench on a fresh temporary workspace, so the sample workspace stays untouched.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, repoRoot, openSession, closeSession } = require('./workbench');

const QUOTES = path.join(repoRoot, '..', 'shared', 'data', 'eurusd-quotes-2014-05', '20140505_quote.zip');

describe('Import wizard in Chromium', function () {
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

    before(async function () {
        if (!fs.existsSync(QUOTES)) {
            this.skip();
        }
        workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-wizard-'));
        ({ server, browser, page, pageErrors } = await openSession(workspace));
    });

    after(async () => {
        await closeSession({ browser, server }, workspace);
    });

    it('detects the Lean forex preset and previews the first rows', async () => {
        await runCommand(page, 'BackTestr: Import Data…');
        const wizard = page.locator('[data-testid="import-wizard"]');
        await wizard.waitFor({ state: 'visible', timeout: 30000 });
        await wizard.locator('[data-testid="wizard-path"]').fill(QUOTES);
        const detected = wizard.locator('[data-testid="wizard-detected"]');
        await detected.waitFor({ state: 'visible', timeout: 30000 });
        expect(await detected.getAttribute('data-preset')).to.equal('lean-forex-quotes');
        expect(await detected.innerText()).to.contain('CSV').and.to.contain('forex quote');
        const rows = wizard.locator('[data-testid="wizard-preview-row"]');
        await rows.first().waitFor({ state: 'visible', timeout: 30000 });
        expect(await rows.count()).to.be.greaterThan(5);
        const headers = await wizard.locator('[data-testid="wizard-preview"] th').allInnerTexts();
        expect(headers).to.include.members(['Line', 'time', 'bid', 'ask']);
        const first = await rows.first().innerText();
        expect(first).to.match(/2014-05-0[45]T/);
        expect(await wizard.locator('[data-testid="wizard-preview"] .backtestr-error').count()).to.equal(0);
        expect(await wizard.locator('[data-testid="wizard-timezone"]').inputValue()).to.equal('UTC');
        await screenshot(page, 'wizard-01-preview');
    });

    it('re-runs the preview when an option changes', async () => {
        const wizard = page.locator('[data-testid="import-wizard"]');
        // A wrong delimiter makes every row an error; putting it back restores the values.
        await wizard.locator('[data-testid="wizard-delimiter"]').fill(';');
        await wizard.locator('[data-testid="wizard-preview"] .backtestr-error').first().waitFor({ state: 'visible', timeout: 30000 });
        await screenshot(page, 'wizard-02-wrong-delimiter');
        await wizard.locator('[data-testid="wizard-preset"]').selectOption('lean-forex-quotes');
        await page.waitForFunction(() => document.querySelectorAll('[data-testid="wizard-preview"] .backtestr-error').length === 0
            && document.querySelectorAll('[data-testid="wizard-preview-row"]').length > 5, undefined, { timeout: 30000 });
        expect(await wizard.locator('[data-testid="wizard-delimiter"]').inputValue()).to.equal(',');
    });

    it('imports the file with progress and shows the result with nothing quarantined', async () => {
        const wizard = page.locator('[data-testid="import-wizard"]');
        await wizard.locator('[data-testid="wizard-import"]').click();
        const result = wizard.locator('[data-testid="wizard-result"]');
        await result.waitFor({ state: 'visible', timeout: 120000 });
        expect(await wizard.locator('[data-testid="wizard-import-error"]').count()).to.equal(0);
        const rows = Number((await result.locator('[data-testid="wizard-result-rows"]').innerText()).replace(/,/g, ''));
        expect(rows).to.be.greaterThan(1000);
        expect(await result.locator('[data-testid="wizard-result-quarantined"]').getAttribute('data-count')).to.equal('0');
        expect(await result.locator('[data-testid="wizard-show-quarantine"]').count()).to.equal(0);
        await screenshot(page, 'wizard-03-result');
    });

    it('lists the imported EURUSD quotes in the Datasets view', async () => {
        await runCommand(page, 'BackTestr: Show Datasets');
        const view = page.locator('[data-testid="datasets-view"]');
        await view.waitFor({ state: 'visible', timeout: 30000 });
        const eurusd = view.locator('[data-symbol="EURUSD"]');
        await eurusd.waitFor({ state: 'visible', timeout: 30000 });
        expect(await eurusd.innerText()).to.contain('quotes').and.to.contain('ticks').and.not.to.contain('quarantined');
        await screenshot(page, 'wizard-04-datasets');
    });

    it('opens the quality report of the dataset with a per-day row', async () => {
        const view = page.locator('[data-testid="datasets-view"]');
        await view.locator('[data-symbol="EURUSD"] [data-testid="dataset-quality-link"]').click();
        const quality = page.locator('[data-testid="quality-view"]');
        await quality.waitFor({ state: 'visible', timeout: 30000 });
        const day = quality.locator('[data-testid="quality-day-row"]').first();
        await day.waitFor({ state: 'visible', timeout: 60000 });
        expect(await day.getAttribute('data-day')).to.match(/^2014-05-0[456]$/);
        const score = Number(await quality.locator('[data-testid="quality-score"]').innerText());
        expect(score).to.be.within(0, 100);
        expect(await quality.locator('[data-testid="quality-scoring"]').innerText()).to.not.equal('');
        const headers = await quality.locator('[data-testid="quality-days"] th').allInnerTexts();
        expect(headers).to.include.members(['Day', 'Ticks', 'Gaps', 'Longest gap', 'Duplicates', 'Out of order', 'Crossed', 'Spikes',
            'Outside session', 'Quarantined', 'Score']);
        await screenshot(page, 'wizard-05-quality');
    });

    it('quarantines bad rows of a CSV and lists them with their line numbers', async () => {
        const csv = path.join(workspace, 'bad-ticks.csv');
        fs.writeFileSync(csv, [
            'time,price,size',
            '2024-01-02T14:30:00Z,100.00,10',
            '2024-01-02T14:30:01Z,100.01,5',
            'this is not a tick',
            '2024-01-02T14:30:03Z,100.02,7',
            ''
        ].join('\n'));
        await runCommand(page, 'BackTestr: Import Data…');
        const wizard = page.locator('[data-testid="import-wizard"]');
        await wizard.waitFor({ state: 'visible', timeout: 30000 });
        await wizard.locator('[data-testid="wizard-path"]').fill(csv);
        // Line 4 of the EURUSD preview is still on screen until the new preview arrives: wait for its error cell.
        const bad = wizard.locator('[data-testid="wizard-preview-row"][data-line="4"] .backtestr-error');
        await bad.waitFor({ state: 'visible', timeout: 30000 });
        expect(await bad.innerText()).to.contain('this is not a tick');
        await wizard.locator('[data-testid="wizard-symbol"]').fill('TESTCSV');
        await wizard.locator('[data-testid="wizard-tick-size"]').fill('0.01');
        const previousImport = await wizard.locator('[data-testid="wizard-result"]').getAttribute('data-import-id');
        await wizard.locator('[data-testid="wizard-import"]').click();
        // The EURUSD result stays until the widget re-renders: wait for another import's result or an error.
        await page.waitForFunction(previous => document.querySelector('[data-testid="wizard-import-error"]')
            || (document.querySelector('[data-testid="wizard-result"]')?.getAttribute('data-import-id') ?? previous) !== previous,
        previousImport, { timeout: 60000 });
        await screenshot(page, 'wizard-06-bad-rows');
        const errors = await wizard.locator('[data-testid="wizard-import-error"]').allInnerTexts();
        expect(errors).to.deep.equal([]);
        const quarantined = wizard.locator('[data-testid="wizard-result-quarantined"]');
        expect(await quarantined.getAttribute('data-count')).to.equal('1');
        expect(await wizard.locator('[data-testid="wizard-result-rows"]').innerText()).to.equal('3');
        await wizard.locator('[data-testid="wizard-show-quarantine"]').click();
        const row = wizard.locator('[data-testid="wizard-quarantine-row"]').first();
        await row.waitFor({ state: 'visible', timeout: 30000 });
        const cells = await row.locator('td').allInnerTexts();
        expect(cells[0]).to.contain('bad-ticks.csv');
        expect(cells[1]).to.equal('4');
        expect(cells[2]).to.equal('this is not a tick');
        expect(cells[3]).to.not.equal('');
        await screenshot(page, 'wizard-07-quarantine');
    });

    it('raised no error notification and no uncaught page error', async () => {
        const texts = await page.locator('.theia-notification-list-item').allInnerTexts();
        const errors = await page.locator('.theia-notification-list-item .codicon-error, .theia-notification-list-item .error').count();
        expect(errors, `notifications: ${texts.join(' | ')}`).to.equal(0);
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });
});
