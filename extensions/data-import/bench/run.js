#!/usr/bin/env node
// @ts-check
// Data-layer benchmarks (plain node over the compiled lib/): CSV import rows/s, FIX messages/s,
// reading 10M ticks into typed arrays, and size on disk vs the source CSV. Figures, not assertions.
// Uses ../shared/data when present; everything generated goes to os.tmpdir().
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const lib = path.join(__dirname, '..', 'lib', 'node');
const { BarCache, TickRepository, WorkspaceDatabase } = require('@backtestr/workspace-store/lib/node');
const { DataImporter } = require(path.join(lib, 'data-importer'));
const { InstrumentCatalog } = require(path.join(lib, 'instrument-catalog'));
const { DatasetExporter } = require(path.join(lib, 'dataset-exporter'));
const { DataQuality } = require(path.join(lib, 'data-quality'));
const { defaultDataDir } = require(path.join(lib, 'sample-workspace'));
const { listZipEntries } = require(path.join(lib, 'zip-reader'));
const { fixMessage, marketDataMessage, quoteUpdateMessage } = require(path.join(lib, 'test-support', 'fix-messages'));
const { generateEquityTrades } = require(path.join(lib, 'synthetic-ticks'));
const { encodeBinaryTicks } = require(path.join(lib, 'binary-tick-format'));

const dataDir = defaultDataDir();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-bench-'));
const M = n => (n / 1e6).toFixed(2) + 'M';
const MB = n => (n / 1048576).toFixed(1) + ' MB';

function print(name, value) {
    process.stdout.write(`${name}: ${value}\n`);
}

/** Throughputs of repeated runs as `min-max` (this machine is shared: the spread says how much to trust a figure). */
function range(rates) {
    return `${M(Math.min(...rates))}-${M(Math.max(...rates))}`;
}

/** CPU milliseconds of this process (all its threads: parse workers, DuckDB's) since `from`. */
function cpuMs(from) {
    const u = process.cpuUsage(from);
    return (u.user + u.system) / 1000;
}

/** Rows per CPU-second of the runs: less sensitive than wall time to the other work on a shared machine. */
function perCpu(rows, cpu) {
    return `${range(cpu.map(ms => rows / (ms / 1000)))} per CPU-second`;
}

const RUNS = Number(process.env.BENCH_RUNS) || 3;

function loadAverage() {
    return os.loadavg().map(x => x.toFixed(2)).join(' ');
}

/** Bytes of a folder's files, recursively (0 when absent). */
function folderBytes(dir) {
    if (!fs.existsSync(dir)) {
        return 0;
    }
    let n = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        n += e.isDirectory() ? folderBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size;
    }
    return n;
}

/** What a workspace database takes on disk: the DuckDB file (and WAL) and its tick segments folder. */
function diskBytes(dbFile) {
    const wal = fs.existsSync(dbFile + '.wal') ? fs.statSync(dbFile + '.wal').size : 0;
    const file = fs.statSync(dbFile).size + wal;
    const segments = folderBytes(dbFile.replace(/\.duckdb$/, '') + '.ticks');
    return { file, segments, total: file + segments };
}

async function freshDb(name) {
    return WorkspaceDatabase.open(path.join(work, name + '.duckdb'));
}

/** Uncompressed bytes of CSV files (zip entries counted at their inflated size). */
function sourceBytes(folder) {
    let n = 0;
    for (const f of fs.readdirSync(folder)) {
        const p = path.join(folder, f);
        if (f.endsWith('.zip')) {
            for (const e of listZipEntries(fs.readFileSync(p))) {
                n += e.size;
            }
        } else {
            n += fs.statSync(p).size;
        }
    }
    return n;
}

