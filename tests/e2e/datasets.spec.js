// @ts-check
// The Datasets view as a user drives it: quality scores on every dataset (a quarantined row without
// a time lowers the score), export to CSV and Parquet through the save dialog, re-import from the
// recorded sources (and a failed re-import that leaves the data as it was), delete with confirmation.
// The workspace is a fresh temporary folder whose database is seeded here with the compiled
// data-import library: a real Lean EURUSD quote day and a small CSV with one line of garbage.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, repoRoot, openSession, closeSession } = require('./workbench');

const QUOTES = path.join(repoRoot, '..', 'shared', 'data', 'eurusd-quotes-2014-05', '20140505_quote.zip');
const lib = path.join(repoRoot, 'extensions', 'data-import', 'lib', 'node');
const storeLib = path.join(repoRoot, 'extensions', 'workspace-store', 'lib', 'node');

/** Seeds `<workspace>/.backtestr/workspace.duckdb`; returns the EURUSD quote count the library imported. */
async function seed(workspace, badCsv) {
    const { WorkspaceDatabase } = require(path.join(storeLib, 'workspace-database'));
    const { DataImporter } = require(path.join(lib, 'data-importer'));
    const { InstrumentCatalog } = require(path.join(lib, 'instrument-catalog'));
    const db = await WorkspaceDatabase.open(path.join(workspace, '.backtestr', 'workspace.duckdb'));
    try {
        const importer = new DataImporter(db, InstrumentCatalog.fromDataDir(path.join(repoRoot, '..', 'shared', 'data')));
        const quotes = await importer.import({ paths: [QUOTES] });
        const bad = await importer.import({
            paths: [badCsv], instrument: { symbol: 'TESTCSV', venue: 'test', tickSize: 0.01 },
            csv: { kind: 'trades', delimiter: ',', header: true, columns: { time: 0, price: 1, size: 2 }, timestampFormat: 'iso8601', timeZone: 'UTC', priceScale: 0 }
        });
        expect(bad.quarantined).to.equal(1);
        return quotes.rows;
    } finally {
        db.close();
    }
}

