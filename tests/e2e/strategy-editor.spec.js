// @ts-check
// Strategy files in the Monaco editor with TypeScript language features from the backend's
// TypeScript LanguageService: the sample SMA cross, copied into a workspace outside the
// repository, opens as TypeScript; `ctx.` suggests the SDK's context members, hovers show the
// SDK's doc comments, a type error gets a red squiggle and a row in the Problems view.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, screenshot, repoRoot, openSession, closeSession } = require('./workbench');

describe('Strategy editor: TypeScript language features (Chromium)', function () {
    this.timeout(300000);
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
    /** @type {string[]} */
    let lines;

    before(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-editor-e2e-'));
        fs.cpSync(path.join(repoRoot, 'sample-workspace', 'strategies'), path.join(root, 'strategies'), { recursive: true });
        lines = fs.readFileSync(path.join(root, 'strategies', 'sma-cross.ts'), 'utf8').split('\n');
        ({ server, browser, page, pageErrors } = await openSession(root));
    });

    after(async () => {
        await closeSession({ browser, server }, root);
    });

    const editor = () => page.locator('.theia-editor .monaco-editor').first();
    const suggestRow = (/** @type {string} */ label) =>
        page.locator('.suggest-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });

    /** Puts the cursor at the end of the 1-based `line` through Go to Line (Ctrl+G). */
    async function goToLineEnd(/** @type {number} */ line) {
        await editor().click();
        await page.keyboard.press('Control+g');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill(`:${line}`);
        await page.keyboard.press('Enter');
        await input.waitFor({ state: 'hidden' });
        await page.keyboard.press('End');
    }

    it('opens sma-cross.ts through Quick Open as TypeScript, highlighted', async () => {
        await page.keyboard.press('Control+p');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill('sma-cross.ts');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'sma-cross.ts' }).first().waitFor();
        await page.keyboard.press('Enter');
        await editor().locator('.view-lines').waitFor();
        await page.locator('#theia-statusBar', { hasText: 'TypeScript' }).waitFor({ timeout: 10000 });
        // Keywords, strings and comments are tokens of their own colours.
        await page.waitForFunction(() => new Set([...document.querySelectorAll('.theia-editor .monaco-editor .view-line span span')]
            .map(span => getComputedStyle(span).color)).size > 3, undefined, { timeout: 15000 });
        await screenshot(page, 'strategy-editor-opened');
    });

    it('shows defineStrategy\'s doc comment on hover', async () => {
        const token = editor().locator('.view-line span span', { hasText: /^defineStrategy$/ }).last();
        await token.hover();
        const hover = page.locator('.monaco-hover', { hasText: 'Validates a strategy' });
        await hover.waitFor({ state: 'visible', timeout: 15000 });
        expect(await hover.innerText()).to.contain('defineStrategy');
        await screenshot(page, 'strategy-editor-hover');
        await page.mouse.move(5, 5);
        await page.keyboard.press('Escape');
    });

    it('suggests the context\'s members after `ctx.`, the order methods after `ctx.order.`', async () => {
        const line = lines.findIndex(text => text.includes('const s = slow.update(bar.close);')) + 1;
        await goToLineEnd(line);
        await page.keyboard.press('Enter');
        await page.keyboard.type('ctx');
        const typed = Date.now();
        await page.keyboard.type('.');
        await suggestRow('order').waitFor({ state: 'visible', timeout: 15000 });
        const latency = Date.now() - typed;
        for (const member of ['mtf', 'position', 'record']) {
            await suggestRow(member).waitFor({ state: 'visible' });
        }
        console.log(`      suggest widget with 'order' visible ${latency} ms after typing '.'`);
        await screenshot(page, 'strategy-editor-suggest-ctx');
        await page.keyboard.type('order.');
        await suggestRow('market').waitFor({ state: 'visible', timeout: 15000 });
        await suggestRow('bracket').waitFor({ state: 'visible' });
        // The focused entry's declaration comes from the SDK's types (resolveCompletionItem).
        await page.keyboard.type('mar');
        await page.locator('.suggest-widget .monaco-list-row.focused .details-label', { hasText: 'Orders.market(side: OrderSide, qty: number' })
            .waitFor({ state: 'visible', timeout: 15000 });
        await screenshot(page, 'strategy-editor-suggest-order');
        await page.keyboard.press('Escape');
    });

    it('shows the parameters of ctx.order.market( as it is typed', async () => {
        await page.keyboard.type('ket(');
        const hints = page.locator('.parameter-hints-widget', { hasText: 'market(side: OrderSide, qty: number, options?: OrderOptions): number' });
        await hints.waitFor({ state: 'visible', timeout: 15000 });
        expect(await hints.locator('.parameter.active').innerText()).to.equal('side: OrderSide');
        await page.keyboard.insertText('\'buy\', ');
        await page.keyboard.type(' ');
        await page.keyboard.press('Backspace');
        await hints.locator('.parameter.active', { hasText: 'qty: number' }).waitFor({ state: 'visible', timeout: 15000 });
        await screenshot(page, 'strategy-editor-signature-help');
        await page.keyboard.press('Escape');
    });

    it('marks a type error with a red squiggle and lists it in the Problems view', async () => {
        // The line reads `ctx.order.market('buy', )` (the editor closed the parenthesis): complete it with a wrong quantity.
        await page.keyboard.insertText('\'ten\'');
        await page.keyboard.press('End');
        await page.keyboard.insertText(';');
        const squiggle = editor().locator('.squiggly-error');
        await squiggle.first().waitFor({ state: 'attached', timeout: 15000 });
        // The status bar counts it; clicking the count opens the Problems view.
        const status = page.locator('#status-bar-problem-marker-status');
        await status.filter({ hasText: /^\s*1\s+0\s*$/ }).waitFor({ timeout: 15000 });
        await status.click();
        const row = page.locator('.markerNode', { hasText: 'Argument of type \'string\' is not assignable to parameter of type \'number\'.' });
        await row.first().waitFor({ state: 'visible', timeout: 15000 });
        const text = (await row.first().innerText()).replace(/\s+/g, ' ');
        const line = lines.findIndex(l => l.includes('const s = slow.update(bar.close);')) + 2;
        expect(text).to.contain(`[Ln ${line}, Col`);
        expect(text).to.contain('ts(2345)');
        await screenshot(page, 'strategy-editor-type-error');
        // Fixing it clears the squiggle.
        await editor().click();
        await goToLineEnd(line);
        await page.keyboard.press('Shift+Home');
        await page.keyboard.press('Delete');
        await squiggle.first().waitFor({ state: 'detached', timeout: 15000 });
        // With the line gone the text is the sample again: no problems at all.
        await status.filter({ hasText: /^\s*0\s+0\s*$/ }).waitFor({ timeout: 15000 });
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });
});
