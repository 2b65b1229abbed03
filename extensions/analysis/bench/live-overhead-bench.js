// @ts-check
// Benchmark (not a test): how much the dashboard's live figures slow a real engine run.
// sample-workspace/strategies/sma-cross.ts on the real EURUSD M1 2017 H1 bars (seeded into a temporary
// workspace), run alternately without and with RunProgressFeedImpl hooked to the engine's onStart/onProgress
// (every batch through the StatisticsAccumulator, pushes to a client at most once a second), 5 times each.
// Usage: node extensions/analysis/bench/live-overhead-bench.js
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');

const repo = path.resolve(__dirname, '..', '..', '..');
const { RunProgressFeedImpl } = require(path.join(repo, 'extensions/analysis/lib/node/run-progress-feed-impl'));
const { BacktestDataImpl } = require(path.join(repo, 'extensions/workspace-store/lib/node/backtest-data-impl'));
const { defaultDataDir, seedSampleWorkspace } = require(path.join(repo, 'extensions/data-import/lib/node/sample-workspace'));
const { WorkspaceDatabase, workspaceDatabasePath } = require(path.join(repo, 'extensions/workspace-store/lib/node/workspace-database'));
const { runBacktest } = require(path.join(repo, 'extensions/engine/lib/node/backtest-runner'));

async function main() {
    const dataDir = defaultDataDir();
    if (!dataDir) {
        throw new Error('no ../shared/data');
    }
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'live-bench-'));
    try {
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir);
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        const data = new BacktestDataImpl(db);
        const file = path.join(repo, 'sample-workspace/strategies/sma-cross.ts');
        const plain = [];
        const live = [];
        let pushes = 0;
        let batches = 0;
        let feedMs = 0;
        for (let round = 0; round < 6; round++) {
            for (const withFeed of [false, true]) {
                const feed = new RunProgressFeedImpl();
                Object.assign(feed, { logger: { warn: () => undefined } });
                feed.addClient({ onDidChangeRun: () => { pushes += withFeed ? 1 : 0; } });
                const t0 = performance.now();
                const outcome = await runBacktest({
                    file, symbol: 'EURUSD@histdata', kind: 'bars',
                    onStart: withFeed ? run => feed.runStarted(run) : undefined,
                    onProgress: withFeed ? (run, p) => {
                        batches++;
                        const f0 = performance.now();
                        feed.runProgress(run.id, { ticks: p.ticks, lastTime: p.time, equity: p.equity, trades: p.trades });
                        feedMs += performance.now() - f0;
                    } : undefined
                }, { data, engineVersion: 'bench' });
                if (withFeed) {
                    feed.runFinished(outcome.run.id, outcome.run.status, outcome.output);
                }
                const ms = performance.now() - t0;
                if (round > 0) { // round 0 warms up
                    (withFeed ? live : plain).push(ms);
                } else if (withFeed) {
                    feedMs = 0;
                    batches = 0;
                    pushes = 0;
                }
            }
        }
        db.close();
        const med = xs => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        const p = med(plain);
        const l = med(live);
        console.log(`sma-cross.ts on EURUSD M1 2017 H1 bars (186,348 bars): without live feed ${p.toFixed(0)} ms, with ${l.toFixed(0)} ms ` +
            `(median of 5 each): ${((l / p - 1) * 100).toFixed(1)} % slower; ${batches / 5} progress batches and ${(pushes / 5).toFixed(0)} pushes per run`);
        console.log(`time inside the feed's runProgress (main thread): ${(feedMs / 5).toFixed(1)} ms per run = ${(feedMs / 5 / l * 100).toFixed(1)} % of the run`);
        console.log(`runs without: ${plain.map(x => x.toFixed(0)).join(' ')}; with: ${live.map(x => x.toFixed(0)).join(' ')}`);
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

main().catch(error => {
    console.error(error);
    process.exit(1);
});
