// @ts-check
// A run started in the IDE followed live by the chart view open on its instrument (Chromium):
// the six panels show the bars as the strategy has seen them while it runs (the newest bar and
// the time cursor move on between observations), and when the run ends they hold the engine's
// state at its last tick (computed here by one independent engine pass), then its replay opens there.
'use strict';
const fs = require('fs');
const path = require('path');
const { expect } = require('chai');
const { startWorkbench, runCommand, screenshot, openSession, closeSession } = require('./workbench');
const { copySampleWorkspace, readSpyTicks, engineStateAt, startRunFromForm: startRunOf, TIMEFRAMES, openSpyChart } = require('./charts-support');

/** @typedef {{ time: number, open: number, high: number, low: number, close: number, volume: number }} Bar */
/** @typedef {{ timeframe: string, bars: number, firstTime?: number, lastCompleted?: Bar, partial?: Bar }} PanelSnapshot */
/** @typedef {{ runId: string, status: string, ticks: number, time: number, pushes: number, frames: number, skipped: number, fills: number, trades: number,
 *   history: { time: number, last: (number | undefined)[] }[], final?: { time: number, ticks: number, panels: PanelSnapshot[] } }} LiveState */

const SLOW_STRATEGY = 'sma-cross-1h-filter-slow.ts';

/** @param {import('playwright-core').Page} page @param {string} strategy */
const startRunFromForm = (page, strategy) => startRunOf(page, strategy, t => t?.startsWith('SPY') === true && t.includes('trades'));

