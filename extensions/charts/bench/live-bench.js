// @ts-check
// Live updates measured in Chromium on the sample workspace: a real run of sma-cross-1h-filter.ts on the
// SPY trades (1.9M ticks) started from the Run Backtest form while the chart view follows it (six panels)
// and, for comparison, while the chart shows another instrument (not following). Prints the frames per
// second of the page while the run streams (requestAnimationFrame callbacks counted in the page), the
// longest frame gap, the pushes and draws, and the run's ticks/s both ways (its cost of a chart following).
// Run: node extensions/charts/bench/live-bench.js (after building the browser app).
'use strict';
const fs = require('fs');
const path = require('path');
const e2e = path.join(__dirname, '..', '..', '..', 'tests', 'e2e');
const { openSession, closeSession, runCommand } = require(path.join(e2e, 'workbench'));
const { copySampleWorkspace, startRunFromForm } = require(path.join(e2e, 'charts-support'));

const ROUNDS = Number(process.env.BACKTESTR_LIVE_BENCH_ROUNDS ?? 6);
/** Panels of the chart view (6, 4, 2 or 1): the drawing's share of the cost. */
const LAYOUT = Number(process.env.BACKTESTR_LIVE_BENCH_LAYOUT ?? 6);
/** BACKTESTR_LIVE_BENCH_DRAW=0: the view follows (pushes received and merged) but does not draw them. */
const DRAW = process.env.BACKTESTR_LIVE_BENCH_DRAW !== '0';
/** BACKTESTR_LIVE_BENCH_INTERVAL=<ms>: the least milliseconds between two draws of one panel (the view's default when unset). */
const INTERVAL = process.env.BACKTESTR_LIVE_BENCH_INTERVAL === undefined ? undefined : Number(process.env.BACKTESTR_LIVE_BENCH_INTERVAL);
/** BACKTESTR_LIVE_BENCH_OTHER=spy: without following, the chart shows the run's instrument all the same (auto-follow off). */
const OTHER_SPY = process.env.BACKTESTR_LIVE_BENCH_OTHER === 'spy';
/** The sample strategy run (a slower one, e.g. the Python `sma_cross.py`, makes a longer run). */
const STRATEGY = process.env.BACKTESTR_LIVE_BENCH_STRATEGY ?? 'sma-cross-1h-filter.ts';

