// @ts-check
// The Python interpreter of .py strategies comes from the user's preference `backtestr.python`
// (File > Preferences, stored in the user's settings.json, read by the backend when a strategy is
// described or run). A missing interpreter is named in a clear error; fixing the setting is enough,
// without a reload, for the next run to work.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, repoRoot, openSession, closeSession } = require('./workbench');

const dataImport = path.join(repoRoot, 'extensions', 'data-import', 'lib', 'node');
const storeLib = path.join(repoRoot, 'extensions', 'workspace-store', 'lib', 'node');
const { defaultDataDir, seedSampleWorkspace } = require(path.join(dataImport, 'sample-workspace'));
const { workspaceDatabasePath } = require(path.join(storeLib, 'workspace-database'));

describe('Python interpreter preference (Chromium)', function () {
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
    /** @type {string | undefined} */
    let savedConfigDir;
    /** @type {string} */
    let settingsFile;
    /** @type {string} */
    let missing;

    /** @param {string} interpreter */
    const setPython = interpreter => fs.writeFileSync(settingsFile, JSON.stringify({ 'backtestr.python': interpreter }, undefined, 2));

    /** Selects the Python sample in the run form (which describes it through the backend, with the interpreter of the preference). */
    async function selectPythonSample() {
        const form = page.locator('[data-testid="run-config"]');
        // Another file first, so that selecting sma_cross.py describes it again.
        await form.locator('[data-testid="run-strategy"]').selectOption({ label: 'sma-cross.ts' });
        await form.locator('[data-testid="run-start"]:not([disabled])').waitFor({ timeout: 60000 });
        await form.locator('[data-testid="run-strategy"]').selectOption({ label: 'sma_cross.py' });
        return form;
    }

    before(async function () {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-python-pref-'));
        fs.mkdirSync(path.join(root, 'strategies'));
        for (const file of ['sma_cross.py', 'sma-cross.ts']) {
            fs.copyFileSync(path.join(repoRoot, 'sample-workspace', 'strategies', file), path.join(root, 'strategies', file));
        }
        await seedSampleWorkspace(workspaceDatabasePath(path.join(root)), dataDir);
        // The user's settings live in THEIA_CONFIG_DIR (the workbench's environment is this process's).
        const configDir = path.join(root, 'user-config');
        fs.mkdirSync(configDir);
        settingsFile = path.join(configDir, 'settings.json');
        missing = path.join(root, 'no-such-python3');
        setPython(missing);
        savedConfigDir = process.env.THEIA_CONFIG_DIR;
        process.env.THEIA_CONFIG_DIR = configDir;
        ({ server, browser, page, pageErrors } = await openSession(root));
        await runCommand(page, 'BackTestr: Run Backtest…');
        await page.locator('[data-testid="run-config"]').waitFor({ state: 'visible', timeout: 60000 });
    });

    after(async () => {
        if (savedConfigDir === undefined) {
            delete process.env.THEIA_CONFIG_DIR;
        } else {
            process.env.THEIA_CONFIG_DIR = savedConfigDir;
        }
        await closeSession({ browser, server }, root);
    });

    it('names the missing interpreter of the preference and points to the setting; Run stays disabled', async () => {
        const form = await selectPythonSample();
        const error = form.locator('[data-testid="run-strategy-error"]');
        await error.waitFor({ state: 'visible', timeout: 60000 });
        const text = await error.innerText();
        expect(text).to.include(`'${missing}' was not found`);
        expect(text).to.include("preference 'backtestr.python'");
        expect(await form.locator('[data-testid="run-start"]').isDisabled()).to.equal(true);
        await screenshot(page, 'python-pref-01-missing');
    });

    it('after the setting names a real interpreter, the Python sample runs to the end with trades, no reload', async () => {
        setPython('/usr/bin/python3');
        // The backend reads the user's settings file as it changes; give its file watcher a moment.
        let form = await selectPythonSample();
        const start = form.locator('[data-testid="run-start"]:not([disabled])');
        for (let attempt = 0; attempt < 10 && !await start.isVisible(); attempt++) {
            await page.waitForTimeout(1000);
            form = await selectPythonSample();
        }
        await start.waitFor({ timeout: 60000 });
        expect(await form.locator('[data-testid="run-strategy-error"]').count()).to.equal(0);
        const datasetLabel = await form.locator('[data-testid="run-dataset"] option').evaluateAll(
            options => options.map(o => o.textContent ?? '').find(t => t.startsWith('EURUSD@histdata bars')));
        expect(datasetLabel).to.be.a('string');
        await form.locator('[data-testid="run-dataset"]').selectOption({ label: /** @type {string} */ (datasetLabel) });
        await form.locator('[data-testid="run-start"]').click();
        const finished = page.locator('[data-testid="run-row"][data-status="finished"]');
        await finished.first().waitFor({ timeout: 180000 }).catch(() => runCommand(page, 'BackTestr: Show Runs'));
        await finished.first().waitFor({ timeout: 30000 });
        expect(Number(await finished.first().locator('[data-testid="run-trades"]').innerText())).to.be.greaterThan(1000);
        await screenshot(page, 'python-pref-02-ran');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });
});
