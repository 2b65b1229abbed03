// @ts-check
// A run-time data-source plugin in the import pipeline, as a user drives it: install the JSON-lines
// example from the .tgz `npm pack` makes in the Plugins view, open the import wizard on a .jsonl file
// (real EURUSD quotes with a few bad lines), see the plugin offered as its format with a preview,
// import it with progress, see the bad lines quarantined with their line numbers, then the dataset
// in the Datasets view with its row count and its quality report. Runs its own workbench with its
// own plugin directory (BACKTESTR_PLUGIN_DIR) and workspace.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, repoRoot, openSession, closeSession, installPlugin } = require('./workbench');

const JSONL = path.join(repoRoot, 'examples', 'plugins', 'jsonl-ticks');
const QUOTES = path.join(repoRoot, '..', 'shared', 'data', 'eurusd-quotes-2014-05', '20140505_quote.zip');
const DAY = Date.UTC(2014, 4, 5);
const GOOD_ROWS = 2000;

describe('A data-source plugin in the import wizard (Chromium)', function () {
    this.timeout(180000);
    /** @type {string} */
    let work;
    /** @type {string} */
    let pluginDir;
    /** @type {string} */
    let tgz;
    /** @type {string} */
    let jsonl;
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

    before(async function () {
        if (!fs.existsSync(QUOTES)) {
            this.skip();
        }
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-plugin-data-source-e2e-'));
        pluginDir = path.join(work, 'plugin-dir');
        const workspace = path.join(work, 'workspace');
        fs.mkdirSync(workspace);
        const packed = execFileSync('npm', ['pack', JSONL, '--json', '--ignore-scripts', '--pack-destination', work], { cwd: work, encoding: 'utf8' });
        tgz = path.join(work, JSON.parse(packed)[0].filename);
        // Real quotes as JSON lines; line 11 is crossed (bid above ask) and line 21 is not JSON.
        const rows = execFileSync('unzip', ['-p', QUOTES], { encoding: 'utf8' }).trim().split('\n').slice(0, GOOD_ROWS).map(l => l.split(',').map(Number));
        const lines = rows.map(([ms, bid, ask]) => JSON.stringify({ time: new Date(DAY + ms).toISOString(), bid, ask }));
        lines.splice(10, 0, JSON.stringify({ time: new Date(DAY + rows[9][0]).toISOString(), bid: 1.4, ask: 1.3 }));
        lines.splice(20, 0, '{"time": oops}');
        jsonl = path.join(work, 'eurusd-20140505.jsonl');
        fs.writeFileSync(jsonl, lines.join('\n') + '\n');
        savedEnv = process.env.BACKTESTR_PLUGIN_DIR;
        process.env.BACKTESTR_PLUGIN_DIR = pluginDir;
        ({ server, browser, page, pageErrors } = await openSession(workspace));
    });

    after(async () => {
        if (savedEnv === undefined) {
            delete process.env.BACKTESTR_PLUGIN_DIR;
        } else {
            process.env.BACKTESTR_PLUGIN_DIR = savedEnv;
        }
        await closeSession({ browser, server }, work);
    });

    it('installs the JSON-lines data source plugin from its .tgz in the Plugins view', async () => {
        await runCommand(page, 'BackTestr: Show Plugins');
        const view = await installPlugin(page, 'tgz', tgz);
        await page.waitForSelector('[data-plugin-id="examples.jsonl-ticks"][data-state="enabled"]', { timeout: 60000 });
        expect(await view.locator('[data-plugin-id="examples.jsonl-ticks"] [data-testid="plugin-contributions"]').innerText())
            .to.equal('data source examples.jsonl-ticks');
    });

    it('offers the plugin as the format of a .jsonl file in the import wizard and previews its first rows', async () => {
        await runCommand(page, 'BackTestr: Import Data…');
        const wizard = page.locator('[data-testid="import-wizard"]');
        await wizard.waitFor({ state: 'visible', timeout: 30000 });
        await wizard.locator('[data-testid="wizard-path"]').fill(jsonl);
        await page.waitForSelector('[data-testid="wizard-detected"][data-source="examples.jsonl-ticks"]', { timeout: 30000 });
        const detected = wizard.locator('[data-testid="wizard-detected"]');
        expect(await detected.getAttribute('data-format')).to.equal('source');
        expect(await wizard.locator('[data-testid="wizard-source"]').innerText()).to.equal('JSON-lines ticks · plugin examples.jsonl-ticks');
        const options = await wizard.locator('[data-testid="wizard-format"] option').allInnerTexts();
        expect(options).to.deep.equal(['Auto-detect', 'JSON-lines ticks (plugin examples.jsonl-ticks)', 'CSV', 'FIX', 'Binary ticks']);
        // No CSV options for a plugin's format.
        expect(await wizard.locator('[data-testid="wizard-delimiter"]').count()).to.equal(0);
        const rows = wizard.locator('[data-testid="wizard-preview-row"]');
        await rows.first().waitFor({ state: 'visible', timeout: 30000 });
        expect(await rows.count()).to.equal(12);
        expect(await wizard.locator('[data-testid="wizard-preview"] th').allInnerTexts()).to.deep.equal(['Line', 'time', 'bid', 'ask']);
        expect(await rows.first().innerText()).to.match(/^1\s+2014-05-05T00:00:\d\d\.\d{3}Z\s+1\.38/);
        // The crossed quote is read by the plugin (the import quarantines it); the wizard shows it as a row.
        expect(await wizard.locator('[data-testid="wizard-preview-row"][data-line="11"]').innerText()).to.match(/^11\s+\S+\s+1\.4\s+1\.3$/);
        await wizard.locator('[data-testid="wizard-symbol"]').fill('EURUSD');
        await wizard.locator('[data-testid="wizard-tick-size"]').fill('0.00001');
        await screenshot(page, 'plugin-data-source-01-wizard');
    });

    it('imports through the plugin: the good rows stored, the bad lines quarantined with their line and reason', async () => {
        const wizard = page.locator('[data-testid="import-wizard"]');
        await wizard.locator('[data-testid="wizard-import"]').click();
        const result = wizard.locator('[data-testid="wizard-result"]');
        await result.waitFor({ state: 'visible', timeout: 120000 });
        expect(await wizard.locator('[data-testid="wizard-import-error"]').count()).to.equal(0);
        expect(await result.locator('[data-testid="wizard-result-rows"]').innerText()).to.equal(GOOD_ROWS.toLocaleString('en-US'));
        expect(await result.locator('[data-testid="wizard-result-format"]').innerText()).to.equal('JSON-lines ticks, plugin examples.jsonl-ticks');
        expect(await result.locator('[data-testid="wizard-result-quarantined"]').getAttribute('data-count')).to.equal('2');
        await result.locator('[data-testid="wizard-show-quarantine"]').click();
        const quarantined = wizard.locator('[data-testid="wizard-quarantine-row"]');
        await quarantined.first().waitFor({ state: 'visible', timeout: 30000 });
        const texts = await quarantined.allInnerTexts();
        expect(texts).to.have.length(2);
        const byLine = Object.fromEntries(texts.map(t => [t.split('\t')[1], t]));
        expect(byLine['11']).to.contain('crossed quote: bid above ask');
        expect(byLine['21']).to.contain('not JSON').and.to.contain('{"time": oops}');
        await screenshot(page, 'plugin-data-source-02-imported');
    });

    it('lists the dataset with its row count in the Datasets view, with its quality report', async () => {
        await runCommand(page, 'BackTestr: Show Datasets');
        const view = page.locator('[data-testid="datasets-view"]');
        await view.waitFor({ state: 'visible', timeout: 30000 });
        const eurusd = view.locator('[data-symbol="EURUSD"]');
        await eurusd.waitFor({ state: 'visible', timeout: 30000 });
        const text = await eurusd.innerText();
        expect(text).to.contain('quotes').and.to.contain(`${GOOD_ROWS.toLocaleString('en-US')} ticks`).and.to.contain('2 quarantined');
        const score = await eurusd.locator('[data-testid="dataset-quality-score"]').getAttribute('data-score');
        expect(Number(score)).to.be.within(0, 100);
        await screenshot(page, 'plugin-data-source-03-datasets');
        await eurusd.locator('[data-testid="dataset-quality-link"]').click();
        const quality = page.locator('[data-testid="quality-view"]');
        await quality.waitFor({ state: 'visible', timeout: 30000 });
        const day = quality.locator('[data-testid="quality-day-row"]').first();
        await day.waitFor({ state: 'visible', timeout: 60000 });
        expect(await day.getAttribute('data-day')).to.equal('2014-05-05');
        await screenshot(page, 'plugin-data-source-04-quality');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });
});
