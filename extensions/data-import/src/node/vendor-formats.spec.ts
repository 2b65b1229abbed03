import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DatasetKey, ExportFormat } from '../common/dataset-protocol';
import { detectPreset, sniffCsv } from './csv-presets';
import { DataImporter } from './data-importer';
import { DatasetExporter } from './dataset-exporter';
import { InstrumentCatalog } from './instrument-catalog';
import { makeZip, SHARED_DATA, tempDatabase, tempDir, unzipText } from './test-support/test-files';
import { num, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const SPY_MINUTE = path.join(SHARED_DATA, 'spy-minute-vendor-2013-10');
const SPY_TICKS = path.join(SHARED_DATA, 'spy-trades-2013-10', '20131007_trade.zip');
const EUR_TICKS = path.join(SHARED_DATA, 'eurusd-quotes-2014-05', '20140501_quote.zip');
/** New York is UTC-4 (daylight saving) through October 2013. */
const NY_OFFSET_US = 4 * 3_600_000_000;
const dayUs = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) * 1000;

/** Rows of a headerless Lean file (no trailing newline). */
const rows = (text: string): string[][] => text.split(/\r?\n/).filter(l => l.length > 0).map(l => l.split(','));

async function storedBars(db: WorkspaceDatabase): Promise<string[]> {
    const r = await db.all(`SELECT timeframe, time_us, open_ticks, high_ticks, low_ticks, close_ticks, volume FROM bars WHERE origin = 'import' ORDER BY time_us`);
    return r.map(x => [x.timeframe, num(x.time_us), num(x.open_ticks), num(x.high_ticks), num(x.low_ticks), num(x.close_ticks), num(x.volume)].join(','));
}

