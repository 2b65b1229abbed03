// @ts-check
// The chart view in Chromium on the sample workspace's real SPY trades (2013-10): six panels
// of candles at a replay cursor whose bars equal the native engine's MTF state at that tick
// (computed here, independently, by one engine pass over the same ticks), the same state
// whether the cursor is reached stepping forward or back, layouts and the transport bar.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, openSession, closeSession, installPlugin } = require('./workbench');
const { copySampleWorkspace, readSpyTicks, engineStateAt, tickIndexAt, runStrategy, packKeltner, TIMEFRAMES, openSpyChart } = require('./charts-support');

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
        ({ server, browser, page, pageErrors } = await openSession(workspace));
    });

    after(async () => {
        await closeSession({ browser, server }, workspace);
    });

    it('opens a dataset with "BackTestr: Open Chart" and draws candles in six panels', async () => {
        await openSpyChart(page);
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

    it('opens an imported bars dataset (EURUSD 1m), replayed as the engine runs bars: 4 path points per bar', async () => {
        const info = await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.openDataset('EURUSD', 'bars'));
        expect(info, 'the bars dataset opens').to.not.equal(undefined);
        expect(info.pointsPerBar).to.equal(4);
        expect(info.priceSource).to.equal('last');
        expect(info.tickCount % 4).to.equal(0);
        const state = await chartState();
        expect(state.cursor).to.equal(info.tickCount - 1);
        expect(state.panels.every(p => p.bars > 0 && p.partial !== undefined)).to.equal(true);
        // one imported 1m bar is 4 points: 4 ticks back is the previous 1m bar, complete
        await seek(info.tickCount - 5);
        const back = await chartState();
        expect(/** @type {Bar} */ (back.panels[0].partial).time).to.be.below(/** @type {Bar} */ (state.panels[0].partial).time);
        expect(await page.locator('[data-testid="chart-status"]').innerText()).to.contain('4 path points per imported bar');
        await screenshot(page, 'charts-07-bars-dataset');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });

    it('installs no test hook (window.__backtestrCharts) in a page opened without the test flag, as a user opens it', async () => {
        const plain = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        try {
            await plain.goto(server.url);
            await plain.waitForSelector('#theia-app-shell', { timeout: 60000 });
            await plain.waitForSelector('.theia-preload', { state: 'detached', timeout: 60000 });
            await runCommand(plain, 'BackTestr: Open Charts');
            await plain.locator('[data-testid="chart-grid"]').first().waitFor({ state: 'attached', timeout: 60000 });
            expect(await plain.evaluate(() => '__backtestrCharts' in window), 'the hook in the plain page').to.equal(false);
            expect(await page.evaluate(() => '__backtestrCharts' in window), 'the hook in the test page').to.equal(true);
        } finally {
            await plain.close();
        }
    });
});