async function benchCsv(label, folder, catalog, table) {
    // 1 + RUNS fresh imports: the first warms the JIT and the parse workers up and is not counted.
    let best = Infinity, rows = 0, db, file = '';
    const rates = [], cpu = [];
    for (let run = 0; run <= RUNS; run++) {
        db?.close();
        const name = `${label}-${run}`;
        db = await freshDb(name);
        file = path.join(work, name + '.duckdb');
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        const result = await new DataImporter(db, catalog).import({ paths: [folder], computeDerived: false });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        rows = result.rows;
        if (run > 0) {
            cpu.push(cpuMs(c0));
            best = Math.min(best, ms);
            rates.push(rows / (ms / 1000));
        }
    }
    print(`import.csv ${label}`, `${range(rates)} rows/s over ${RUNS} runs, best ${M(rows / (best / 1000))} (${rows} rows in ${best.toFixed(0)} ms, one transaction, validation on); `
        + perCpu(rows, cpu));
    // What an import from the wizard or the CLI does next (computeDerived): the bar cache and the quality report.
    const derived = await new TickRepository(db).listDatasets();
    const d0 = process.hrtime.bigint();
    for (const key of derived) {
        if (key.kind !== 'bars') {
            await new BarCache(db).rebuild(key);
        }
    }
    const d1 = process.hrtime.bigint();
    for (const key of derived) {
        await new DataQuality(db).compute(key);
    }
    const d2 = process.hrtime.bigint();
    print(`import.derived ${label}`, `bar cache ${(Number(d1 - d0) / 1e6).toFixed(0)} ms, quality report ${(Number(d2 - d1) / 1e6).toFixed(0)} ms (after the import, one run)`);
    await db.checkpoint();
    // The data itself: its segment files in the tick store.
    const dataBytes = diskBytes(file).segments;
    const datasets = await new TickRepository(db).listDatasets();
    const parquet = await new DatasetExporter(db).export(datasets[0], 'parquet', path.join(work, `${label}.parquet`));
    db.close();
    const disk = diskBytes(file);
    const csvBytes = sourceBytes(folder);
    // The file also holds the schema, the import records, the bar cache and the quality report, in blocks of their own.
    const what = `${table} segments`;
    print(`size ${label}`, `${MB(disk.total)} on disk (DuckDB file ${MB(disk.file)} + tick segments ${MB(disk.segments)}) vs ${MB(csvBytes)} source CSV = `
        + `${(csvBytes / disk.total).toFixed(1)}x smaller (${(csvBytes / rows).toFixed(1)} vs ${(disk.total / rows).toFixed(1)} bytes/row); ${what} ${MB(dataBytes)} = `
        + `${(csvBytes / dataBytes).toFixed(1)}x (${(dataBytes / rows).toFixed(2)} bytes/row); zstd Parquet export ${MB(parquet.bytes)} = ${(csvBytes / parquet.bytes).toFixed(1)}x`);
}

async function benchFix() {
    const n = 300_000;
    const t0 = Date.UTC(2014, 4, 1, 12) * 1000;
    const parts = [fixMessage([[35, 'd'], [55, 'EURUSD'], [969, '0.00001'], [15, 'USD'], [207, 'FXV']])];
    for (let i = 0; i < n; i++) {
        const bid = 138600 + (i % 50);
        parts.push(marketDataMessage(i + 1, 'EURUSD', t0 + i * 1000, (bid / 1e5).toFixed(5), ((bid + 10) / 1e5).toFixed(5), ((bid + 5) / 1e5).toFixed(5), 1 + (i % 9)));
    }
    const file = path.join(work, 'md.fix');
    fs.writeFileSync(file, parts.join('\n'));
    const timed = async (name, messages) => {
        // 1 + RUNS fresh imports, the first (JIT warm-up) not counted.
        const rates = [], cpu = [];
        let best = Infinity, rows = 0;
        for (let run = 0; run <= RUNS; run++) {
            const db = await freshDb(`${name}-${run}`);
            const start = process.hrtime.bigint();
            const c0 = process.cpuUsage();
            const result = await new DataImporter(db).import({ paths: [file], computeDerived: false });
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            db.close();
            fs.rmSync(path.join(work, `${name}-${run}.duckdb`), { force: true });
            rows = result.rows;
            if (run > 0) {
                cpu.push(cpuMs(c0));
                rates.push(messages / (ms / 1000));
                best = Math.min(best, ms);
            }
        }
        return { rates, best, rows, cpu };
    };
    const three = await timed('fix', n + 1);
    print('import.fix 35=X (3 entries each)', `${range(three.rates)} messages/s over ${RUNS} runs (${n + 1} messages -> ${three.rows} ticks, best ${three.best.toFixed(0)} ms, BodyLength+CheckSum checked); ${perCpu(n + 1, three.cpu)}`);
    // One-entry top-of-book updates (~110 bytes), the bulk of a real feed.
    const m = 1_000_000;
    const updates = [parts[0]];
    for (let i = 0; i < m; i++) {
        const bid = 138600 + (i % 50);
        updates.push(quoteUpdateMessage(i + 1, 'EURUSD', t0 + i * 1000, i % 2 ? 1 : 0, ((bid + (i % 2) * 10) / 1e5).toFixed(5), 1 + (i % 9)));
    }
    fs.writeFileSync(file, updates.join('\n'));
    const one = await timed('fix1', m + 1);
    print('import.fix 35=X (1 entry each)', `${range(one.rates)} messages/s over ${RUNS} runs (${m + 1} messages, ${MB(fs.statSync(file).size)} -> ${one.rows} quotes, best ${one.best.toFixed(0)} ms); ${perCpu(m + 1, one.cpu)}`);
}