describe('vendor formats: times, Lean bar presets, byte order marks, export round trips', function (): void {
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
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
        return file;
    };

    it('imports a Lean minute bar file (detected) as exactly its bars: NY times from the file name, prices x10000 on the 0.01 grid', async () => {
        const file = path.join(SPY_MINUTE, '20131007_trade.zip');
        const result = await importer.import({ paths: [file], computeDerived: false });
        expect(result.presetId).to.equal('lean-equity-minute-bars');
        const expected = rows(unzipText(file)).map(f => ['1m', dayUs(2013, 10, 7) + Number(f[0]) * 1000 + NY_OFFSET_US,
            ...f.slice(1, 5).map(p => Number(p) / 100), Number(f[5])].join(','));
        expect(result.quarantined).to.equal(0);
        expect(result.rows).to.equal(expected.length);
        expect(await storedBars(db)).to.deep.equal(expected);
        const datasets = await importer.repo.listDatasets();
        expect(datasets.map(d => `${d.symbol}@${d.venue} ${d.kind}`)).to.deep.equal(['SPY@usa bars']);
    });

    it('reads fractional milliseconds since midnight (43.142) to the microsecond, and drops digits below it toward the earlier one', async () => {
        // Real SPY ticks, each given a fraction of a millisecond.
        const real = rows(unzipText(SPY_TICKS)).slice(0, 300);
        // Rising within each millisecond, so the rows stay in time order.
        const fractions = real.map((f, i) => {
            let k = 0;
            while (k < i && real[i - k - 1][0] === f[0]) {
                k++;
            }
            return String(100 + k * 7).padStart(3, '0') + (i % 2 ? '9' : '');
        });
        const text = real.map((f, i) => [`${f[0]}.${fractions[i]}`, ...f.slice(1)].join(',')).join('\n');
        const file = write('20131007_spy_trade_tick.csv', text);
        const result = await importer.import({ paths: [file], computeDerived: false });
        expect(result.presetId).to.equal('lean-equity-trades');
        expect(result.quarantined).to.equal(0);
        const ticks = await importer.repo.readTicks(result.datasets[0]);
        const times = Array.from(ticks.time as ArrayLike<number | bigint>, Number);
        const expected = real.map((f, i) => dayUs(2013, 10, 7) + NY_OFFSET_US + Number(f[0]) * 1000 + Number(fractions[i].slice(0, 3)));
        expect(times).to.deep.equal([...expected].sort((a, b) => a - b));
    });

    it('detects Lean hour and daily bars (YYYYMMDD HH:MM) made from real minute bars and stores them exactly', async () => {
        const days = ['20131007', '20131008', '20131009'];
        const hourly: string[] = [];
        const daily: string[] = [];
        const expectedHour: string[] = [];
        const expectedDay: string[] = [];
        for (const day of days) {
            const bars = rows(unzipText(path.join(SPY_MINUTE, `${day}_trade.zip`)));
            const base = dayUs(Number(day.slice(0, 4)), Number(day.slice(4, 6)), Number(day.slice(6)));
            for (const f of bars.filter(b => Number(b[0]) % 3_600_000 === 0)) {
                const ms = Number(f[0]);
                const hhmm = `${String(Math.floor(ms / 3_600_000)).padStart(2, '0')}:00`;
                hourly.push([`${day} ${hhmm}`, ...f.slice(1)].join(','));
                expectedHour.push(['1H', base + ms * 1000 + NY_OFFSET_US, ...f.slice(1, 5).map(p => Number(p) / 100), Number(f[5])].join(','));
            }
            const first = bars[0];
            daily.push([`${day} 00:00`, ...first.slice(1)].join(','));
            expectedDay.push(['1D', base + NY_OFFSET_US, ...first.slice(1, 5).map(p => Number(p) / 100), Number(first[5])].join(','));
        }
        expect(hourly.length).to.be.greaterThan(20);
        const hourFile = write('equity/usa/hour/spy.zip', makeZip({ 'spy.csv': hourly.join('\n') }));
        const hour = await importer.import({ paths: [hourFile], computeDerived: false });
        expect(hour.presetId).to.equal('lean-equity-hour-bars');
        expect(hour.quarantined).to.equal(0);
        expect(await storedBars(db)).to.deep.equal(expectedHour);
        // Daily bars into a workspace of their own (the hourly bars cover these days).
        db.close();
        fs.mkdirSync(path.join(dir, 'db'));
        db = await tempDatabase(path.join(dir, 'db'));
        importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
        const dayFile = write('equity/usa/daily/spy.zip', makeZip({ 'spy.csv': daily.join('\n') }));
        const dailyResult = await importer.import({ paths: [dayFile], computeDerived: false });
        expect(dailyResult.presetId).to.equal('lean-equity-daily-bars');
        expect(await storedBars(db)).to.deep.equal(expectedDay);
    });

    it('detects a file whose first line follows a UTF-8 byte order mark, and imports every row of it', async () => {
        const file = path.join(SPY_MINUTE, '20131008_trade.zip');
        const text = unzipText(file);
        const bom = write('20131008_spy_minute_trade.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'latin1')]));
        const result = await importer.import({ paths: [bom], computeDerived: false });
        expect(result.presetId).to.equal('lean-equity-minute-bars');
        expect(result.quarantined).to.equal(0);
        expect(result.rows).to.equal(rows(text).length);
        // The wizard's sniffer reads the header of a headered file behind a BOM too.
        const sniffed = sniffCsv(['\uFEFFtime,bid,ask', '1398902400000,1.38686,1.38696']);
        expect(sniffed?.header).to.equal(true);
        expect(sniffed?.columns).to.deep.equal({ time: 0, bid: 1, ask: 2 });
        expect(detectPreset('20131008_spy_minute_trade.csv', '\uFEFF' + text.split('\n')[0])?.preset.id).to.equal('lean-equity-minute-bars');
    });

    /** Imports `source`, exports it as `format`, imports the export into a fresh workspace: both stores' rows. */
    async function roundTrip(source: string, kind: 'trades' | 'quotes', format: ExportFormat, symbol: string, venue: string)
        : Promise<{ before: unknown; after: unknown; presetId?: string }> {
        const first = await importer.import({ paths: [source], computeDerived: false });
        const key: DatasetKey = first.datasets.find(d => d.kind === kind)!;
        const target = path.join(dir, `export.${format}`);
        await new DatasetExporter(db).export(key, format, target);
        const otherDir = tempDir();
        const other = await tempDatabase(otherDir);
        try {
            const second = new DataImporter(other, InstrumentCatalog.fromDataDir(SHARED_DATA));
            const result = await second.import({ paths: [target], instrument: { symbol, venue }, computeDerived: false });
            expect(result.quarantined).to.equal(0);
            const plain = (t: object): Record<string, number[]> => Object.fromEntries(Object.entries(t)
                .filter(([, v]) => ArrayBuffer.isView(v)).map(([k, v]) => [k, Array.from(v as ArrayLike<number | bigint>, x => Number(x))]));
            return { before: plain(await importer.repo.readTicks(key)), after: plain(await second.repo.readTicks(result.datasets[0])), presetId: result.presetId };
        } finally {
            other.close();
            fs.rmSync(otherDir, { recursive: true, force: true });
        }
    }

    it('re-imports its own CSV export of real trades identical row for row (times, prices, sizes, flags)', async () => {
        const { before, after, presetId } = await roundTrip(SPY_TICKS, 'trades', 'csv', 'SPY', 'usa');
        expect(presetId).to.equal('backtestr-trades-csv');
        expect(after).to.deep.equal(before);
    });

    it('re-imports its own CSV export of real quotes identical row for row', async () => {
        const { before, after, presetId } = await roundTrip(EUR_TICKS, 'quotes', 'csv', 'EURUSD', 'oanda');
        expect(presetId).to.equal('backtestr-quotes-csv');
        expect(after).to.deep.equal(before);
    });

    it('re-imports its own Parquet export of real trades and quotes identical row for row', async () => {
        const trades = await roundTrip(SPY_TICKS, 'trades', 'parquet', 'SPY', 'usa');
        expect(trades.after).to.deep.equal(trades.before);
        const quotes = await roundTrip(EUR_TICKS, 'quotes', 'parquet', 'EURUSD', 'oanda');
        expect(quotes.after).to.deep.equal(quotes.before);
    });

    it('re-imports its own .btb export of real trades identical row for row', async () => {
        const { before, after } = await roundTrip(SPY_TICKS, 'trades', 'btb', 'SPY', 'usa');
        expect(after).to.deep.equal(before);
    });
});