describe('A real strategy run in replay: overlay, decisions, jumps, recorded series and indicators in Chromium', function () {
    /** @type {Awaited<ReturnType<typeof startWorkbench>> | undefined} */
    let server;
    /** @type {import('playwright-core').Browser} */
    let browser;
    /** @type {import('playwright-core').Page} */
    let page;
    /** @type {Error[]} */
    let pageErrors;
    /** @type {string} */
    let workspace;
    /** @type {string} */
    let work;
    /** @type {string} */
    let tgz;
    /** @type {string | undefined} */
    let savedPluginDir;
    /** @type {Awaited<ReturnType<typeof readSpyTicks>>} */
    let ticks;
    /** @type {Awaited<ReturnType<typeof runStrategy>>} */
    let run;
    /** The opening range breakout: entry stops (OCO) and protective stops. @type {Awaited<ReturnType<typeof runStrategy>>} */
    let orb;
    /** Dataset ticks (0-based) of the run's trade entries: the fills that took the position from flat. */
    /** @type {number[]} */
    let entries = [];
    const hook = () => /** @type {any} */ (window).__backtestrCharts;
    const decisions = () => page.evaluate(() => /** @type {string[]} */ (/** @type {any} */ (window).__backtestrCharts.decisions()));
    /** @returns {Promise<{ cursor?: number, time?: number, panels: PanelSnapshot[] }>} */
    const chartState = () => page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.state());
    /** @returns {Promise<{ lines: { key: string, title: string, points: number, firstTime?: number, lastTime?: number, lastValue?: number }[], levels: unknown[], errors: string[] }[]>} */
    const overlays = () => page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.overlays());

    before(async () => {
        workspace = copySampleWorkspace();
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-charts-plugin-'));
        ticks = await readSpyTicks(workspace);
        // the sample strategy runs for real through the CLI before the workbench holds the database
        run = await runStrategy(workspace, 'sma-cross-1h-filter.ts', 'SPY@usa', 'trades');
        orb = await runStrategy(workspace, 'opening-range-breakout-spy.ts', 'SPY@usa', 'trades');
        expect(run.run.status).to.equal('finished');
        expect(run.trades.entryTime.length, 'the run has trades').to.be.greaterThan(1);
        expect(run.run.firstTime, 'the run covers the whole dataset').to.equal(Number(ticks.time[0]));
        let position = 0;
        for (let i = 0; i < run.events.seq.length; i++) {
            if (run.events.kind[i] === 'filled' && position === 0 && run.events.position[i] !== 0) {
                entries.push(run.events.seq[i] - 1);
            }
            position = run.events.position[i];
        }
        expect(entries.length).to.equal(run.trades.entryTime.length);
        tgz = packKeltner(work);
        savedPluginDir = process.env.BACKTESTR_PLUGIN_DIR;
        process.env.BACKTESTR_PLUGIN_DIR = path.join(work, 'plugins');
        ({ server, browser, page, pageErrors } = await openSession(workspace));
        await runCommand(page, 'BackTestr: Open Charts');
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts !== undefined);
    });

    after(async () => {
        if (savedPluginDir === undefined) {
            delete process.env.BACKTESTR_PLUGIN_DIR;
        } else {
            process.env.BACKTESTR_PLUGIN_DIR = savedPluginDir;
        }
        await closeSession({ browser, server }, workspace, work);
    });

    it('opens the run; "next trade" lands on the entry fill\'s tick, where the panels equal the engine\'s MTF state and the decision panel lists the MARKET fill with the strategy\'s tag', async () => {
        await page.evaluate(id => /** @type {any} */ (window).__backtestrCharts.openRun(id), run.id);
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.seek(0));
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.jumpTrade(1));
        const state = await chartState();
        const k = entries[0];
        expect(state.cursor).to.equal(k);
        const engine = engineStateAt(ticks, k, 50);
        expect(state.panels.map(p => p.timeframe)).to.deep.equal(TIMEFRAMES);
        for (let i = 0; i < TIMEFRAMES.length; i++) {
            expect(state.panels[i].partial, `forming ${TIMEFRAMES[i]}`).to.deep.equal(engine[i].partial);
            expect(state.panels[i].lastCompleted, `last completed ${TIMEFRAMES[i]}`).to.deep.equal(engine[i].completed[engine[i].completed.length - 1]);
            const rows = await page.evaluate(([p, n]) => /** @type {any} */ (window).__backtestrCharts.rows(p, n), [i, 50]);
            expect(rows, `completed ${TIMEFRAMES[i]}`).to.deep.equal(engine[i].completed.slice(-rows.length));
        }
        const fill = run.events.kind.findIndex((/** @type {string} */ kind, /** @type {number} */ i) => kind === 'filled' && run.events.seq[i] - 1 === k);
        const order = run.events.order[fill];
        const tag = run.orders.tag[Array.from(run.orders.id).indexOf(order)];
        expect(tag).to.match(/^fast .* crossed above slow .*; 1H bar up/);
        const lines = await decisions();
        const at = lines.indexOf('At this tick');
        expect(at, lines.join('\n')).to.be.greaterThan(-1);
        const here = lines.slice(at + 1).join('\n');
        expect(here).to.contain(`order ${order} filled MARKET @ ${Number(run.events.price[fill].toPrecision(10))} qty 100 (${tag})`);
        await screenshot(page, 'charts-04-run-entry');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });

    it('draws the recorded fast/slow SMAs only up to the cursor, and more of them after the next trade', async () => {
        const state = await chartState();
        const cursorTime = /** @type {number} */ (state.time);
        const partial1m = /** @type {Bar} */ (state.panels[0].partial);
        const shown = (await overlays())[0].lines;
        for (const name of ['fast', 'slow']) {
            const line = shown.find(l => l.key === `record:${name}`);
            expect(line, name).to.not.equal(undefined);
            const s = run.series[name];
            const known = Array.from(s.time).filter(t => t <= cursorTime).length;
            expect(known).to.be.greaterThan(0);
            expect(s.time[known] > cursorTime || known === s.time.length, 'the next value is later').to.equal(true);
            // the newest value drawn is the newest recorded at or before the cursor, on the forming 1m bar at the latest
            expect(/** @type {any} */ (line).lastValue).to.equal(s.value[known - 1]);
            expect(/** @type {any} */ (line).lastTime).to.be.at.most(partial1m.time);
        }
        const before = /** @type {any} */ (shown.find(l => l.key === 'record:fast')).lastTime;
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.jumpTrade(1));
        expect((await chartState()).cursor).to.equal(entries[1]);
        const after = /** @type {any} */ ((await overlays())[0].lines.find(l => l.key === 'record:fast'));
        expect(after.lastTime).to.be.greaterThan(before);
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.jumpTrade(-1));
        expect((await chartState()).cursor).to.equal(entries[0]);
    });

    it('jumps to the next and previous order event with the keyboard', async () => {
        const k = entries[0];
        const next = Array.from(run.events.seq).map(s => s - 1).find(t => t > k);
        await page.locator('.backtestr-charts').focus();
        await page.keyboard.press(']');
        await page.waitForFunction(n => /** @type {any} */ (window).__backtestrCharts.state().cursor === n, next, { timeout: 10000 });
        await page.keyboard.press('[');
        await page.waitForFunction(n => /** @type {any} */ (window).__backtestrCharts.state().cursor === n, k, { timeout: 10000 });
        await page.keyboard.press('Shift+BracketRight');
        await page.waitForFunction(n => /** @type {any} */ (window).__backtestrCharts.state().cursor === n, entries[1], { timeout: 10000 });
        await page.evaluate(n => /** @type {any} */ (window).__backtestrCharts.seek(n), k);
    });

    it('adds a built-in EMA and the Keltner plugin installed from its .tgz to a panel, and draws their lines up to the cursor', async () => {
        await runCommand(page, 'BackTestr: Show Plugins');
        const view = await installPlugin(page, 'tgz', tgz);
        await view.locator('[data-testid="plugin-item"][data-plugin-id="examples.keltner-channels"]').waitFor({ state: 'visible', timeout: 60000 });
        await runCommand(page, 'BackTestr: Open Charts');
        await page.evaluate(id => /** @type {any} */ (window).__backtestrCharts.openRun(id), run.id);
        await page.evaluate(n => /** @type {any} */ (window).__backtestrCharts.seek(n), entries[0]);
        const choices = await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.indicatorChoices());
        expect(choices.map((/** @type {{ id: string }} */ c) => c.id)).to.include.members(['core.sma', 'core.ema', 'examples.keltner']);
        // as a user does: the panel's "+ indicator" list, then the options typed into the chip
        await page.locator('[data-testid="panel-indicator-0"]').selectOption('examples.keltner');
        await page.locator('[data-testid="panel-indicator-0"]').selectOption('core.ema');
        const options = page.locator('[data-testid="chart-grid"] .backtestr-chart-panel').first().locator('[data-testid="indicator-options"]').nth(1);
        await options.fill('period=10, source=close');
        await options.press('Enter');
        await page.waitForFunction(() => {
            const lines = /** @type {any} */ (window).__backtestrCharts.overlays()[0].lines;
            return ['upper', 'middle', 'lower'].every(o => lines.some((/** @type {any} */ l) => l.key === `indicator:0:examples.keltner:${o}` && l.points > 0))
                && lines.some((/** @type {any} */ l) => l.key === 'indicator:1:core.ema:value' && l.points > 0);
        }, undefined, { timeout: 60000 }).catch(async e => {
            throw new Error(`${e.message}\npanel 0 draws ${JSON.stringify((await overlays())[0])}`);
        });
        const panel = (await overlays())[0];
        expect(panel.errors).to.deep.equal([]);
        const state = await chartState();
        const partial = /** @type {Bar} */ (state.panels[0].partial);
        const keltner = panel.lines.filter(l => l.key.startsWith('indicator:0:examples.keltner'));
        const ema = /** @type {any} */ (panel.lines.find(l => l.key === 'indicator:1:core.ema:value'));
        // computed over the completed bars at the cursor: never past the forming bar
        keltner.forEach(l => expect(/** @type {number} */ (l.lastTime)).to.be.below(partial.time));
        expect(ema.lastTime).to.equal(partial.time);
        const [upper, middle, lower] = ['upper', 'middle', 'lower'].map(o => /** @type {any} */ (keltner.find(l => l.key.endsWith(o))).lastValue);
        expect(upper).to.be.greaterThan(middle);
        expect(middle).to.be.greaterThan(lower);
        expect(ema.title).to.equal('ema(10,close)');
        await screenshot(page, 'charts-05-indicators');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });

    it('draws the stop levels of the orders working at the cursor (the breakout\'s OCO stops once accepted, the protective stop after the fill)', async () => {
        const ev = orb.events;
        const ids = Array.from(orb.orders.id);
        const stopOf = (/** @type {number} */ id) => orb.orders.stop[ids.indexOf(id)];
        /** Stop prices of the orders working after run tick t: accepted and not yet filled, cancelled, expired or rejected. @param {number} t */
        const working = t => {
            /** @type {Map<number, boolean>} */
            const live = new Map();
            for (let i = 0; i < ev.seq.length && ev.seq[i] - 1 <= t; i++) {
                if (ev.kind[i] === 'accepted') {
                    live.set(ev.order[i], true);
                } else if (['filled', 'cancelled', 'expired', 'rejected', 'triggered'].includes(ev.kind[i])) {
                    live.delete(ev.order[i]);
                }
            }
            return [...live.keys()].map(stopOf).filter(Number.isFinite).sort((a, b) => a - b);
        };
        const first = ev.kind.findIndex((/** @type {string} */ kind, /** @type {number} */ i) => kind === 'accepted' && Number.isFinite(stopOf(ev.order[i])));
        expect(first).to.be.greaterThan(-1);
        const k = ev.seq[first] - 1;
        const levels = async () => /** @type {{ price: number, title: string }[]} */ ((await overlays())[0].levels).map(l => l.price).sort((a, b) => a - b);
        await page.evaluate(id => /** @type {any} */ (window).__backtestrCharts.openRun(id), orb.id);
        await page.evaluate(n => /** @type {any} */ (window).__backtestrCharts.seek(n), k - 1);
        expect(await levels()).to.deep.equal(working(k - 1));
        await page.evaluate(n => /** @type {any} */ (window).__backtestrCharts.seek(n), k);
        const atK = await levels();
        expect(atK).to.deep.equal(working(k));
        expect(atK.length).to.equal(2);
        const titles = (await overlays())[0].levels.map(l => /** @type {{ title: string }} */ (l).title).join('\n');
        expect(titles).to.contain('break above the').and.to.contain('break below the');
        // the entry fill cancels its OCO partner; the protective stop follows
        const fill = ev.kind.findIndex((/** @type {string} */ kind, /** @type {number} */ i) => kind === 'filled' && i > first);
        const protect = ev.kind.findIndex((/** @type {string} */ kind, /** @type {number} */ i) => kind === 'accepted' && i > fill);
        await page.evaluate(n => /** @type {any} */ (window).__backtestrCharts.seek(n), ev.seq[protect] - 1);
        const after = await levels();
        expect(after).to.deep.equal(working(ev.seq[protect] - 1));
        expect(after).to.not.deep.equal(atK);
        expect((await overlays())[0].levels.map(l => /** @type {{ title: string }} */ (l).title).join('\n')).to.contain('protective stop');
        await screenshot(page, 'charts-08-stop-levels');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });
});
