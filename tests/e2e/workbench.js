// @ts-check
// Test support: starts the built browser workbench on a free port and drives it in Debian's
// Chromium through playwright-core (no browser download).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { watchPage } = require('./page-error-guard');

const repoRoot = path.resolve(__dirname, '..', '..');
const outputDir = path.join(repoRoot, 'tests', 'output');
const CHROMIUM = process.env.BACKTESTR_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/**
 * Starts `app/browser` on 127.0.0.1 with an ephemeral port serving `workspace`.
 * @param {string} workspace
 * @returns {Promise<{ url: string, stop: () => Promise<void>, log: () => string }>}
 */
function startWorkbench(workspace) {
    const main = path.join(repoRoot, 'app', 'browser', 'lib', 'backend', 'main.js');
    if (!fs.existsSync(main)) {
        throw new Error(`${main} does not exist: build the browser app first (npm run build -w @backtestr/browser-app).`);
    }
    const child = spawn(process.execPath, [main, workspace, '--hostname', '127.0.0.1', '--port', '0'], {
        cwd: path.join(repoRoot, 'app', 'browser'),
        env: { ...process.env, BACKTESTR_WORKSPACE: workspace },
        stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    return new Promise((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`workbench did not start within 60 s:\n${output}`)), 60000);
        const onData = chunk => {
            output += chunk.toString();
            const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
            if (match) {
                clearTimeout(timeout);
                resolve({
                    url: match[1],
                    log: () => output,
                    stop: () => new Promise(done => {
                        if (child.exitCode !== null) {
                            done();
                            return;
                        }
                        child.once('exit', () => done());
                        child.kill('SIGTERM');
                        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
                    })
                });
            }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', code => {
            clearTimeout(timeout);
            reject(new Error(`workbench exited with code ${code}:\n${output}`));
        });
    });
}

async function launchBrowser() {
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** The page-error guard of each browser a session opened. @type {WeakMap<import('playwright-core').Browser, import('./page-error-guard').PageErrorGuard>} */
const guardOfBrowser = new WeakMap();

/**
 * The workbench URL with the query flag that installs the views' test hooks (`window.__backtestrCharts`;
 * TEST_HOOK_QUERY of extensions/charts/src/common/test-hook-flag.ts): pages opened otherwise have none.
 * @param {string} url
 */
function withTestHooks(url) {
    const withFlag = new URL(url);
    withFlag.searchParams.set('backtestrTestHooks', '1');
    return withFlag.toString();
}

/**
 * Opens the workbench and waits until Theia's shell is up (the loading spinner gone). The page is watched for errors
 * it does not handle (page-error-guard.js): under mocha, a test during which one occurs fails.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 */
async function openWorkbench(browser, url) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const guard = watchPage(page);
    /** @type {Error[]} */
    const pageErrors = [];
    page.on('pageerror', error => pageErrors.push(error));
    const started = Date.now();
    await page.goto(withTestHooks(url));
    await page.waitForSelector('#theia-app-shell', { timeout: 60000 });
    await page.waitForSelector('.theia-preload', { state: 'detached', timeout: 60000 });
    return { page, pageErrors, guard, readyMs: Date.now() - started };
}

/**
 * Runs a command through the command palette, as a user would.
 * @param {import('playwright-core').Page} page
 * @param {string} label e.g. 'BackTestr: Show Runs'
 */
async function runCommand(page, label) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>' + label);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
}

/**
 * The workbench started on `workspace` and opened in Chromium. When a later step fails, what was started is stopped.
 * @param {string} workspace
 */
async function openSession(workspace) {
    const server = await startWorkbench(workspace);
    /** @type {import('playwright-core').Browser | undefined} */
    let browser;
    try {
        browser = await launchBrowser();
        const { page, pageErrors, guard } = await openWorkbench(browser, server.url);
        guardOfBrowser.set(browser, guard);
        return { server, browser, page, pageErrors, guard };
    } catch (error) {
        if (browser) {
            guardOfBrowser.get(browser)?.dispose();
        }
        await browser?.close();
        await server.stop();
        throw error;
    }
}

/**
 * Closes the browser and stops the workbench of a session (either may be missing), then removes the given folders.
 * Fails naming the errors the page raised and no test has reported yet (those after the last test).
 * @param {{ browser?: import('playwright-core').Browser, server?: { stop(): Promise<void> } }} session
 * @param {...(string | undefined)} folders
 */
async function closeSession(session, ...folders) {
    const guard = session.browser ? guardOfBrowser.get(session.browser) : undefined;
    /** @type {unknown} */
    let unreported;
    try {
        await guard?.check();
    } catch (error) {
        unreported = error;
    }
    guard?.dispose();
    await session.browser?.close();
    await session.server?.stop();
    for (const dir of folders) {
        if (dir) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
    if (unreported) {
        throw unreported;
    }
}

/**
 * Installs a plugin through the Plugins view's form, as a user does (the view must be open); returns the view.
 * @param {import('playwright-core').Page} page
 * @param {'tgz' | 'folder' | 'registry'} kind
 * @param {string} location
 */
async function installPlugin(page, kind, location) {
    const view = page.locator('[data-testid="plugins-view"]');
    await view.waitFor({ state: 'visible', timeout: 30000 });
    await view.locator('[data-testid="plugins-source-kind"]').selectOption(kind);
    await view.locator('[data-testid="plugins-source-location"]').fill(location);
    await view.locator('[data-testid="plugins-install-button"]').click();
    return view;
}

/** @param {import('playwright-core').Page} page @param {string} name */
async function screenshot(page, name) {
    fs.mkdirSync(outputDir, { recursive: true });
    const file = path.join(outputDir, `${name}.png`);
    await page.screenshot({ path: file });
    return file;
}

module.exports = { startWorkbench, launchBrowser, openWorkbench, openSession, closeSession, runCommand, installPlugin, screenshot, repoRoot, outputDir };
