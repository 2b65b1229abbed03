// @ts-check
// The page-error guard itself: what it reports of a page (uncaught exceptions, unhandled rejections, console
// errors, never the accepted ones) and that under mocha it fails the test during which the page threw.
'use strict';
const { execFile } = require('child_process');
const path = require('path');
const { expect } = require('chai');
const { launchBrowser } = require('./workbench');
const { watchPage, ACCEPTED_CONSOLE_ERRORS } = require('./page-error-guard');

describe('Page-error guard (Chromium)', function () {
    this.timeout(120000);
    /** @type {import('playwright-core').Browser} */
    let browser;
    /** @type {import('playwright-core').Page} */
    let page;
    /** @type {import('./page-error-guard').PageErrorGuard} */
    let guard;

    before(async () => {
        browser = await launchBrowser();
        page = await browser.newPage();
    });

    beforeEach(() => {
        guard = watchPage(page);
    });

    afterEach(() => {
        // What the tests here raise on purpose is theirs; the root hooks must not see it.
        guard.errors.length = 0;
        guard.dispose();
    });

    after(async () => {
        await browser?.close();
    });

    it('reports an exception thrown in a timer, with its message and stack', async () => {
        await page.evaluate(() => new Promise(done => {
            setTimeout(function throwsInTimer() { throw new Error('x'); });
            setTimeout(done);
        }));
        const errors = await guard.take();
        expect(errors.map(e => [e.kind, e.message])).to.deep.equal([['pageerror', 'Error: x']]);
        expect(errors[0].stack).to.contain('throwsInTimer');
        expect(errors[0].during).to.contain('reports an exception thrown in a timer');
        expect(await guard.take(), 'each error is reported once').to.deep.equal([]);
    });

    it('reports an unhandled rejection and a TypeError of the page', async () => {
        await page.evaluate(() => new Promise(done => {
            void Promise.reject(new Error('rejected'));
            setTimeout(() => /** @type {{ id: string }} */ (/** @type {unknown} */ (undefined)).id);
            setTimeout(done);
        }));
        const errors = await guard.take();
        expect(errors.map(e => e.kind)).to.deep.equal(['pageerror', 'pageerror']);
        // in the order Chromium reports them (a rejection when the task ends that left it unhandled)
        expect(errors.map(e => e.message)).to.have.members(['Error: rejected', 'TypeError: Cannot read properties of undefined (reading \'id\')']);
    });

    it('reports console.error, with the stack of the error logged', async () => {
        await page.evaluate(() => console.error(new Error('logged, not thrown')));
        const errors = await guard.take();
        expect(errors.map(e => [e.kind, e.message])).to.deep.equal([['console', 'Error: logged, not thrown']]);
        expect(errors[0].stack).to.match(/^Error: logged, not thrown\n {4}at /);
    });

    it('accepts the console errors ACCEPTED_CONSOLE_ERRORS names (their examples), and only those', async () => {
        for (const accepted of ACCEPTED_CONSOLE_ERRORS) {
            expect(accepted.reason, String(accepted.pattern)).to.not.equal('');
            expect(accepted.pattern.test(accepted.example), `${accepted.pattern} takes its example`).to.equal(true);
            // the same message logged at another place is not accepted
            const elsewhere = accepted.example.replace(/logged at \S+$/, 'logged at http://127.0.0.1:40123/bundle.js:1:1');
            expect(accepted.pattern.test(elsewhere), `${accepted.pattern} takes ${elsewhere}`).to.equal(false);
        }
        await page.evaluate(() => console.error('Failed to load resource: the server responded with a status of 404 (Not Found)'));
        expect((await guard.take()).map(e => e.message), 'a 404 logged by the page\'s code').to.deep.equal(['Failed to load resource: the server responded with a status of 404 (Not Found)']);
    });

    it('fails the test during which the page threw, naming it, and the next test still runs', async () => {
        const tests = path.join(__dirname, '..');
        const { code, output } = await new Promise(resolve => execFile(process.execPath, [
            require.resolve('mocha/bin/mocha.js'), '--no-config', '--require', path.join(__dirname, 'page-error-guard.js'),
            '--reporter', path.join(tests, '..', 'scripts', 'mocha-reporter.js'), '--timeout', '60000',
            path.join(__dirname, 'fixtures', 'page-error-guard-suite.js')
        ], { cwd: tests }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, output: stdout + stderr })));
        expect(code, output).to.equal(1);
        expect(output).to.match(/\n2 passed, 1 failed\n$/);
        expect(output).to.contain('uncaught during the test «a page that throws throws in a timer»: Error: thrown by the guard fixture');
        expect(output).to.match(/1\) a page that throws\s+throws in a timer/);
    });
});
