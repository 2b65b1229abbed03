#!/usr/bin/env node
// @ts-check
// Fills the sample workspace's database (sample-workspace/.backtestr/workspace.duckdb) with the
// real SPY trades, EURUSD quotes and HistData bars from ../shared/data, or with synthetic ticks
// where that folder is absent. Idempotent: files imported before are skipped.
'use strict';
const path = require('path');
const { seedSampleWorkspace, defaultDataDir } = require('@backtestr/data-import/lib/node');

async function main() {
    const root = path.resolve(__dirname, '..');
    const dbPath = path.join(root, 'sample-workspace', '.backtestr', 'workspace.duckdb');
    const started = Date.now();
    const result = await seedSampleWorkspace(dbPath, defaultDataDir());
    for (const line of result.log) {
        process.stdout.write(`[seed] ${line}\n`);
    }
    const summary = result.datasets.map(d => `${d.symbol} ${d.kind} ${d.tickCount.toLocaleString('en-US')}`).join(', ');
    process.stdout.write(`[seed] ${result.source} sample data in ${path.relative(root, dbPath)} (${summary}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

main().catch(error => {
    process.stderr.write(`[seed] ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
});