async function benchRead() {
    const db = await freshDb('read');
    const target = 10_000_000;
    if (dataDir && fs.existsSync(path.join(dataDir, 'spy-trades-2013-10'))) {
        await new DataImporter(db, InstrumentCatalog.fromDataDir(dataDir)).import({ paths: [path.join(dataDir, 'spy-trades-2013-10')], computeDerived: false });
    } else {
        const spec = new InstrumentCatalog().lookup('SPY', 'usa');
        const ticks = generateEquityTrades({ start: '2013-10-07', days: 5, seed: 1, peakRate: 25, startPrice: 167, tickSize: 0.01 });
        const file = path.join(work, 'spy.btb');
        fs.writeFileSync(file, encodeBinaryTicks(spec, 'trades', ticks));
        await new DataImporter(db).import({ paths: [file], instrument: { ...spec }, computeDerived: false });
    }
    // Repeat the week (shifted by whole weeks) until 10M ticks.
    const repo = new TickRepository(db);
    const have = Number(await db.scalar('SELECT count(*) FROM trades'));
    const copies = Math.ceil(target / have);
    await repo.store.appendTicks('trades', `SELECT instrument_id, time_us + k * ${7 * 86400e6}, price_ticks, size, flags
        FROM (SELECT * FROM trades ORDER BY time_us, seq), range(1, ${copies}) AS r(k) ORDER BY k, time_us, seq LIMIT ${target - have}`);
    await db.checkpoint();
    const key = { instrumentId: 1, kind: 'trades' };
    let best = Infinity, count = 0;
    const rates = [], cpu = [];
    for (let run = 0; run <= RUNS; run++) {
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        const ticks = await repo.readTicks(key);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        count = ticks.count;
        if (run > 0) {
            cpu.push(cpuMs(c0));
            best = Math.min(best, ms);
            rates.push(count / (ms / 1000));
        }
    }
    print('read.ticks typed arrays', `${range(rates)} rows/s over ${RUNS} runs, best ${M(count / (best / 1000))} (${count} ticks: time, price, size, flags in ${best.toFixed(0)} ms); ${perCpu(count, cpu)}`);
    db.close();
}

/**
 * A synthetic CSV above 1 GB imported in a child process of its own, so its peak RSS is the import's alone: the file
 * streams through the parse workers in pieces and is never in memory whole. Generated in the temp folder, deleted after.
 */
