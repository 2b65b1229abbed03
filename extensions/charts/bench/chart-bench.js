// @ts-check
// Chart and replay figures measured in Chromium on the sample workspace's SPY trades:
// time to open the chart, one replay step (goal < 16 ms), frames per second while the replay
// streams updates into all six panels, drawing 1M bars into one panel, page memory.
// Run: node extensions/charts/bench/chart-bench.js (after building the browser app).
'use strict';
const fs = require('fs');
const path = require('path');
const e2e = path.join(__dirname, '..', '..', '..', 'tests', 'e2e');
const { openSession, closeSession, runCommand } = require(path.join(e2e, 'workbench'));
const { copySampleWorkspace, runStrategy } = require(path.join(e2e, 'charts-support'));

/** @param {number[]} xs @param {number} q */
function quantile(xs, q) {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function main() {
    const workspace = copySampleWorkspace();
    // a real run to overlay (recorded fast/slow SMAs, fills, trades), made before the workbench holds the database
    const run = await runStrategy(workspace, 'sma-cross-1h-filter.ts', 'SPY@usa', 'trades');
    const session = await openSession(workspace);
    try {
        const { page } = session;
        await runCommand(page, 'BackTestr: Open Charts');
        await page.waitForFunction(() => /** @type {any} */ (window).__backtestrCharts !== undefined);
        const hook = '/** @type {any} */ (window).__backtestrCharts';
        const open = await page.evaluate(async () => {
            const h = /** @type {any} */ (window).__backtestrCharts;
            const t0 = performance.now();
            const info = await h.openDataset('SPY', 'trades');
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            return { ms: performance.now() - t0, prepareMs: info.prepareMs, ticks: info.tickCount };
        });
        const reopen = await page.evaluate(async () => {
            const h = /** @type {any} */ (window).__backtestrCharts;
            const t0 = performance.now();
            await h.openDataset('SPY', 'trades');
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            return performance.now() - t0;
        });
        console.log(`open SPY chart (${open.ticks} ticks): ${open.ms.toFixed(0)} ms first time (engine index pass ${open.prepareMs} ms), ${reopen.toFixed(0)} ms when indexed`);

        // one replay step: cursor moves forward and back in the busiest part of a session
        const steps = await page.evaluate(async () => {
            const h = /** @type {any} */ (window).__backtestrCharts;
            const s = h.state();
            await h.seek(Math.floor(s.tickCount * 0.55));
            const measure = async (/** @type {() => Promise<void>} */ f, /** @type {number} */ n) => {
                const out = [];
                for (let i = 0; i < n; i++) {
                    const t0 = performance.now();
                    await f();
                    await new Promise(r => requestAnimationFrame(r));
                    out.push(performance.now() - t0);
                }
                return out;
            };
            const forward = await measure(() => h.stepTick(1), 100);
            const back = await measure(() => h.stepTick(-1), 100);
            const barForward = await measure(() => h.stepBar('1m', 1), 30);
            const barBack = await measure(() => h.stepBar('1m', -1), 30);
            return { forward, back, barForward, barBack, inner: h.timings.slice(-260), parts: h.timingParts.slice(-260) };
        });
        /** @type {{ backend: number, rpc: number, draw: number }[]} */
        const parts = steps.parts;
        delete steps.parts;
        for (const key of /** @type {const} */ (['backend', 'rpc', 'draw'])) {
            const xs = parts.map(p => p[key]);
            console.log(`replay step part ${key.padEnd(7)}: median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms`);
        }
        for (const [name, xs] of Object.entries(steps)) {
            if (!Array.isArray(xs) || typeof xs[0] !== 'number') {
                continue;
            }
            console.log(`replay ${name.padEnd(10)}: median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms (n=${xs.length}${name === 'inner' ? ', RPC + re-simulation + setData, without waiting for paint' : ', until the next frame is painted'})`);
        }

        // the same steps with the run's overlay (fills, trades, recorded fast/slow SMAs, levels) and two built-in indicators per panel
        const overlaid = await page.evaluate(async id => {
            const h = /** @type {any} */ (window).__backtestrCharts;
            await h.openRun(id);
            for (let p = 0; p < 6; p++) {
                await h.addIndicator(p, 'core.ema', { period: 20, source: 'close' });
                await h.addIndicator(p, 'core.bollinger');
            }
            await h.seek(Math.floor(h.state().tickCount * 0.55));
            const out = [];
            for (let i = 0; i < 200; i++) {
                const t0 = performance.now();
                await h.stepTick(i < 100 ? 1 : -1);
                await new Promise(r => requestAnimationFrame(r));
                out.push(performance.now() - t0);
            }
            const lines = h.overlays().map((/** @type {any} */ o) => o.lines.length);
            return { out, parts: h.timingParts.slice(-200), lines };
        }, run.id);
        console.log(`replay step with run overlay + EMA + Bollinger on all six panels (${overlaid.lines.join('/')} lines): median ${quantile(overlaid.out, 0.5).toFixed(1)} ms, `
            + `p95 ${quantile(overlaid.out, 0.95).toFixed(1)} ms (n=200, until painted); draw part median ${quantile(overlaid.parts.map((/** @type {any} */ p) => p.draw), 0.5).toFixed(1)} ms, `
            + `p95 ${quantile(overlaid.parts.map((/** @type {any} */ p) => p.draw), 0.95).toFixed(1)} ms`);

        // frames per second while the replay streams updates into all six panels (with the overlays above)
        for (const speed of ['1000/s', '100000/s']) {
            const fps = await page.evaluate(async sp => {
                const h = /** @type {any} */ (window).__backtestrCharts;
                await h.seek(Math.floor(h.state().tickCount * 0.3));
                const before = h.timings.length;
                let frames = 0;
                let running = true;
                const count = () => { frames++; if (running) { requestAnimationFrame(count); } };
                requestAnimationFrame(count);
                h.play(sp);
                const t0 = performance.now();
                await new Promise(r => setTimeout(r, 5000));
                running = false;
                h.pause();
                const seconds = (performance.now() - t0) / 1000;
                return { fps: frames / seconds, updates: (h.timings.length - before) / seconds };
            }, speed);
            console.log(`streaming at ${speed}: ${fps.fps.toFixed(1)} frames/s, ${fps.updates.toFixed(1)} panel updates/s (each all six panels)`);
        }

        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable');
        const metrics = /** @type {{ metrics: { name: string, value: number }[] }} */ (await cdp.send('Performance.getMetrics')).metrics;
        const heap = metrics.find(m => m.name === 'JSHeapUsedSize')?.value ?? NaN;
        const total = metrics.find(m => m.name === 'JSHeapTotalSize')?.value ?? NaN;
        const perfMemory = await page.evaluate(() => /** @type {any} */ (performance).memory?.usedJSHeapSize ?? NaN);
        console.log(`page memory with the six-panel chart: JS heap used ${(heap / 2 ** 20).toFixed(0)} MiB of ${(total / 2 ** 20).toFixed(0)} MiB (CDP), performance.memory ${(perfMemory / 2 ** 20).toFixed(0)} MiB`);

        // 1M bars: what the chart loads (the newest bars for the visible range and a margin, initialBarCount of the panel's width,
        // older pages on scroll) against putting the whole history into the browser
        const width = await page.evaluate(() => document.querySelector('.backtestr-chart-canvas')?.clientWidth ?? 600);
        const visible = Math.max(200, Math.ceil(Math.max(width, 100) / 3) * 3);
        const ranged = await page.evaluate(n => /** @type {any} */ (window).__backtestrCharts.renderSynthetic(1_000_000, n), visible);
        console.log(`1,000,000 1m bars, visible range + margin (${ranged.bars} bars) drawn into one panel: ${ranged.openMs.toFixed(0)} ms until painted; `
            + `one older page of 500 bars on scroll-back: ${ranged.olderPageMs.toFixed(0)} ms`);
        const million = await page.evaluate(() => /** @type {any} */ (window).__backtestrCharts.renderSynthetic(1_000_000));
        const metrics2 = /** @type {{ metrics: { name: string, value: number }[] }} */ (await cdp.send('Performance.getMetrics')).metrics;
        const heap2 = metrics2.find(m => m.name === 'JSHeapUsedSize')?.value ?? NaN;
        console.log(`1,000,000 1m bars, the whole history into one panel (what the chart never does): ${million.openMs.toFixed(0)} ms until painted; JS heap then ${(heap2 / 2 ** 20).toFixed(0)} MiB`);
        void hook;
    } finally {
        await closeSession(session, workspace);
    }
}

main().catch(e => {
    console.error(e);
    process.exitCode = 1;
});
