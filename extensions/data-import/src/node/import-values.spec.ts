// Values at the edges of what the store holds, end to end: times before 1970 and near the last storable year, prices
// and sizes beyond 2^53 ticks, through CSV, the binary format and FIX, and back out through the views, readTicks,
// the backtest data stream, the bar cache, the quality report and the exports.

import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import {
    BinaryLayout, CsvFormatOptions, DatasetKey, ImportRequest, ImportResult, ImportSourceContribution, ImportSourceDescriptor, ImportSourceRows
} from '../common/dataset-protocol';
import { BacktestDataImpl, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';
import { encodeBinaryTicks } from './binary-tick-format';
import { DataImporter } from './data-importer';
import { DataQuality } from './data-quality';
import { DatasetExporter } from './dataset-exporter';
import { ImportSourceRegistry } from './import-source-registry';
import { InstrumentCatalog } from './instrument-catalog';
import { fixMessage } from './test-support/fix-messages';
import { SHARED_DATA, tempDatabase, tempDir } from './test-support/test-files';
import { isoFromMicros } from './time-zone';

const MINUTE = 60_000_000;
const DAY = 86_400_000_000;

/** Microseconds of an ISO time with up to six fraction digits, exactly (Date keeps milliseconds only). */
function micros(iso: string): number {
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(iso)!;
    return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Times around the 1970 boundary, in 1969 and 1900, and up to the last storable year, in order. */
const EDGE_TIMES = [
    '1700-01-01T00:00:00Z', '1900-01-01T00:00:00.000001Z', '1900-02-28T23:59:59.999999Z', '1969-07-20T20:17:40.5Z', '1969-12-30T23:59:59.999999Z',
    '1969-12-31T00:00:00Z', '1969-12-31T12:00:00.000001Z', '1969-12-31T23:59:00Z', '1969-12-31T23:59:59.999999Z', '1970-01-01T00:00:00Z',
    '1970-01-01T00:00:00.000001Z', '1970-01-01T23:59:59.999999Z', '1970-01-02T00:00:00Z', '2013-10-07T13:30:00.123456Z', '2199-12-31T23:59:59.999999Z'
];

const QUOTES: CsvFormatOptions = {
    kind: 'quotes', delimiter: ',', header: true, columns: { time: 0, bid: 1, ask: 2 }, timestampFormat: 'iso8601', timeZone: 'UTC', priceScale: 0
};

const TRADES: CsvFormatOptions = {
    kind: 'trades', delimiter: ',', header: true, columns: { time: 0, price: 1, size: 2 }, timestampFormat: 'epoch-us', timeZone: 'UTC', priceScale: 0
};

const BARS: CsvFormatOptions = {
    kind: 'bars', delimiter: ',', header: true, columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 }, timestampFormat: 'epoch-us',
    timeZone: 'UTC', priceScale: 0
};

/** The values no path may store: beyond 2^53 ticks or lots, not finite, not numbers. */
const HUGE = ['1e308', '1e17', '1e20', '-1e20', '1E400', 'inf', 'NaN', 'Infinity', '9007199254740993', '123456789012345678901234'];

describe('import: values at the edges of what the store holds', function (): void {
    this.timeout(120_000);
    let dir: string;
    let db: WorkspaceDatabase;
    let importer: DataImporter;

    beforeEach(async () => {
        dir = tempDir();
        db = await tempDatabase(dir);
        importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
    });

    afterEach(() => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const write = (name: string, content: string | Buffer): string => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, content);
        return file;
    };

    const importCsv = (name: string, lines: readonly string[], csv: CsvFormatOptions, extra: Partial<ImportRequest> = {}): Promise<ImportResult> =>
        importer.import({ paths: [write(name, lines.join('\n'))], csv, instrument: { symbol: 'EURUSD', venue: 'oanda' }, ...extra });

    /** `reason` of each quarantined row, by line (or byte offset). */
    async function quarantine(result: ImportResult): Promise<string[]> {
        return (await importer.repo.getQuarantine(result.importId)).map(q => `${q.line >= 0 ? q.line : q.byteOffset}: ${q.reason}`);
    }

    it('stores ticks before 1970, across its first day and up to the last storable year, and every reader gives all of them back', async () => {
        const times = EDGE_TIMES.map(micros);
        const result = await importCsv('edges.csv', ['time,bid,ask', ...EDGE_TIMES.map((t, i) => `${t},1.3${String(i).padStart(4, '0')},1.4`)], QUOTES);
        expect(result.rows).to.equal(times.length);
        expect(await quarantine(result)).to.deep.equal([]);
        const key: DatasetKey = result.datasets[0];
        // The registry, the view and the readers agree, row by row.
        expect(Number(await db.scalar('SELECT sum(rows) FROM tick_segments'))).to.equal(times.length);
        const view = await db.all('SELECT time_us::DOUBLE AS t, bid_ticks::DOUBLE AS b FROM quotes ORDER BY time_us');
        expect(view.map(r => Number(r.t))).to.deep.equal(times);
        expect(view.map(r => Number(r.b))).to.deep.equal(times.map((_, i) => 130000 + i));
        const ticks = await importer.repo.readTicks(key);
        expect(Array.from(ticks.time)).to.deep.equal(times);
        expect(Array.from(ticks.bid!)).to.deep.equal(times.map((_, i) => 130000 + i));
        // A range that starts and ends before 1970, and one across its first microsecond.
        const before = await importer.repo.readTicks(key, micros('1969-12-31T00:00:00Z'), micros('1970-01-01T00:00:00Z'));
        expect(Array.from(before.time)).to.deep.equal(times.slice(5, 9));
        const across = await importer.repo.readTicks(key, -1, 2);
        expect(Array.from(across.time)).to.deep.equal([times[8], times[9], times[10]]);
        // What a backtest run reads: batches of whole days, int64 times, the prices as decimals.
        const target = await new BacktestDataImpl(db).resolve('EURUSD@oanda', 'quotes');
        for (const batchRows of [1, 3, 1_000_000]) {
            const run: number[] = [];
            const bids: number[] = [];
            for await (const batch of new BacktestDataImpl(db).streamTicks(target, { batchRows })) {
                run.push(...Array.from(batch.time, Number));
                bids.push(...Array.from(batch.bid!, b => Math.round(b * 100_000)));
            }
            expect(run, `run batches of ${batchRows}`).to.deep.equal(times);
            expect(bids, `bids in batches of ${batchRows}`).to.deep.equal(times.map((_, i) => 130000 + i));
            // The repository's int64 tick counts under it.
            const ticked: number[] = [];
            for await (const batch of importer.repo.streamTickBatches(key, { batchRows })) {
                ticked.push(...Array.from(batch.time.subarray(0, batch.count), Number));
            }
            expect(ticked, `tick batches of ${batchRows}`).to.deep.equal(times);
        }
        // The bar cache: one 1m bar per minute the ticks fall in (floor, not toward 1970), and all the ticks counted.
        const bars = await db.all(`SELECT time_us::DOUBLE AS t, tick_count::DOUBLE AS n FROM bars WHERE instrument_id = ${key.instrumentId}
            AND origin = 'cache' AND timeframe = '1m' ORDER BY time_us`);
        const minutes = [...new Set(times.map(t => Math.floor(t / MINUTE) * MINUTE))];
        expect(bars.map(b => Number(b.t))).to.deep.equal(minutes);
        expect(bars.reduce((n, b) => n + Number(b.n), 0)).to.equal(times.length);
        const daily = await db.all(`SELECT time_us::DOUBLE AS t FROM bars WHERE instrument_id = ${key.instrumentId} AND origin = 'cache' AND timeframe = '1D'
            ORDER BY time_us`);
        expect(daily.map(b => Number(b.t))).to.deep.equal([...new Set(times.map(t => Math.floor(t / DAY) * DAY))]);
        // The quality report: a day per UTC day of the ticks, the last storable one too.
        const report = await new DataQuality(db).report(key);
        expect(report!.days.map(d => d.day)).to.deep.equal([...new Set(EDGE_TIMES.map(t => t.slice(0, 10)))]);
        expect(report!.days.reduce((n, d) => n + d.tickCount, 0)).to.equal(times.length);
        // The exports: CSV with the exact ISO times, and the binary format read back into another database.
        const exporter = new DatasetExporter(db);
        const csv = await exporter.export(key, 'csv', path.join(dir, 'out', 'edges.csv'));
        expect(csv.rows).to.equal(times.length);
        const exported = fs.readFileSync(csv.path, 'utf8').trim().split('\n').slice(1).map(l => l.split(','));
        expect(exported.map(f => Number(f[0]))).to.deep.equal(times);
        expect(exported.map(f => f[1])).to.deep.equal(times.map(t => isoFromMicros(t).replace(/\.(\d{3})Z$/, '.$1000Z').replace(/:(\d\d)Z$/, ':$1.000000Z')));
        const btb = await exporter.export(key, 'btb', path.join(dir, 'out', 'edges.btb'));
        const other = await tempDatabase(tempDir());
        try {
            const back = await new DataImporter(other, importer.catalog).import({ paths: [btb.path], computeDerived: false });
            expect(back.rows).to.equal(times.length);
            expect(Array.from((await new DataImporter(other).repo.readTicks(back.datasets[0])).time)).to.deep.equal(times);
        } finally {
            other.close();
        }
    });

    it('stores negative epoch times of trades and bars and merges a later import into segments of days before 1970', async () => {
        const first = await importCsv('a.csv', ['time,price,size', '-86400000001,1.1,1', '-1,1.2,2', '0,1.3,3'], TRADES);
        expect(first.rows).to.equal(3);
        // Outside the stored range (inside it a re-import is a duplicate), in the same UTC days: the segments merge.
        const second = await importCsv('b.csv', ['time,price,size', '-172800000000,1.4,4', '-86400000002,1.5,5', '1,1.6,6'], TRADES);
        expect(second.rows).to.equal(3);
        const ticks = await importer.repo.readTicks(first.datasets[0]);
        expect(Array.from(ticks.time)).to.deep.equal([-172800000000, -86400000002, -86400000001, -1, 0, 1]);
        expect(Array.from(ticks.size!)).to.deep.equal([4, 5, 1, 2, 3, 6]);
        const segments = await importer.repo.store.segments({ instrumentId: first.datasets[0].instrumentId, kind: 'trades' });
        expect(segments.map(s => [s.firstUs, s.lastUs, s.rows])).to.deep.equal([[-172800000000, 1, 6]]);
        expect(Number(await db.scalar('SELECT count(*) FROM trades'))).to.equal(6);
        const bars = await importCsv('bars.csv', ['time,open,high,low,close,volume', `${-2 * MINUTE},1.1,1.2,1.0,1.1,5`, `${-MINUTE},1.1,1.2,1.0,1.1,5`,
            '0,1.1,1.2,1.0,1.1,5'], BARS, { instrument: { symbol: 'EURUSD', venue: 'oanda' } });
        expect(bars.rows).to.equal(3);
        const stored = await db.all(`SELECT time_us::DOUBLE AS t FROM bars WHERE origin = 'import' ORDER BY time_us`);
        expect(stored.map(r => Number(r.t))).to.deep.equal([-2 * MINUTE, -MINUTE, 0]);
    });

    it('quarantines times past the last storable year, keeping the quality report working', async () => {
        const lines = ['time,bid,ask', '2013-10-07T00:00:00Z,1.3,1.4', '3000-01-01T00:00:00.000001Z,1.3,1.4', '9999-12-31T23:59:59.999999Z,1.3,1.4',
            '2200-01-01T00:00:00Z,1.3,1.4', '1699-12-31T23:59:59.999999Z,1.3,1.4', '2013-10-08T00:00:00Z,1.3,1.4'];
        const result = await importCsv('far.csv', lines, QUOTES);
        expect(result.rows).to.equal(2);
        const q = await quarantine(result);
        expect(q.length).to.equal(4);
        for (const reason of q) {
            expect(reason).to.match(/^\d: time: .*outside 1700-01-01 to 2199-12-31/);
        }
        const report = await new DataQuality(db).report(result.datasets[0]);
        expect(report!.days.map(d => d.day)).to.deep.equal(['2013-10-07', '2013-10-08']);
        expect(report!.untimedQuarantined).to.equal(4);
    });

    it('quarantines impossible dates and times in the CSV time formats, naming the time', async () => {
        const lines = ['time,bid,ask', '2013-02-28T00:00:00Z,1.3,1.4', '2013-02-31T00:00:00Z,1.3,1.4', '2013-03-01T24:00:00Z,1.3,1.4',
            '2013-03-02T10:60:00Z,1.3,1.4', '2013-03-02T10:59:60Z,1.3,1.4', '2013-03-03T00:00:00Z,1.3,1.4'];
        const result = await importCsv('impossible.csv', lines, QUOTES);
        expect(result.rows).to.equal(2);
        expect(await quarantine(result)).to.deep.equal([
            '3: time: no such date 2013-02-31', '4: time: hour 24 out of range', '5: time: minute 60 out of range', '6: time: second 60 out of range'
        ]);
    });

    it('quarantines a CSV row with more fields than the others instead of reading shifted values', async () => {
        const result = await importCsv('shift.csv', ['time,bid,ask', '2013-10-07T00:00:00Z,1.3,1.4', '2013-10-07T00:00:01Z,1,234,1.4',
            '2013-10-07T00:00:02Z,1.3,1.4'], QUOTES);
        expect(result.rows).to.equal(2);
        expect(await quarantine(result)).to.deep.equal([
            '3: expected 3 fields separated by \',\' like the other rows, found 4 (a delimiter inside a value, such as a thousands separator?)'
        ]);
    });

    it('checks every piece of a file streamed through the parse workers against the field count of its first rows', async () => {
        const lines = ['time,bid,ask'];
        for (let i = 0; i < 3000; i++) {
            // Rows with a thousands separator in a price deep in the file, in pieces after the first.
            lines.push(i % 700 === 350 ? `${1398902400000 + i},1,386,1.4` : `${1398902400000 + i},1.3,1.4`);
        }
        const file = write('big.csv', lines.join('\n') + '\n');
        const csv = { ...QUOTES, timestampFormat: 'epoch-ms' as const };
        const outcome: string[][] = [];
        const saved = { workers: process.env.BACKTESTR_IMPORT_WORKERS, chunk: process.env.BACKTESTR_IMPORT_CHUNK_BYTES };
        try {
            for (const streamed of [false, true]) {
                process.env.BACKTESTR_IMPORT_WORKERS = streamed ? '' : '0';
                process.env.BACKTESTR_IMPORT_CHUNK_BYTES = '4096';
                const own = tempDir();
                const ownDb = await tempDatabase(own);
                try {
                    const other = new DataImporter(ownDb, importer.catalog);
                    const result = await other.import({ paths: [file], csv, instrument: { symbol: 'EURUSD', venue: 'oanda' }, computeDerived: false });
                    expect(other.streamStats.pieces > 2, 'streamed in pieces').to.equal(streamed);
                    expect(result.rows).to.equal(3000 - 4);
                    outcome.push((await other.repo.getQuarantine(result.importId)).map(q => `${q.line} ${q.byteOffset}: ${q.reason}`));
                } finally {
                    ownDb.close();
                    fs.rmSync(own, { recursive: true, force: true });
                }
            }
        } finally {
            process.env.BACKTESTR_IMPORT_WORKERS = saved.workers ?? '';
            process.env.BACKTESTR_IMPORT_CHUNK_BYTES = saved.chunk ?? '';
        }
        expect(outcome[0].map(q => q.split(' ')[0])).to.deep.equal(['352', '1052', '1752', '2452']);
        expect(outcome[1]).to.deep.equal(outcome[0]);
    });

    it('quarantines CSV prices, sizes and volumes beyond 2^53 ticks or not numbers, naming the field, in every kind', async () => {
        const base = 1381104000000000;
        const trades = ['time,price,size', `${base},1.1,1`];
        HUGE.forEach((h, i) => trades.push(`${base + 1 + 2 * i},${h},1`, `${base + 2 + 2 * i},1.1,${h}`));
        const t = await importCsv('trades.csv', trades, TRADES);
        expect(t.rows).to.equal(1);
        const tq = await quarantine(t);
        expect(tq.length).to.equal(2 * HUGE.length);
        tq.forEach((reason, i) => expect(reason, trades[i + 2]).to.match(i % 2 ? /: size: (out of range|not a number|too many digits)$/ : /: price: (out of range|not a number|too many digits)$/));
        const quotes = ['time,bid,ask,bid_size,ask_size', '2013-10-07T00:00:00Z,1.1,1.2,1,1'];
        HUGE.forEach((h, i) => quotes.push(`2013-10-07T00:00:0${i % 10}.${i}1Z,${h},1.2,1,1`, `2013-10-07T00:00:0${i % 10}.${i}2Z,1.1,${h},1,1`,
            `2013-10-07T00:00:0${i % 10}.${i}3Z,1.1,1.2,${h},1`, `2013-10-07T00:00:0${i % 10}.${i}4Z,1.1,1.2,1,${h}`));
        const q = await importCsv('quotes.csv', quotes, { ...QUOTES, columns: { time: 0, bid: 1, ask: 2, bidSize: 3, askSize: 4 } }, { outOfOrderToleranceUs: DAY });
        expect(q.rows).to.equal(1);
        const qq = await quarantine(q);
        expect(qq.length).to.equal(4 * HUGE.length);
        const names = ['bid', 'ask', 'bid size', 'ask size'];
        qq.forEach((reason, i) => expect(reason, quotes[i + 2]).to.match(new RegExp(`: ${names[i % 4]}: (out of range|not a number|too many digits)$`)));
        const bars = ['time,open,high,low,close,volume', `${base},1.1,1.2,1.0,1.1,5`];
        HUGE.forEach((h, i) => bars.push(`${base + MINUTE * (1 + 2 * i)},1.1,${h},1.0,1.1,5`, `${base + MINUTE * (2 + 2 * i)},1.1,1.2,1.0,1.1,${h}`));
        const b = await importCsv('bars.csv', bars, BARS);
        expect(b.rows).to.equal(1);
        const bq = await quarantine(b);
        expect(bq.length).to.equal(2 * HUGE.length);
        bq.forEach((reason, i) => expect(reason, bars[i + 2]).to.match(i % 2 ? /: volume: / : /: open\/high\/low\/close: /));
        // Nothing wrapped or zero made it in.
        expect(Number(await db.scalar('SELECT count(*) FROM trades WHERE price_ticks <> 110000 OR size <> 1'))).to.equal(0);
        expect(Number(await db.scalar(`SELECT count(*) FROM bars WHERE origin = 'import' AND (high_ticks <> 120000 OR volume <> 5)`))).to.equal(0);
    });

    it('quarantines binary records whose prices, sizes or times are beyond what the store holds', async () => {
        const spec = importer.catalog.lookup('SPY', 'usa')!;
        const base = 1381132800000000;
        // Our own format: i64 tick counts beyond 2^53 (a double cannot hold them) and a time past 2199.
        const n = 6;
        const time = new Float64Array([base, base + 1, base + 2, base + 3, 2 ** 62, base + 5]);
        const price = new Float64Array([16741, 2 ** 60, 16741, 16741, 16741, 16742]);
        const size = new Float64Array([100, 100, 2 ** 62, 100, 100, 100]);
        const encoded = encodeBinaryTicks(spec, 'trades', { count: n, time, price, size, flags: new Int32Array(n) });
        // 2^53 + 1 exactly, written as an integer (encodeBinaryTicks takes doubles).
        encoded.writeBigInt64LE(2n ** 53n + 1n, encoded.length - 3 * 28 + 8);
        const own = await importer.import({ paths: [write('spy.btb', encoded)], computeDerived: false });
        expect(own.rows).to.equal(2);
        const reasons = (await importer.repo.getQuarantine(own.importId)).map(r => r.reason);
        expect(reasons).to.have.length(4);
        expect(reasons[0]).to.match(/^price(_ticks)?: /);
        expect(reasons[1]).to.match(/^size: /);
        expect(reasons[2]).to.match(/^price(_ticks)?: /);
        expect(reasons[3]).to.match(/^time(_us)?: /);
        // A declared layout of doubles: huge, infinite and NaN prices and sizes.
        const layout: BinaryLayout = {
            kind: 'trades', headerBytes: 0, recordSize: 24, littleEndian: true, timeUnit: 'us',
            fields: [{ name: 'time', type: 'i64', offset: 0 }, { name: 'price', type: 'f64', offset: 8 }, { name: 'size', type: 'f64', offset: 16 }]
        };
        const values: [number, number][] = [[167.41, 100], [1e308, 100], [1e17, 100], [1e20, 100], [-1e20, 100], [Infinity, 100], [NaN, 100],
            [167.41, 1e20], [167.41, Infinity], [167.41, 1e308], [167.42, 100]];
        const records = Buffer.alloc(values.length * 24);
        values.forEach(([p, s], i) => {
            records.writeBigInt64LE(BigInt(base + 10 + i), i * 24);
            records.writeDoubleLE(p, i * 24 + 8);
            records.writeDoubleLE(s, i * 24 + 16);
        });
        const foreign = await importer.import({ paths: [write('foreign.bin', records)], format: 'binary', binaryLayout: layout,
            instrument: { symbol: 'SPY', venue: 'usa' }, computeDerived: false });
        expect(foreign.rows).to.equal(2);
        const fq = (await importer.repo.getQuarantine(foreign.importId)).map(r => r.reason);
        expect(fq).to.have.length(values.length - 2);
        fq.forEach((reason, i) => expect(reason, String(values[i + 1])).to.match(i < 6 ? /^price: (out of range|not a number)/ : /^size: (out of range|not a number)/));
        expect(Number(await db.scalar('SELECT count(*) FROM trades WHERE price_ticks NOT IN (16741, 16742) OR size <> 100'))).to.equal(0);
    });

    it('quarantines the huge prices, sizes and times an import source (a plugin) gives, naming the field', async () => {
        const t0 = Date.UTC(2024, 0, 2) * 1000;
        const rows: ImportSourceRows = {
            time: Float64Array.from([t0, t0 + 1, t0 + 2, t0 + 3, t0 + 4, 2 ** 62, 1e300, -(2 ** 60), t0 + 8]),
            price: Float64Array.from([100.25, 1e20, 1e308, Infinity, 100.25, 100.25, 100.25, 100.25, 100.26]),
            size: Float64Array.from([1, 1, 1, 1, 1e20, 1, 1, 1, 2]),
            rejected: []
        };
        const source: ImportSourceDescriptor = { id: 'test.huge', label: 'Huge', fileExtensions: ['.huge'], origin: { kind: 'extension', id: '@test/huge' } };
        const contribution: ImportSourceContribution = {
            getImportSources: async () => [source],
            readImportFile: async () => rows
        };
        const own = new DataImporter(db, importer.catalog, new ImportSourceRegistry([contribution]));
        const result = await own.import({ paths: [write('x.huge', 'x')], instrument: { symbol: 'TESTHUGE', venue: 'test', tickSize: 0.01 } });
        expect(result.rows).to.equal(2);
        const q = await own.repo.getQuarantine(result.importId);
        expect(q.map(r => r.reason.split(':')[0])).to.deep.equal(['price', 'price', 'price', 'size', 'time', 'time', 'time']);
        expect(q.slice(0, 4).map(r => r.reason.split(': ')[1])).to.deep.equal(['out of range', 'out of range', 'out of range', 'out of range']);
        expect(Number(await db.scalar('SELECT count(*) FROM trades WHERE price_ticks NOT IN (10025, 10026) OR size NOT IN (1, 2)'))).to.equal(0);
        // The rows without a storable time count against no day of the quality report.
        expect((await new DataQuality(db).report(result.datasets[0]))!.untimedQuarantined).to.equal(3);
    });

    it('quarantines FIX prices and sizes beyond 2^53 ticks and impossible FIX dates and times', async () => {
        const define = fixMessage([[35, 'd'], [55, 'EURUSD'], [969, '0.00001'], [207, 'FXV']]);
        const entry = (seq: number, time: string, price: string, size: string): string => fixMessage([[35, 'X'], [34, seq], [52, time], [268, 1],
            [279, 0], [269, 2], [55, 'EURUSD'], [270, price], [271, size]]);
        const rows: [string, string, string][] = [['20140501-12:00:00.000', '1.38676', '1'], ...HUGE.map((h): [string, string, string] =>
            ['20140501-12:00:01.000', h, '1']), ...HUGE.map((h): [string, string, string] => ['20140501-12:00:02.000', '1.38676', h]),
        ['20140231-12:00:03.000', '1.38676', '1'], ['20140501-24:00:00.000', '1.38676', '1'], ['20140501-12:60:00.000', '1.38676', '1'],
        ['20140501-12:00:60.000', '1.38676', '1'], ['20140431-12:00:00.000', '1.38676', '1'], ['20140501-12:00:04.000', '1.38677', '2']];
        const file = write('edge.fix', [define, ...rows.map((r, i) => entry(i + 1, ...r))].join('\n'));
        const result = await importer.import({ paths: [file], computeDerived: false });
        expect(result.rows).to.equal(2);
        const q = await importer.repo.getQuarantine(result.importId);
        expect(q.length).to.equal(rows.length - 2);
        q.slice(0, HUGE.length).forEach((r, i) => expect(r.reason, HUGE[i]).to.match(/price: (out of range|not a number|too many digits)/));
        q.slice(HUGE.length, 2 * HUGE.length).forEach((r, i) => expect(r.reason, HUGE[i]).to.match(/size: (out of range|not a number|too many digits)/));
        q.slice(2 * HUGE.length).forEach(r => expect(r.reason).to.match(/time/));
        expect(Number(await db.scalar('SELECT count(*) FROM trades WHERE price_ticks NOT IN (138676, 138677)'))).to.equal(0);
    });
});