/** @param {number[]} xs */
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
    const workspace = copySampleWorkspace();
    const session = await openSession(workspace);
    try {
        const { page } = session;
        await runCommand(page, 'BackTestr: Open Charts');
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts !== undefined);
        /** @type {{ following: boolean, ticksPerSecond: number, fps?: number, maxGapMs?: number, maxScriptMs: number, over16: number, pushes?: number, frames?: number, drawMs?: number[], seconds: number }[]} */
        const results = [];
        for (let round = 0; round < ROUNDS * 2; round++) {
            // alternate, so that the machine's load drifts alike over both
            const following = round % 2 === 0;
            await page.evaluate(([f, layout, draw, spy, interval]) => {
                const h = /** @type {any} */ (window).__backtestrCharts;
                h.setLayout(layout);
                h.setLiveDrawing(draw);
                if (interval !== undefined) {
                    h.setLivePanelInterval(interval);
                }
                h.setAutoFollow(f);
                return f || spy ? h.openDataset('SPY', 'trades') : h.openDataset('EURUSD', 'quotes');
            }, /** @type {[boolean, number, boolean, boolean, number | undefined]} */ ([following, LAYOUT, DRAW, OTHER_SPY, INTERVAL]));
            const before = (await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.runs())).map((/** @type {{ id: string }} */ r) => r.id);
            // count animation frames in the page from the click on "Start" to the end of the run
            await page.evaluate(() => {
                const w = /** @type {any} */ (window);
                w.__liveBenchFrames = [];
                w.__liveBenchOn = true;
                // script per animation frame: every requestAnimationFrame callback (the view's and lightweight-charts' paints) timed, summed by frame
                w.__liveBenchScript = new Map();
                if (!w.__liveBenchWrapped) {
                    w.__liveBenchWrapped = true;
                    const raf = window.requestAnimationFrame.bind(window);
                    window.requestAnimationFrame = cb => raf(t => {
                        const s = performance.now();
                        try {
                            cb(t);
                        } finally {
                            w.__liveBenchScript.set(t, (w.__liveBenchScript.get(t) ?? 0) + performance.now() - s);
                        }
                    });
                }
                const tick = (/** @type {number} */ t) => { w.__liveBenchFrames.push(t); if (w.__liveBenchOn) { requestAnimationFrame(tick); } };
                requestAnimationFrame(tick);
            });
            await startRunFromForm(page, STRATEGY, (/** @type {string | null} */ t) => t?.startsWith('SPY') === true && t.includes('trades'));
            if (process.env.BACKTESTR_LIVE_BENCH_HIDDEN !== '1') {
                await page.locator('.lm-TabBar-tab', { hasText: 'Charts' }).first().click();
            }
            /** @type {{ id: string, status: string, ticks: number, elapsedMs: number } | undefined} */
            let summary;
            const deadline = Date.now() + 300000;
            while (!summary && Date.now() < deadline) {
                await new Promise(r => setTimeout(r, 200));
                const runs = await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.runs());
                summary = runs.find((/** @type {{ id: string, status: string }} */ r) => !before.includes(r.id) && r.status !== 'running');
            }
            if (!summary || summary.status !== 'finished') {
                throw new Error(`The run did not finish: ${JSON.stringify(summary)}`);
            }
            const live = await page.evaluate(id => {
                const w = /** @type {any} */ (window);
                w.__liveBenchOn = false;
                const l = w.__backtestrCharts.live();
                return { frames: /** @type {number[]} */ (w.__liveBenchFrames), script: /** @type {[number, number][]} */ ([...w.__liveBenchScript.entries()]), live: l && l.runId === id ? { pushes: l.pushes, frames: l.frames, drawMs: /** @type {number[]} */ (l.drawMs) } : undefined };
            }, summary.id);
            const ticksPerSecond = summary.ticks / summary.elapsedMs * 1000;
            // the frames while the run ran: its last elapsedMs before the end (the page's clock)
            const f = live.frames;
            const end = f[f.length - 1];
            const during = f.filter(t => t >= end - summary.elapsedMs);
            const gaps = during.slice(1).map((t, i) => t - during[i]);
            const script = live.script.filter(([t]) => t >= end - summary.elapsedMs).map(([, ms]) => ms);
            const seconds = summary.elapsedMs / 1000;
            results.push({
                following, ticksPerSecond, seconds, fps: (during.length - 1) / Math.max(1e-3, (during[during.length - 1] - during[0]) / 1000),
                maxGapMs: gaps.length ? Math.max(...gaps) : NaN, maxScriptMs: script.length ? Math.max(...script) : NaN, over16: script.filter(ms => ms > 16).length, pushes: live.live?.pushes, frames: live.live?.frames, drawMs: live.live?.drawMs
            });
            const r = results[results.length - 1];
            const drawn = r.drawMs?.length ? r.drawMs : [NaN];
            console.log(`run ${round + 1} (${following ? `chart following, ${LAYOUT} panels${DRAW ? '' : ', not drawn'}` : (OTHER_SPY ? 'chart on the same instrument, not following' : 'chart on another instrument')}): ${summary.ticks} ticks in ${summary.elapsedMs.toFixed(0)} ms = `
                + `${(ticksPerSecond / 1e6).toFixed(2)}M ticks/s; page ${r.fps?.toFixed(1)} frames/s during the run, longest frame gap ${r.maxGapMs?.toFixed(0)} ms, `
                + `animation-frame script at most ${r.maxScriptMs.toFixed(1)} ms (${r.over16} frames over 16 ms)`
                + (following ? `; ${r.pushes} pushes received, ${r.frames} whole views, ${r.drawMs?.length ?? 0} live frames of median ${median(drawn).toFixed(1)}, `
                    + `max ${Math.max(...drawn).toFixed(1)} ms of script` : ''));
        }
        const on = results.filter(r => r.following), off = results.filter(r => !r.following);
        const tOn = median(on.map(r => r.ticksPerSecond)), tOff = median(off.map(r => r.ticksPerSecond));
        console.log(`live: page frames/s while a run streams to all ${LAYOUT} panels: median ${median(on.map(r => /** @type {number} */ (r.fps))).toFixed(1)} `
            + `(not following: ${median(off.map(r => /** @type {number} */ (r.fps))).toFixed(1)}); longest frame gap median ${median(on.map(r => /** @type {number} */ (r.maxGapMs))).toFixed(0)} ms `
            + `(not following: ${median(off.map(r => /** @type {number} */ (r.maxGapMs))).toFixed(0)} ms); animation-frame script per frame at most (median over runs) `
            + `${median(on.map(r => r.maxScriptMs)).toFixed(1)} ms (not following: ${median(off.map(r => r.maxScriptMs)).toFixed(1)} ms), frames over 16 ms of script per run median ${median(on.map(r => r.over16))}`);
        console.log(`live: load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
        console.log(`live: run speed with a chart following ${(tOn / 1e6).toFixed(2)}M ticks/s, without ${(tOff / 1e6).toFixed(2)}M ticks/s (median of ${ROUNDS} each): `
            + `cost ${((1 - tOn / tOff) * 100).toFixed(1)} %`);
    } finally {
        await closeSession(session, workspace);
    }
}

main().catch(e => {
    console.error(e);
    process.exitCode = 1;
});