async function benchLargeCsv() {
    const file = path.join(work, 'large-trades.csv');
    const target = Number(process.env.BENCH_LARGE_CSV_BYTES ?? 1.1e9);
    const fd = fs.openSync(file, 'w');
    const t0 = Date.UTC(2024, 0, 2, 14, 30);
    let rows = 0, bytes = 0, price = 1000000;
    fs.writeSync(fd, 'time,price,size\n');
    while (bytes < target) {
        const lines = [];
        for (let i = 0; i < 100000; i++, rows++) {
            price += (rows * 7919) % 7 - 3;
            lines.push(`${t0 + rows * 3},${(price / 100).toFixed(2)},${100 * (1 + rows % 9)}`);
        }
        bytes += fs.writeSync(fd, lines.join('\n') + '\n');
    }
    fs.closeSync(fd);
    const { execFileSync } = require('child_process');
    const out = execFileSync(process.execPath, [__filename, '--large-csv-child', file, path.join(work, 'large.duckdb')], { encoding: 'utf8' });
    const r = JSON.parse(out);
    print(`import.csv large file (${r.pieces ? 'streamed' : 'whole file, BACKTESTR_IMPORT_WORKERS=0'})`, `${M(r.rows / (r.ms / 1000))} rows/s (${r.rows} rows, ${MB(fs.statSync(file).size)} CSV in ${r.ms.toFixed(0)} ms); ` +
        `peak RSS ${MB(r.maxRssBytes)} (sampled every 50 ms; JS typed arrays then ${MB(r.externalAtPeak)}; ${r.pieces} pieces of ${MB(r.pieceBytes)}); on disk ${MB(r.dbBytes)} (DuckDB file and tick segments)`);
    fs.rmSync(file, { force: true });
    fs.rmSync(path.join(work, 'large.duckdb'), { force: true });
}

async function largeCsvChild(file, dbFile) {
    const db = await WorkspaceDatabase.open(dbFile);
    const importer = new DataImporter(db);
    // Peak RSS sampled every 50 ms, and what the main thread's JS held then (typed arrays of pieces and columns).
    let peak = { rss: 0, external: 0 };
    const sampler = setInterval(() => {
        const m = process.memoryUsage();
        if (m.rss > peak.rss) {
            peak = { rss: m.rss, external: m.external };
        }
    }, 50);
    const t0 = process.hrtime.bigint();
    const result = await importer.import({
        paths: [file], instrument: { symbol: 'LARGE', venue: 'bench', tickSize: 0.01 }, computeDerived: false,
        csv: { kind: 'trades', delimiter: ',', header: true, columns: { time: 0, price: 1, size: 2 }, timestampFormat: 'epoch-ms', timeZone: 'UTC', priceScale: 0 }
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    clearInterval(sampler);
    await db.checkpoint();
    db.close();
    process.stdout.write(JSON.stringify({
        externalAtPeak: peak.external,
        // Sampled, not getrusage's maxRSS: on Linux a spawned child starts with its parent's maxRSS.
        rows: result.rows, ms, maxRssBytes: peak.rss, pieces: importer.streamStats.pieces,
        pieceBytes: Number(process.env.BACKTESTR_IMPORT_CHUNK_BYTES) || 8 << 20, dbBytes: diskBytes(dbFile).total
    }));
}

if (process.argv[2] === '--large-csv-child') {
    fs.rmSync(work, { recursive: true, force: true });
    largeCsvChild(process.argv[3], process.argv[4]).catch(error => {
        process.stderr.write(String(error?.stack ?? error) + '\n');
        process.exitCode = 1;
    });
} else (async () => {
    print('bench data-import', `${os.cpus().length} cores, node ${process.version}, data ${dataDir ?? 'absent (synthetic)'}, load average ${loadAverage()}`);
    if (dataDir && (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === 'csv')) {
        const catalog = InstrumentCatalog.fromDataDir(dataDir);
        await benchCsv('spy', path.join(dataDir, 'spy-trades-2013-10'), catalog, 'trades');
        await benchCsv('eurusd', path.join(dataDir, 'eurusd-quotes-2014-05'), catalog, 'quotes');
        await benchCsv('histdata', path.join(dataDir, 'eurusd-m1-2017h1'), catalog, 'bars');
    }
    const only = process.env.BENCH_ONLY;
    if (!only || only === 'fix') {
        await benchFix();
    }
    if (!only || only === 'read') {
        await benchRead();
    }
    if (!only || only === 'large') {
        await benchLargeCsv();
    }
    print('bench data-import done', `load average ${loadAverage()}`);
})().catch(error => {
    process.stderr.write(String(error?.stack ?? error) + '\n');
    process.exitCode = 1;
}).finally(() => fs.rmSync(work, { recursive: true, force: true }));