describe('Datasets view in Chromium', function () {
    /** @type {string} */
    let workspace;
    /** @type {string} */
    let badCsv;
    let quoteRows = 0;
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
        workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-datasets-'));
        badCsv = path.join(workspace, 'bad-ticks.csv');
        fs.writeFileSync(badCsv, [
            'time,price,size',
            '2024-01-02T14:30:00Z,100.00,10',
            '2024-01-02T14:30:01Z,100.01,5',
            'this is not a tick',
            '2024-01-02T14:30:03Z,100.02,7',
            ''
        ].join('\n'));
        quoteRows = await seed(workspace, badCsv);
        ({ server, browser, page, pageErrors } = await openSession(workspace));
        await runCommand(page, 'BackTestr: Show Datasets');
        await page.locator('[data-testid="datasets-view"] [data-symbol="EURUSD"]').waitFor({ state: 'visible', timeout: 30000 });
    });

    after(async () => {
        await closeSession({ browser, server }, workspace);
    });

    const row = symbol => page.locator(`[data-testid="datasets-view"] [data-symbol="${symbol}"]`);
    const ticksOf = async symbol => Number(/([\d,]+) ticks/.exec(await row(symbol).innerText())?.[1].replace(/,/g, ''));

    /** Clicks an action of a dataset. */
    async function runAction(symbol, testId) {
        await row(symbol).locator(`[data-testid="${testId}"]`).click();
    }

    async function saveAs(name) {
        // Theia's own save dialog (browser app): a folder tree at the workspace root and a name field.
        const dialog = page.locator('.dialogOverlay').filter({ has: page.locator('.theia-FileNameTextField') });
        await dialog.waitFor({ state: 'visible', timeout: 30000 });
        const field = dialog.locator('.theia-FileNameTextField');
        await field.fill(name);
        await field.press('End');
        await screenshot(page, `datasets-02-save-${path.extname(name).slice(1)}`);
        await dialog.locator('.dialogControl .theia-button.main').click();
        await dialog.waitFor({ state: 'detached', timeout: 30000 });
    }

    it('shows each dataset with its quality score; a quarantined row without a time lowers it', async () => {
        expect(await ticksOf('EURUSD')).to.equal(quoteRows);
        const eurusd = Number(await row('EURUSD').locator('[data-testid="dataset-quality-score"]').getAttribute('data-score'));
        expect(eurusd).to.be.within(0, 100);
        expect(await row('EURUSD').locator('[data-testid="dataset-quality-score"]').innerText()).to.equal(`Quality ${eurusd.toFixed(1)}`);
        // 3 ticks and 1 row without a usable time: 40 x min(1, 100 x 1 / 4) = 40 points off the mean daily score.
        const test = Number(await row('TESTCSV').locator('[data-testid="dataset-quality-score"]').getAttribute('data-score'));
        expect(test).to.be.at.most(60);
        expect(await row('TESTCSV').innerText()).to.contain('1 quarantined');
        await screenshot(page, 'datasets-01-view');
    });

    it('exports a dataset as CSV through the save dialog with every tick', async () => {
        await runAction('EURUSD', 'dataset-export-csv');
        await saveAs('eurusd-export.csv');
        const outcome = row('EURUSD').locator('[data-testid="dataset-outcome"]');
        await outcome.waitFor({ state: 'visible', timeout: 60000 });
        expect(await outcome.getAttribute('data-ok')).to.equal('true');
        expect(await outcome.innerText()).to.contain(`Exported ${quoteRows.toLocaleString('en-US')} rows to eurusd-export.csv`);
        const lines = fs.readFileSync(path.join(workspace, 'eurusd-export.csv'), 'utf8').trim().split('\n');
        expect(lines[0]).to.equal('time_us,time,bid,ask,bid_ticks,ask_ticks,bid_size,ask_size,flags');
        expect(lines.length).to.equal(quoteRows + 1);
    });

    it('exports a dataset as zstd Parquet through the save dialog', async () => {
        await runAction('EURUSD', 'dataset-export-parquet');
        await saveAs('eurusd-export.parquet');
        await page.waitForFunction(() => /eurusd-export\.parquet/.test(
            document.querySelector('[data-symbol="EURUSD"] [data-testid="dataset-outcome"]')?.textContent ?? ''), undefined, { timeout: 60000 });
        const bytes = fs.readFileSync(path.join(workspace, 'eurusd-export.parquet'));
        expect(bytes.subarray(0, 4).toString()).to.equal('PAR1');
        expect(bytes.subarray(bytes.length - 4).toString()).to.equal('PAR1');
        await screenshot(page, 'datasets-03-exported');
    });

    it('re-imports a dataset from its recorded source with the same ticks', async () => {
        await runAction('EURUSD', 'dataset-reimport');
        await page.waitForFunction(() => /Re-imported/.test(
            document.querySelector('[data-symbol="EURUSD"] [data-testid="dataset-outcome"]')?.textContent ?? ''), undefined, { timeout: 120000 });
        const outcome = row('EURUSD').locator('[data-testid="dataset-outcome"]');
        expect(await outcome.innerText()).to.equal(`Re-imported ${quoteRows.toLocaleString('en-US')} rows, 0 quarantined`);
        expect(await ticksOf('EURUSD')).to.equal(quoteRows);
        await screenshot(page, 'datasets-04-reimported');
    });

    it('keeps the stored data when a re-import fails (its source is gone)', async () => {
        fs.rmSync(badCsv);
        await runAction('TESTCSV', 'dataset-reimport');
        const outcome = row('TESTCSV').locator('[data-testid="dataset-outcome"][data-ok="false"]');
        await outcome.waitFor({ state: 'visible', timeout: 60000 });
        expect(await outcome.innerText()).to.contain('bad-ticks.csv').and.to.contain('no such file');
        expect(await ticksOf('TESTCSV')).to.equal(3);
        expect(await row('TESTCSV').innerText()).to.contain('1 quarantined');
        await screenshot(page, 'datasets-05-reimport-failed');
    });

    it('deletes a dataset only after confirmation', async () => {
        await row('TESTCSV').locator('[data-testid="dataset-delete"]').click();
        const dialog = page.locator('.dialogOverlay', { hasText: 'Delete Dataset' });
        await dialog.waitFor({ state: 'visible', timeout: 30000 });
        expect(await dialog.innerText()).to.contain('TESTCSV trades').and.to.contain('3 ticks');
        await screenshot(page, 'datasets-06-confirm-delete');
        await dialog.locator('.dialogControl .theia-button.secondary').click();
        await dialog.waitFor({ state: 'detached', timeout: 30000 });
        await page.locator('[data-testid="datasets-refresh"]').click();
        expect(await ticksOf('TESTCSV')).to.equal(3);

        await row('TESTCSV').locator('[data-testid="dataset-delete"]').click();
        await dialog.waitFor({ state: 'visible', timeout: 30000 });
        await dialog.locator('.dialogControl .theia-button.main').click();
        await row('TESTCSV').waitFor({ state: 'detached', timeout: 30000 });
        expect(await row('EURUSD').count()).to.equal(1);
        await screenshot(page, 'datasets-07-deleted');
    });

    it('imports a CSV file larger than two pieces through the wizard (streamed through the parse workers)', async () => {
        const big = path.join(workspace, 'big-ticks.csv');
        const rows = 700000;
        const t0 = Date.UTC(2024, 0, 3, 14, 30);
        const lines = ['time,price,size'];
        for (let i = 0; i < rows; i++) {
            lines.push(`${new Date(t0 + i * 10).toISOString()},${(100 + (i % 50) / 100).toFixed(2)},${1 + (i % 9)}`);
        }
        fs.writeFileSync(big, lines.join('\n') + '\n');
        expect(fs.statSync(big).size).to.be.greaterThan(2 * 8 * 1048576);
        await runCommand(page, 'BackTestr: Import Data…');
        const wizard = page.locator('[data-testid="import-wizard"]');
        await wizard.waitFor({ state: 'visible', timeout: 30000 });
        await wizard.locator('[data-testid="wizard-path"]').fill(big);
        await wizard.locator('[data-testid="wizard-preview-row"]').first().waitFor({ state: 'visible', timeout: 30000 });
        await wizard.locator('[data-testid="wizard-symbol"]').fill('BIGCSV');
        await wizard.locator('[data-testid="wizard-tick-size"]').fill('0.01');
        await wizard.locator('[data-testid="wizard-import"]').click();
        await page.waitForFunction(() => document.querySelector('[data-testid="wizard-import-error"]')
            || document.querySelector('[data-testid="wizard-result"]'), undefined, { timeout: 120000 });
        expect(await wizard.locator('[data-testid="wizard-import-error"]').allInnerTexts()).to.deep.equal([]);
        expect(await wizard.locator('[data-testid="wizard-result-rows"]').innerText()).to.equal(rows.toLocaleString('en-US'));
        expect(await wizard.locator('[data-testid="wizard-result-quarantined"]').getAttribute('data-count')).to.equal('0');
        await screenshot(page, 'datasets-08-large-import');
        await runCommand(page, 'BackTestr: Show Datasets');
        await page.locator('[data-testid="datasets-refresh"]').click();
        await row('BIGCSV').waitFor({ state: 'visible', timeout: 30000 });
        expect(await ticksOf('BIGCSV')).to.equal(rows);
    });

    it('raised no uncaught page error', async () => {
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });
});
