// @ts-check
// Test support: every workbench page opened through workbench.js is watched for errors the page did not handle:
// uncaught exceptions and unhandled rejections (Playwright's `pageerror`, always a failure) and console messages
// of type 'error' (a failure unless ACCEPTED_CONSOLE_ERRORS names them, with the reason). The mocha root hooks
// below (tests/.mocharc.json requires this file) fail the test during which such an error occurred, naming the
// error and its stack (mapped to the TypeScript sources when the bundle's source map is there); closeSession
// fails on the ones raised after the last test of a session.
'use strict';
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const frontendDir = path.join(repoRoot, 'app', 'browser', 'lib', 'frontend');

/**
 * Console errors that are not a failure of the page's own code: each with the reason it is accepted and an example
 * (page-error-guard.spec.js checks the pattern takes it). A pattern is tested on the message's text followed by
 * `\n    logged at <url>:<line>:<column>`. Everything else logged with console.error fails the test.
 * @type {{ pattern: RegExp, reason: string, example: string }[]}
 */
const ACCEPTED_CONSOLE_ERRORS = [
    {
        pattern: /^Failed to load resource: the server responded with a status of 404 \(Not Found\)\n {4}logged at https?:\/\/[^/\s]+\/favicon\.ico:1:1$/,
        reason: 'Chromium asks every page for /favicon.ico; the workbench has none (Theia serves no icon in the browser app)',
        example: 'Failed to load resource: the server responded with a status of 404 (Not Found)\n    logged at http://127.0.0.1:40123/favicon.ico:1:1'
    }
];

/**
 * @typedef {{ kind: 'pageerror' | 'console', message: string, stack: string, during: string }} PageError
 */

/** What the suite is doing now (the errors raised meanwhile are attributed to it). */
let during = 'the set-up before the first test';
/** Whether a test (or its beforeEach hooks) is running: `during` names it. */
let inTest = false;

/** Every guard of a page that is still open. @type {Set<PageErrorGuard>} */
const guards = new Set();

class PageErrorGuard {
    /** @param {import('playwright-core').Page} page */
    constructor(page) {
        this.page = page;
        /** @type {PageError[]} */
        this.errors = [];
        this.reported = 0;
        page.on('pageerror', error => this.errors.push({
            kind: 'pageerror', message: `${error.name}: ${error.message}`, stack: error.stack ?? '(no stack)', during
        }));
        page.on('console', message => {
            if (message.type() !== 'error') {
                return;
            }
            const text = message.text();
            const { url, lineNumber, columnNumber } = message.location();
            const logged = url ? `${text}\n    logged at ${url}:${lineNumber + 1}:${columnNumber + 1}` : text;
            if (ACCEPTED_CONSOLE_ERRORS.some(accepted => accepted.pattern.test(logged))) {
                return;
            }
            this.errors.push({ kind: 'console', message: text.split('\n')[0], stack: logged, during });
        });
        guards.add(this);
    }

    /** The errors not reported yet. A round trip to the page first: the events the page sent before it are in. */
    async take() {
        if (!this.page.isClosed()) {
            await this.page.evaluate(() => 0).catch(() => undefined);
        }
        const fresh = this.errors.slice(this.reported);
        this.reported = this.errors.length;
        return fresh;
    }

    /** Throws an error naming every error not reported yet. */
    async check() {
        const fresh = await this.take();
        if (fresh.length > 0) {
            throw new Error(describeErrors(fresh));
        }
    }

    dispose() {
        guards.delete(this);
    }
}

/** @param {import('playwright-core').Page} page */
function watchPage(page) {
    if (!inTest) {
        during = 'the set-up of the session (before its first test)';
    }
    return new PageErrorGuard(page);
}

/** The errors not reported yet of every open page. */
async function takeAll() {
    const all = [];
    for (const guard of guards) {
        all.push(...await guard.take());
    }
    return all;
}

/** @param {PageError[]} errors */
function describeErrors(errors) {
    const lines = [`the page raised ${errors.length} error(s) it did not handle:`];
    for (const e of errors) {
        lines.push('', `${e.kind === 'pageerror' ? 'uncaught' : 'console.error'} during ${e.during}: ${e.message}`, mapStack(e.stack));
    }
    return lines.join('\n');
}

/** @type {{ originalPositionFor(p: { line: number, column: number }): { source: string | null, line: number | null, column: number | null } } | null | undefined} */
let bundleMap;

/** The stack with the frames in bundle.js mapped to their sources (unchanged where the map or `source-map` is missing). @param {string} stack */
function mapStack(stack) {
    if (!/\/bundle\.js:\d+:\d+/.test(stack)) {
        return stack;
    }
    if (bundleMap === undefined) {
        bundleMap = null;
        try {
            // source-map comes with the webpack tool chain of `theia build`; without it the stack stays as it is.
            const { SourceMapConsumer } = require('source-map');
            bundleMap = new SourceMapConsumer(JSON.parse(fs.readFileSync(path.join(frontendDir, 'bundle.js.map'), 'utf8')));
        } catch {
            return stack;
        }
    }
    const map = bundleMap;
    if (!map) {
        return stack;
    }
    return stack.replace(/https?:\/\/[^\s()]+\/bundle\.js:(\d+):(\d+)/g, (frame, line, column) => {
        const original = map.originalPositionFor({ line: Number(line), column: Number(column) - 1 });
        if (!original.source) {
            return frame;
        }
        const source = original.source.replace(/^webpack:\/\/[^/]*\//, '').replace(/^(\.\.\/)+/, '');
        return `${source.replace(`file://${repoRoot}/`, '')}:${original.line}:${(original.column ?? 0) + 1}`;
    });
}

/**
 * Mocha root hooks: the body of every test is followed by a check of the open pages, so that the test during which
 * an error occurred fails (and the tests after it still run).
 * @type {import('mocha').RootHookObject}
 */
const mochaHooks = {
    /** @this {import('mocha').Context} */
    beforeEach() {
        const test = this.currentTest;
        if (!test || !test.fn || test.fn.length > 0) {
            return;
        }
        const body = /** @type {import('mocha').AsyncFunc} */ (test.fn);
        const title = `«${test.fullTitle()}»`;
        during = `the test ${title}`;
        inTest = true;
        /** @this {import('mocha').Context} */
        test.fn = async function () {
            /** @type {unknown} */
            let failure;
            try {
                await body.call(this);
            } catch (error) {
                failure = error;
            }
            const fresh = await takeAll();
            during = `the hooks after the test ${title}`;
            inTest = false;
            if (fresh.length > 0) {
                const report = describeErrors(fresh);
                throw failure instanceof Error ? new Error(`${report}\n\nand the test failed: ${failure.stack}`, { cause: failure }) : new Error(report);
            }
            if (failure !== undefined) {
                throw failure;
            }
        };
        // The reporters show the test's own code.
        test.fn.toString = () => body.toString();
    }
};

module.exports = { PageErrorGuard, watchPage, describeErrors, mapStack, ACCEPTED_CONSOLE_ERRORS, mochaHooks };
