// @ts-check
// The chart view in Chromium on the sample workspace's real SPY trades (2013-10): six panels
// of candles at a replay cursor whose bars equal the native engine's MTF state at that tick
// (computed here, independently, by one engine pass over the same ticks), the same state
// whether the cursor is reached stepping forward or back, layouts and the transport bar.
'use strict';
const fs = require('fs');
const { expect } = require('chai');
const { startWorkbench, launchBrowser, openWorkbench, runCommand, screenshot } = require('./workbench');
const { copySampleWorkspace, readSpyTicks, engineStateAt, tickIndexAt, writeSpyRun, TIMEFRAMES } = require('./charts-support');

/** @typedef {{ time: number, open: number, high: number, low: number, close: number, volume: number }} Bar */
/** @typedef {{ timeframe: string, bars: number, firstTime?: number, lastCompleted?: Bar, partial?: Bar }} PanelSnapshot */

describe('Chart view and walkback replay in Chromium', function () {
    /** @type {Awaited<ReturnType<typeof startWorkbench>>} */
    let server;
    /** @type {import('playwright-core').Browser} */
    let browser;
    /** @type {import('playwright-core').Page} */
    let page;
    /** @type {Error[]} */
    let pageErrors;
    /** @type {string} */
    let workspace;
    /** @type {Awaited<ReturnType<typeof readSpyTicks>>} */
    let ticks;

    /** @returns {Promise<{ cursor?: number, time?: number, tickCount: number, panels: PanelSnapshot[] }>} */
    const chartState = () => page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.state());
    /** @param {number} panel @param {number} count @returns {Promise<Bar[]>} */
    const panelRows = (panel, count) => page.evaluate(([p, n]) => /** @type {any} */ (window).__backtestrCharts.rows(p, n), [panel, count]);
    /** @param {number} k */
    const seek = k => page.evaluate(i => /** @type {any} */ (window).__backtestrCharts.seek(i), k);

    before(async () => {
        workspace = copySampleWorkspace();
        ticks = await readSpyTicks(workspace);
        server = await startWorkbench(workspace);
        browser = await launchBrowser();
        ({ page, pageErrors } = await openWorkbench(browser, server.url));
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
        if (workspace) {
            fs.rmSync(workspace, { recursive: true, force: true });
        }
    });

    it('opens a dataset with "BackTestr: Open Chart" and draws candles in six panels', async () => {
        await runCommand(page, 'BackTestr: Open Chart');
        const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'SPY trades' }).first();
        await pick.waitFor({ state: 'visible', timeout: 30000 });
        await pick.click();
        await page.waitForFunction(() => {
            const hook = /** @type {any} */ (window).__backtestrCharts;
            const s = hook?.state();
            return s && s.cursor !== undefined && s.panels.length === 6 && s.panels.every((/** @type {PanelSnapshot} */ p) => p.bars > 0);
        }, undefined, { timeout: 120000 });
        const state = await chartState();
        expect(state.tickCount).to.equal(ticks.count);
        expect(state.cursor).to.equal(ticks.count - 1);
        expect(state.panels.map(p => p.timeframe)).to.deep.equal(TIMEFRAMES);
        // the canvases hold drawn pixels: lightweight-charts paints each panel into canvases
        const canvases = await page.locator('[data-testid="chart-grid"] canvas').count();
        expect(canvases).to.be.at.least(6);
        await screenshot(page, 'charts-01-six-panels');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });

    it('shows in every panel, at a chosen cursor time, the engine\'s MTF state at that tick', async () => {
        const k = tickIndexAt(ticks, Date.UTC(2013, 9, 9, 15, 47, 31) * 1000);
        await seek(k);
        const state = await chartState();
        expect(state.cursor).to.equal(k);
        const engine = engineStateAt(ticks, k, 50);
        for (let i = 0; i < TIMEFRAMES.length; i++) {
            const panel = state.panels[i];
            const expected = engine[i];
            expect(panel.partial, `forming ${expected.timeframe} bar`).to.deep.equal(expected.partial);
            expect(panel.lastCompleted, `last completed ${expected.timeframe} bar`).to.deep.equal(expected.completed[expected.completed.length - 1]);
            const rows = await panelRows(i, 50);
            expect(rows, `completed ${expected.timeframe} bars`).to.deep.equal(expected.completed.slice(-rows.length));
            expect(rows.length).to.equal(Math.min(50, expected.completed.length));
            // never the future: nothing after the forming bar
            expect(panel.partial && rows.every(r => r.time < /** @type {Bar} */ (panel.partial).time)).to.equal(true);
        }
        await screenshot(page, 'charts-02-cursor');
    });

    it('loads older bars when the user scrolls back, and they are the engine\'s bars before the window', async () => {
        const state = await chartState();
        const k = /** @type {number} */ (state.cursor);
        const before = state.panels[0].bars;
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.scrollBack(0, 400));
        await page.waitForFunction(n => /** @type {any} */ (window).__backtestrCharts.state().panels[0].bars > n, before, { timeout: 30000 });
        const after = await chartState();
        expect(after.cursor).to.equal(k);
        const count = after.panels[0].bars;
        const engine = engineStateAt(ticks, k, 1000);
        const rows = await panelRows(0, count);
        expect(rows).to.deep.equal(engine[0].completed.slice(-count));
    });

    it('mirrors the crosshair at the same instant in every panel, and links zoom/scroll on request', async () => {
        const box = await page.locator('[data-testid="chart-grid"] .backtestr-chart-canvas').first().boundingBox();
        if (!box) {
            throw new Error('panel 0 has no box');
        }
        await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts.sync().crosshair[1] !== undefined, undefined, { timeout: 10000 });
        const { crosshair } = await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.sync());
        // the 1m bar under the pointer lies inside the 5m, 15m, 1H, 4H and 1D bars the other panels show
        const minutes = [1, 5, 15, 60, 240, 1440];
        for (let i = 1; i < 6; i++) {
            expect(crosshair[i], `panel ${i}`).to.be.a('number');
            expect(crosshair[i] % (minutes[i] * 60e6), `panel ${i} bar start`).to.equal(0);
        }
        for (let i = 2; i < 6; i++) {
            expect(crosshair[i], `panel ${i} starts before the 5m bar`).to.be.at.most(crosshair[1]);
            expect(crosshair[i] + minutes[i] * 60e6, `panel ${i} ends after the 5m bar`).to.be.at.least(crosshair[1] + 5 * 60e6);
        }
        await page.mouse.move(5, 5);

        const before = /** @type {{ ranges: { from: number, to: number }[] }} */ (await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.sync()));
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.scrollBack(0, 30));
        await page.waitForTimeout(300);
        const unlinked = /** @type {{ ranges: { from: number, to: number }[] }} */ (await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.sync()));
        expect(unlinked.ranges[0].to).to.be.lessThan(before.ranges[0].to);
        expect(unlinked.ranges[2]).to.deep.equal(before.ranges[2]);
        await page.locator('[data-testid="chart-link"]').check();
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.scrollBack(0, 30));
        await page.waitForFunction(() => {
            const r = /** @type {any} */ (window).__backtestrCharts.sync().ranges;
            return r[2] && Math.abs(r[2].to - r[0].to) < 15 * 60 && Math.abs(r[2].from - r[0].from) < 15 * 60;
        }, undefined, { timeout: 10000 });
        await page.locator('[data-testid="chart-link"]').uncheck();
    });

    it('shows the same state at a tick reached stepping back and stepping forward', async () => {
        const k = tickIndexAt(ticks, Date.UTC(2013, 9, 10, 14, 0, 0) * 1000) + 1;
        /** @param {PanelSnapshot} p */
        const shown = p => ({ timeframe: p.timeframe, lastCompleted: p.lastCompleted, partial: p.partial });
        const allRows = async () => Promise.all(TIMEFRAMES.map((_, i) => panelRows(i, 30)));
        await seek(k + 1);
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.stepTick(-1));
        const back = await chartState();
        const backRows = await allRows();
        await seek(k - 1);
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.stepTick(1));
        const forward = await chartState();
        const forwardRows = await allRows();
        expect(back.cursor).to.equal(k);
        expect(forward.cursor).to.equal(k);
        expect(forward.panels.map(shown)).to.deep.equal(back.panels.map(shown));
        expect(forwardRows).to.deep.equal(backRows);
        expect(backRows[0].length).to.equal(30);
        // one 15m bar forward completes exactly one more 15m bar; one back returns to the same state
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.stepBar('15m', 1));
        const ahead = await chartState();
        expect(/** @type {Bar} */ (ahead.panels[2].lastCompleted).time).to.equal(/** @type {Bar} */ (back.panels[2].partial).time);
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.stepBar('15m', -1));
        const again = await chartState();
        expect(again.panels[2].lastCompleted).to.deep.equal(back.panels[2].lastCompleted);
        const engine = engineStateAt(ticks, /** @type {number} */ (again.cursor), 5);
        expect(again.panels.map(p => p.partial)).to.deep.equal(engine.map(e => e.partial));
    });

    it('moves the cursor with the keyboard and the transport bar', async () => {
        await seek(1000);
        await page.locator('.backtestr-charts').focus();
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts.state().cursor === 1001);
        await page.keyboard.press('ArrowLeft');
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts.state().cursor === 1000);
        await page.locator('[data-testid="transport-tick-forward"]').click();
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts.state().cursor === 1001);
        expect(await page.locator('[data-testid="transport-readout"]').innerText()).to.contain('tick 1002 /');
    });

    it('switches between 6, 4, 2 and 1 panels', async () => {
        for (const kind of [4, 2, 1, 6]) {
            await page.locator(`[data-testid="chart-layout-${kind}"]`).click();
            await page.waitForFunction(n => {
                const s = /** @type {any} */ (window).__backtestrCharts.state();
                return s.panels.length === n && s.panels.every((/** @type {PanelSnapshot} */ p) => p.partial !== undefined);
            }, kind, { timeout: 30000 });
            expect(await page.locator('[data-testid="chart-grid"] > .backtestr-chart-panel').count()).to.equal(kind);
        }
        await screenshot(page, 'charts-03-layout-6');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });

    it('draws the panels in the colours of the dark and the light theme', async () => {
        const colors = () => page.evaluate(() => /** @type {{ editorBackground: string, panels: string[] }} */ (/** @type {any} */ (window).__backtestrCharts.colors()));
        const dark = await colors();
        expect(dark.panels.every(c => c === dark.editorBackground), JSON.stringify(dark)).to.equal(true);
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.setTheme('light'));
        await page.waitForFunction(d => {
            const c = /** @type {any} */ (window).__backtestrCharts.colors();
            return c.editorBackground !== d && c.panels.every((/** @type {string} */ p) => p === c.editorBackground);
        }, dark.editorBackground, { timeout: 10000 });
        await screenshot(page, 'charts-06-light-theme');
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.setTheme('dark'));
        await page.waitForFunction(d => /** @type {any} */ (window).__backtestrCharts.colors().panels.every((/** @type {string} */ p) => p === d), dark.editorBackground, { timeout: 10000 });
    });

    it('keeps the instrument, layout, panel timeframes and cursor with the workspace across a reload', async () => {
        await page.locator('[data-testid="chart-layout-4"]').click();
        await page.locator('[data-testid="panel-timeframe-3"]').selectOption('30m');
        await page.waitForFunction(() => {
            const s = /** @type {any} */ (window).__backtestrCharts.state();
            return s.panels.length === 4 && s.panels[3].timeframe === '30m' && s.panels[3].partial !== undefined;
        }, undefined, { timeout: 60000 });
        await seek(123456);
        const before = await chartState();
        await page.reload();
        await page.waitForSelector('.theia-preload', { state: 'detached', timeout: 60000 });
        await page.waitForFunction(() => {
            const s = /** @type {any} */ (window).__backtestrCharts?.state();
            return s && s.cursor !== undefined && s.panels.length === 4 && s.panels.every((/** @type {PanelSnapshot} */ p) => p.partial !== undefined);
        }, undefined, { timeout: 120000 });
        const after = await chartState();
        expect(after.cursor).to.equal(123456);
        expect(after.panels.map(p => [p.timeframe, p.partial])).to.deep.equal(before.panels.map(p => [p.timeframe, p.partial]));
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });
});

