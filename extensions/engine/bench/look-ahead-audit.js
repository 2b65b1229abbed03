#!/usr/bin/env node
// @ts-check
// `node extensions/engine/bench/look-ahead-audit.js [cuts]`: the cost of the look-ahead audit against one run, on the
// sample workspace's real SPY trades (seeded into a temp workspace): one plain run (the best of 3), then an audit of K
// cuts (default 20). Prints both wall times, the ratio, and the CPU time of this process (the workers included) per
// run; the goal is about K+1 runs of CPU, less wall time with more than one core. Measures; asserts nothing. Needs the
// built lib/ of plugins-sdk, engine, workspace-store and data-import.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { seedSampleWorkspace, defaultDataDir } = require('@backtestr/data-import/lib/node');
const { WorkspaceDatabase, workspaceDatabasePath, BacktestDataImpl } = require('@backtestr/workspace-store/lib/node');
const { ENGINE_VERSION } = require('@backtestr/engine-core');
const { runBacktest } = require('../lib/node/backtest-runner');
const { auditLookAhead } = require('../lib/node/audit/look-ahead-audit');

const cuts = Number(process.argv[2] ?? 20);
const strategy = path.resolve(__dirname, '../../../sample-workspace/strategies/sma-cross-1h-filter.ts');

/** Wall ms and CPU ms (user + system, all threads) of `fn`. */
async function measure(fn) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const result = await fn();
    const used = process.cpuUsage(cpu);
    return { result, wall: performance.now() - t0, cpu: (used.user + used.system) / 1000 };
}

async function main() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bench-'));
    try {
        await seedSampleWorkspace(workspaceDatabasePath(root), defaultDataDir());
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        const services = { data: new BacktestDataImpl(db), engineVersion: ENGINE_VERSION };
        const request = { file: strategy, symbol: 'SPY' };
        let one = { wall: Infinity, cpu: Infinity, result: undefined };
        for (let i = 0; i < 3; i++) {
            const m = await measure(() => runBacktest(request, services));
            one = m.wall < one.wall ? m : one;
        }
        const audit = await measure(() => auditLookAhead(request, services, { cuts }));
        const ticks = one.result.result.ticks;
        console.log(`SPY trades, ${ticks.toLocaleString('en-US')} ticks, ${os.availableParallelism()} cores, ${cuts} cuts: ${audit.result.audit.verdict}`);
        console.log(`one run   wall ${one.wall.toFixed(0)} ms, CPU ${one.cpu.toFixed(0)} ms`);
        console.log(`audit     wall ${audit.wall.toFixed(0)} ms, CPU ${audit.cpu.toFixed(0)} ms`);
        console.log(`ratio     wall ${(audit.wall / one.wall).toFixed(1)}x, CPU ${(audit.cpu / one.cpu).toFixed(1)}x (K+1 = ${cuts + 1})`);
        db.close();
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

main().catch(error => {
    console.error(error);
    process.exit(1);
});
