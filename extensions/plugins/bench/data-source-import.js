#!/usr/bin/env node
// @ts-check
// Benchmark (prints figures, asserts nothing): importing a large JSON-lines file through the example
// data-source plugin (examples/plugins/jsonl-ticks) into a DuckDB workspace, the way the wizard and
// `backtestr import` do: the file read once, its bytes copied into the plugin host process, the columns
// copied back, validated and written in one transaction. Input: every EURUSD quote of May 2014 from
// ../shared/data (532,903 rows), as JSON lines. Needs the built libraries (`npx tsc -b`).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '..');
const lib = (pkg, file) => require(path.join(root, 'extensions', pkg, 'lib', 'node', file));
const { PluginManager } = lib('plugins', 'plugin-manager');
const { PluginContributionRegistryImpl } = lib('plugins', 'plugin-contribution-registry-impl');
const { createPluginImportSources } = lib('plugins', 'plugin-import-sources');
const { DataImporter } = lib('data-import', 'data-importer');
const { ImportSourceRegistry } = lib('data-import', 'import-source-registry');
const { WorkspaceDatabase } = lib('workspace-store', 'workspace-database');

const data = process.env.BACKTESTR_DATA_DIR ?? path.resolve(root, '..', 'shared', 'data');
const quotesDir = path.join(data, 'eurusd-quotes-2014-05');

async function main() {
    if (!fs.existsSync(quotesDir)) {
        console.log(`[bench] ${quotesDir} not found: skipped`);
        return;
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-bench-jsonl-'));
    try {
        const lines = [];
        for (const zip of fs.readdirSync(quotesDir).filter(n => n.endsWith('.zip')).sort()) {
            const day = Date.UTC(Number(zip.slice(0, 4)), Number(zip.slice(4, 6)) - 1, Number(zip.slice(6, 8)));
            for (const row of execFileSync('unzip', ['-p', path.join(quotesDir, zip)], { encoding: 'utf8', maxBuffer: 1 << 30 }).trim().split('\n')) {
                const [ms, bid, ask] = row.split(',').map(Number);
                lines.push(JSON.stringify({ time: new Date(day + ms).toISOString(), bid, ask }));
            }
        }
        const file = path.join(work, 'eurusd-2014-05.jsonl');
        fs.writeFileSync(file, lines.join('\n') + '\n');
        const bytes = fs.statSync(file).size;
        const pluginDir = path.join(work, 'plugins');
        const manager = new PluginManager({ directory: pluginDir, registry: new PluginContributionRegistryImpl() });
        await manager.install({ kind: 'folder', location: path.join(root, 'examples', 'plugins', 'jsonl-ticks') });
        manager.dispose();
        const sources = createPluginImportSources(pluginDir);
        const db = await WorkspaceDatabase.open(path.join(work, 'workspace.duckdb'));
        try {
            await sources.getImportSources(); // start the plugin host outside the measurement
            const rssBefore = process.memoryUsage().rss;
            let peak = rssBefore;
            const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
            const started = process.hrtime.bigint();
            const importer = new DataImporter(db, undefined, new ImportSourceRegistry([sources]));
            const result = await importer.import({ paths: [file], instrument: { symbol: 'EURUSD', venue: 'oanda', tickSize: 0.00001 }, computeDerived: false });
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            clearInterval(timer);
            console.log(`[bench] plugin data source (JSON lines): ${result.rows.toLocaleString('en-US')} rows, ${result.quarantined} quarantined, `
                + `${(bytes / 1048576).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${(result.rows / seconds / 1e6).toFixed(2)}M rows/s, `
                + `${(bytes / 1048576 / seconds).toFixed(1)} MB/s; process RSS +${((peak - rssBefore) / 1048576).toFixed(0)} MB in the backend, the plugin host being a process of its own (file ${(bytes / 1048576).toFixed(0)} MB)`);
        } finally {
            db.close();
            sources.dispose();
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

main().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