describe('Run overlay and decision panel in Chromium', function () {
    /** @type {Awaited<ReturnType<typeof startWorkbench>> | undefined} */
    let server;
    /** @type {import('playwright-core').Browser} */
    let browser;
    /** @type {import('playwright-core').Page} */
    let page;
    /** @type {string} */
    let workspace;
    /** @type {Awaited<ReturnType<typeof readSpyTicks>>} */
    let ticks;
    let entry = 0, exit = 0;
    const decisions = () => page.evaluate(() => /** @type {string[]} */ (/** @type {any} */ (window).__backtestrCharts.decisions()));

    before(async () => {
        workspace = copySampleWorkspace();
        ticks = await readSpyTicks(workspace);
        // a tick whose successor is later (the cursor at its time lands on it), one trading hour apart
        entry = tickIndexAt(ticks, Date.UTC(2013, 9, 8, 14, 2, 0) * 1000);
        exit = tickIndexAt(ticks, Date.UTC(2013, 9, 8, 15, 2, 0) * 1000);
        // a first start migrates the copied database to the run tables; the run is written while no workbench holds it
        browser = await launchBrowser();
        server = await startWorkbench(workspace);
        ({ page } = await openWorkbench(browser, server.url));
        await runCommand(page, 'BackTestr: Open Charts');
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts !== undefined);
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.openDataset('SPY', 'trades'));
        await page.close();
        await server.stop();
        await writeSpyRun(workspace, ticks, entry, exit);
        server = await startWorkbench(workspace);
        ({ page } = await openWorkbench(browser, server.url));
        await runCommand(page, 'BackTestr: Open Charts');
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts !== undefined);
    });

    after(async () => {
        await browser?.close();
        await server?.stop();
        if (workspace) {
            fs.rmSync(workspace, { recursive: true, force: true });
        }
    });

    it('opens a run at a fill (as the analysis trade table does) and lists that fill with its reason', async () => {
        await page.evaluate(([id, t]) => /** @type {any} */ (window).__backtestrCharts.openRun(id, t), ['e2e-run', Number(ticks.time[entry])]);
        const state = await chartState();
        expect(state.cursor).to.equal(entry);
        const lines = await decisions();
        const at = lines.indexOf('At this tick');
        expect(at, lines.join('\n')).to.be.greaterThan(-1);
        expect(lines[at + 1]).to.match(/order 1 accepted OK/);
        expect(lines[at + 2]).to.match(/order 1 filled MARKET @ [\d.]+ qty 100 \(fast SMA crossed above slow\)/);
        expect(lines.join('\n')).not.to.contain('order 2');
        await screenshot(page, 'charts-04-run-entry');
    });

    it('shows no fill one tick before it, and the exit only once the cursor reaches it', async () => {
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.stepTick(-1));
        let lines = await decisions();
        expect(lines).to.include('No order event at this tick');
        expect(lines.join('\n')).not.to.contain('filled');
        await page.evaluate(k => /** @type {any} */ (window).__backtestrCharts.seek(k), exit - 1);
        lines = await decisions();
        expect(lines.join('\n')).to.contain('order 1 filled MARKET');
        expect(lines.join('\n')).not.to.contain('order 2');
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.stepTick(1));
        lines = await decisions();
        expect(lines[lines.indexOf('At this tick') + 2]).to.match(/order 2 filled MARKET .*\(stop level hit\)/);
        await screenshot(page, 'charts-05-run-exit');
    });

    /** @returns {Promise<{ cursor?: number }>} */
    function chartState() {
        return page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.state());
    }
});