describe('Chart view following a run in progress (Chromium)', function () {
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
    /** @type {LiveState} */
    let whileRunning;

    /** @returns {Promise<LiveState | undefined>} */
    const liveState = () => page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.live());
    /** @returns {Promise<{ cursor?: number, time?: number, tickCount: number, panels: PanelSnapshot[] }>} */
    const chartState = () => page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.state());

    before(async () => {
        workspace = copySampleWorkspace();
        // the sample strategy slowed down by 1 ms per 1m bar (a run of a few seconds instead of under one): time enough
        // to watch it whatever the machine's speed, also with the chart drawing nothing while the form hides it
        const strategies = path.join(workspace, 'strategies');
        const source = fs.readFileSync(path.join(strategies, 'sma-cross-1h-filter.ts'), 'utf8')
            .replace("id: 'examples.sma-cross-1h-filter'", "id: 'tests.sma-cross-1h-filter-slow'")
            .replace('onBarClose(ctx, bar) {', 'onBarClose(ctx, bar) {\n        const until = Date.now() + 1;\n        while (Date.now() < until) { /* spin */ }');
        if (!source.includes('tests.sma-cross-1h-filter-slow') || !source.includes('/* spin */')) {
            throw new Error('sma-cross-1h-filter.ts changed: the slowed-down copy could not be made');
        }
        fs.writeFileSync(path.join(strategies, SLOW_STRATEGY), source);
        ticks = await readSpyTicks(workspace);
        ({ server, browser, page, pageErrors } = await openSession(workspace));
    });

    after(async () => {
        await closeSession({ browser, server }, workspace);
    });

    it('follows a run of sma-cross-1h-filter.ts (slowed down) started from the Run Backtest form: the panels move on while it runs', async () => {
        await openSpyChart(page);
        expect(await liveState()).to.equal(undefined);
        // an indicator on the 1m panel: drawn while following too, extended by the new bars of each push
        await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.addIndicator(0, 'core.sma', { period: 10, source: 'close' }));

        await startRunFromForm(page, SLOW_STRATEGY);
        // back to the chart (the form took the main area)
        await page.locator('.lm-TabBar-tab', { hasText: 'Charts' }).first().click();
        await page.waitForFunction(() => (/** @type {any} */ (window).__backtestrCharts.live()?.frames ?? 0) >= 3, undefined, { timeout: 120000, polling: 'raf' });
        whileRunning = /** @type {LiveState} */ (await liveState());
        // the panel's bars and its SMA line as drawn in the same frame (one task: no draw in between)
        const drawn = await page.evaluate(() => {
            const h = /** @type {any} */ (window).__backtestrCharts;
            return { panel: h.state().panels[0], rows: h.rows(0, 10), line: h.overlays()[0].lines.find((/** @type {{ key: string }} */ l) => l.key.startsWith('indicator:0:core.sma')) };
        });
        await screenshot(page, 'charts-live-1-running');
        expect(whileRunning.status).to.equal('running');
        // two observations while it runs: the engine's clock (the cursor) and the newest 1m bar moved on
        // (the first entry may be the state when the view started following: before the first batch, no bars)
        const h = whileRunning.history.filter(x => x.last[0] !== undefined);
        expect(h.length).to.be.at.least(2);
        const a = h[0], b = h[h.length - 1];
        expect(b.time).to.be.greaterThan(a.time);
        expect(/** @type {number} */ (b.last[0])).to.be.greaterThan(/** @type {number} */ (a.last[0]));
        // the time cursor is drawn at the engine's clock, the panels show the run's bars, the status line says so
        expect(await page.locator('[data-testid="chart-status"]').innerText()).to.match(/^Live: .*sma-cross-1h-filter|^Live: /);
        expect(await page.locator('.backtestr-chart-cursor').first().evaluate(el => getComputedStyle(el).display)).to.equal('block');
        // frames are drawn at most once per push (pushes are coalesced, frames at most one per animation frame)
        expect(whileRunning.frames).to.be.at.most(whileRunning.pushes);
        expect(whileRunning.skipped).to.equal(0);
        // the SMA(10) drawn up to the newest bar: the forming bar's value is the mean of its close and the last 9 completed ones
        expect(drawn.line, 'the SMA line of panel 0 while following').to.not.equal(undefined);
        const newest = drawn.panel.partial ?? drawn.panel.lastCompleted;
        expect(drawn.line.lastTime).to.equal(newest.time);
        const closes = /** @type {Bar[]} */ (drawn.rows).map(r => r.close);
        const sum = (/** @type {number[]} */ xs) => xs.reduce((a, b) => a + b, 0);
        const expected = drawn.panel.partial ? (sum(closes.slice(1)) + drawn.panel.partial.close) / 10 : sum(closes) / 10;
        expect(drawn.line.lastValue).to.be.closeTo(expected, 1e-9);
    });

    it('holds the engine\'s state at the run\'s last tick when the run ends, then opens its replay there', async () => {
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts.live()?.final !== undefined, undefined, { timeout: 300000 });
        const live = /** @type {LiveState} */ (await liveState());
        expect(live.status).to.equal('finished');
        const final = /** @type {NonNullable<LiveState['final']>} */ (live.final);
        expect(final.ticks).to.equal(ticks.count);
        expect(final.time).to.equal(Number(ticks.time[ticks.count - 1]));
        const engine = engineStateAt(ticks, ticks.count - 1, 50);
        for (const panel of final.panels) {
            const expected = engine[TIMEFRAMES.indexOf(panel.timeframe)];
            expect(expected, `panel ${panel.timeframe} is one of the reference timeframes`).to.not.equal(undefined);
            expect(panel.partial, `forming ${panel.timeframe} bar at the end of the run`).to.deep.equal(expected.partial);
            expect(panel.lastCompleted, `last completed ${panel.timeframe} bar at the end of the run`).to.deep.equal(expected.completed[expected.completed.length - 1]);
        }
        expect(live.fills).to.be.greaterThan(0);
        // the finished run opens in replay at its last tick: the same state
        await page.waitForFunction(n => /** @type {any} */ (window).__backtestrCharts.state().cursor === n - 1, ticks.count, { timeout: 120000 });
        await page.waitForFunction(() => document.querySelector('[data-testid="chart-run"]')?.getAttribute('value') !== '' &&
            /** @type {HTMLSelectElement} */ (document.querySelector('[data-testid="chart-run"]')).value !== '', undefined, { timeout: 60000 });
        const replay = await chartState();
        for (const panel of replay.panels) {
            const expected = engine[TIMEFRAMES.indexOf(panel.timeframe)];
            expect(panel.partial, `replay: forming ${panel.timeframe}`).to.deep.equal(expected.partial);
            expect(panel.lastCompleted, `replay: last completed ${panel.timeframe}`).to.deep.equal(expected.completed[expected.completed.length - 1]);
        }
        // the replay's decisions replace the note on following
        await page.waitForFunction(() => /Decisions at the cursor/.test(document.querySelector('[data-testid="decision-panel"]')?.textContent ?? ''), undefined, { timeout: 60000 });
        await screenshot(page, 'charts-live-2-finished');
        expect(pageErrors.map(e => e.message)).to.deep.equal([]);
    });
});
