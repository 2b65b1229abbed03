import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { CsvFormatOptions, DatasetErrors, ImportRequest, ImportResult } from '../common/dataset-protocol';
import { encodeBinaryTicks } from './binary-tick-format';
import { DataImporter } from './data-importer';
import { DatasetExporter } from './dataset-exporter';
import { InstrumentCatalog } from './instrument-catalog';
import { makeZip, SHARED_DATA, tempDatabase, tempDir, unzipText } from './test-support/test-files';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const SPY_DAY = path.join(SHARED_DATA, 'spy-trades-2013-10', '20131007_trade.zip');

async function expectError(promise: Promise<unknown>): Promise<Error & { code?: number }> {
    try {
        await promise;
    } catch (error) {
        return error as Error & { code?: number };
    }
    throw new Error('expected the import to fail');
}

async function counts(db: WorkspaceDatabase): Promise<string> {
    const rows = await db.all(`SELECT (SELECT count(*) FROM trades) AS trades, (SELECT count(*) FROM quotes) AS quotes,
        (SELECT count(*) FROM bars) AS bars, (SELECT count(*) FROM quarantine) AS quarantine, (SELECT count(*) FROM instruments) AS instruments,
        (SELECT count(*) FROM import_files) AS files`);
    return JSON.stringify(rows[0], (_k, v) => typeof v === 'bigint' ? Number(v) : v);
}

const EPOCH_QUOTES: CsvFormatOptions = {
    kind: 'quotes', delimiter: ',', header: true, columns: { time: 0, bid: 1, ask: 2 },
    timestampFormat: 'epoch-ms', timeZone: 'UTC', priceScale: 0
};

describe('data import: corrupt and hostile input', function (): void {
    this.timeout(60_000);
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

    const importCsv = (file: string, csv: CsvFormatOptions, extra: Partial<ImportRequest> = {}): Promise<ImportResult> =>
        importer.import({ paths: [file], csv, instrument: { symbol: 'EURUSD', venue: 'oanda' }, computeDerived: false, ...extra });

    it('quarantines a line of garbage in the middle of a real Lean file with its exact line number', async () => {
        const lines = unzipText(SPY_DAY).split('\n').slice(0, 1000);
        lines.splice(499, 0, 'garbage, not a trade at all');
        const zip = write('20131007_trade.zip', makeZip({ '20131007_spy_Trade_Tick.csv': lines.join('\n') }));
        const result = await importer.import({ paths: [zip], computeDerived: false });
        expect(result.presetId).to.equal('lean-equity-trades');
        expect(result.rows).to.equal(1000);
        expect(result.quarantined).to.equal(1);
        const [row] = await importer.repo.getQuarantine(result.importId);
        expect(row.line).to.equal(500);
        expect(row.raw).to.equal('garbage, not a trade at all');
        expect(row.file).to.equal(`${zip}/20131007_spy_Trade_Tick.csv`);
        expect(row.reason).to.match(/expected 6 fields/);
    });

    it('gives the same result when the files of a folder are parsed in worker threads', async () => {
        const lines = unzipText(SPY_DAY).split('\n');
        const folder = path.join(dir, 'spy');
        fs.mkdirSync(folder);
        for (let day = 7; day <= 10; day++) {
            const part = lines.slice((day - 7) * 300, (day - 6) * 300);
            if (day === 9) {
                part.splice(41, 0, `${part[40].split(',')[0]},0,100,P,20002000,0`);
            }
            fs.writeFileSync(path.join(folder, `201310${String(day).padStart(2, '0')}_trade.zip`),
                makeZip({ [`201310${String(day).padStart(2, '0')}_spy_Trade_Tick.csv`]: part.join('\n') }));
        }
        const result = await importer.import({ paths: [folder], computeDerived: false });
        expect([result.rows, result.quarantined, result.files.length]).to.deep.equal([1200, 1, 4]);
        const [q] = await importer.repo.getQuarantine(result.importId);
        expect([path.basename(q.file), q.line, q.reason]).to.deep.equal(['20131009_spy_Trade_Tick.csv', 42, 'non-positive price']);
        const ticks = await importer.repo.readTicks(result.datasets[0]);
        expect(ticks.count).to.equal(1200);
        for (let i = 1; i < ticks.count; i++) {
            expect(ticks.time[i] >= ticks.time[i - 1]).to.equal(true);
        }
    });

    it('fails a truncated zip with one error naming the file and leaves the database as it was', async () => {
        const full = fs.readFileSync(SPY_DAY);
        const zip = write('20131008_trade.zip', full.subarray(0, Math.floor(full.length / 2)));
        const before = await counts(db);
        const error = await expectError(importer.import({ paths: [zip] }));
        expect(DatasetErrors.CorruptFile.is(error)).to.equal(true);
        expect(error.message).to.contain(zip).and.to.match(/truncated|not a complete zip/);
        expect(await counts(db)).to.equal(before);
    });

    it('reports a file with the wrong delimiter once, not row by row', async () => {
        const file = write('DAT_ASCII_EURUSD_M1_201701.csv', '20170102 020000,1.051550,1.051970,1.051550,1.051900,0\n'.repeat(50));
        const error = await expectError(importer.import({ paths: [file], presetId: 'histdata-m1' }));
        expect(DatasetErrors.FormatMismatch.is(error)).to.equal(true);
        expect(error.message).to.contain(file).and.to.contain("looks ','-delimited");
        expect(await db.scalar('SELECT count(*) FROM quarantine')).to.equal(0n);
    });

    it('quarantines rows whose time is in another format, with their line numbers', async () => {
        const rows = ['time,bid,ask'];
        for (let i = 0; i < 30; i++) {
            const ms = 1398902400000 + i * 1000;
            rows.push(i % 10 === 5 ? `${new Date(ms).toISOString()},1.38676,1.38686` : `${ms},1.38676,1.38686`);
        }
        const result = await importCsv(write('mixed.csv', rows.join('\r\n')), EPOCH_QUOTES);
        expect(result.rows).to.equal(27);
        const q = await importer.repo.getQuarantine(result.importId);
        expect(q.map(r => r.line)).to.deep.equal([7, 17, 27]);
        expect(q.every(r => r.reason === 'unparseable time')).to.equal(true);
    });

    it('quarantines zero prices, crossed quotes, off-grid prices, out-of-order and (on request) duplicate rows', async () => {
        const rows = [
            'time,bid,ask',
            '1398902400000,1.38676,1.38686',
            '1398902401000,0,1.38686',
            '1398902402000,1.38696,1.38686',
            '1398902403000,1.386761,1.38686',
            '1398902404000,1.38676,1.38686',
            '1398902404000,1.38676,1.38686',
            '1398902403500,1.38676,1.38686',
            '1398902405000,abc,1.38686',
            '1398902406000,1.38677,1.38687'
        ];
        const result = await importCsv(write('bad.csv', rows.join('\n')), EPOCH_QUOTES, { duplicates: 'quarantine' });
        expect(result.rows).to.equal(3);
        const q = await importer.repo.getQuarantine(result.importId);
        expect(q.map(r => [r.line, r.reason.split(':')[0]])).to.deep.equal([
            [3, 'non-positive price'], [4, 'crossed quote'], [5, 'bid'], [7, 'duplicate of the previous row'], [8, 'out of order'], [9, 'bid']
        ]);
        expect(q[2].reason).to.contain('not a multiple of 0.00001');
    });

    it('skips a file imported before instead of duplicating its ticks', async () => {
        const lines = unzipText(SPY_DAY).split('\n').slice(0, 200).join('\n');
        const zip = write('20131007_trade.zip', makeZip({ '20131007_spy_Trade_Tick.csv': lines }));
        await importer.import({ paths: [zip], computeDerived: false });
        const again = await importer.import({ paths: [zip], computeDerived: false });
        expect(again.rows).to.equal(0);
        expect(again.files[0].note).to.match(/already imported/);
        expect(await db.scalar('SELECT count(*) FROM trades')).to.equal(200n);
    });

    it('parses every file of a folder in the workers: skips the ones imported before, quarantines with the file and line of each bad row', async () => {
        const lines = unzipText(SPY_DAY).split('\n').slice(0, 300);
        const day = (d: number, text: string[]): string =>
            write(`2013100${d}_trade.zip`, makeZip({ [`2013100${d}_spy_Trade_Tick.csv`]: text.join('\n') }));
        const first = day(7, lines.slice(0, 200));
        await importer.import({ paths: [first], computeDerived: false });
        const bad = [...lines];
        bad.splice(4, 0, 'garbage in the middle');
        const second = day(8, bad);
        const third = day(9, lines.slice(0, 100));
        const result = await importer.import({ paths: [first, second, third], computeDerived: false });
        expect(result.rows).to.equal(400);
        expect(result.files.map(f => [f.rows, f.quarantined, f.note ?? ''])).to.deep.equal([
            [0, 0, `skipped: already imported by import #${result.importId - 1}`], [300, 1, ''], [100, 0, '']
        ]);
        const q = await importer.repo.getQuarantine(result.importId);
        expect(q.map(r => [r.file, r.line, r.raw])).to.deep.equal([[`${second}/20131008_spy_Trade_Tick.csv`, 5, 'garbage in the middle']]);
        expect(await db.scalar('SELECT count(*) FROM import_files')).to.equal(3n);
        expect(await db.scalar('SELECT count(*) FROM trades')).to.equal(600n);
    });

    it('cancels an import of several files parsed by the workers after its first file, leaving the database as before', async () => {
        const lines = unzipText(SPY_DAY).split('\n').slice(0, 2000);
        const days = [7, 8, 9].map(d => write(`2013100${d}_trade.zip`, makeZip({ [`2013100${d}_spy_Trade_Tick.csv`]: lines.join('\n') })));
        const before = await counts(db);
        const controller = new AbortController();
        const seen: number[] = [];
        const error = await expectError(importer.import({ paths: days }, {
            signal: controller.signal,
            onProgress: p => {
                seen.push(p.filesDone);
                if (p.filesDone >= 1) {
                    controller.abort();
                }
            }
        }));
        expect(DatasetErrors.ImportCancelled.is(error)).to.equal(true);
        expect(Math.max(...seen)).to.equal(1);
        expect(await counts(db)).to.equal(before);
        expect((await importer.repo.listImports())[0].status).to.equal('cancelled');
        // The workers are free again: the same files import whole.
        const result = await importer.import({ paths: days, computeDerived: false });
        expect(result.rows).to.equal(6000);
    });

    it('leaves the database as before when an import is cancelled mid-way, and it reopens', async () => {
        const first = unzipText(SPY_DAY).split('\n').slice(0, 100).join('\n');
        await importer.import({ paths: [write('20131004_trade.zip', makeZip({ '20131004_spy_Trade_Tick.csv': first }))], computeDerived: false });
        const before = await counts(db);
        const controller = new AbortController();
        const error = await expectError(importer.import({ paths: [SPY_DAY] }, {
            signal: controller.signal,
            onProgress: p => p.rows > 100_000 && controller.abort()
        }));
        expect(DatasetErrors.ImportCancelled.is(error)).to.equal(true);
        expect(await counts(db)).to.equal(before);
        const imports = await importer.repo.listImports();
        expect(imports[0].status).to.equal('cancelled');
        db.close();
        db = await tempDatabase(dir);
        expect(await counts(db)).to.equal(before);
    });

    it('imports the complete records of a binary file cut mid-record and quarantines the fragment', async () => {
        const spec = importer.catalog.lookup('SPY', 'usa')!;
        const n = 1000;
        const time = new Float64Array(n).map((_, i) => 1381132800000000 + i * 1000);
        const encoded = encodeBinaryTicks(spec, 'trades', {
            count: n, time, price: new Float64Array(n).fill(16741), size: new Float64Array(n).fill(100), flags: new Int32Array(n)
        });
        const file = write('spy.btb', encoded.subarray(0, encoded.length - 10));
        const result = await importer.import({ paths: [file], computeDerived: false });
        expect(result.rows).to.equal(n - 1);
        expect(result.warnings.join()).to.contain('cut mid-record');
        const [q] = await importer.repo.getQuarantine(result.importId);
        expect(q.reason).to.match(/^truncated record/);
        expect(q.byteOffset).to.equal(encoded.length - 28);
    });

    it('round-trips ticks through the binary format and exports Parquet and CSV with exact prices', async () => {
        const lines = unzipText(SPY_DAY).split('\n').slice(0, 500);
        const zip = write('20131007_trade.zip', makeZip({ '20131007_spy_Trade_Tick.csv': lines.join('\n') }));
        const result = await importer.import({ paths: [zip] });
        const key = result.datasets[0];
        const exporter = new DatasetExporter(db);
        const btb = await exporter.export(key, 'btb', path.join(dir, 'out', 'spy.btb'));
        const csv = await exporter.export(key, 'csv', path.join(dir, 'out', 'spy.csv'));
        const parquet = await exporter.export(key, 'parquet', path.join(dir, 'out', 'spy.parquet'));
        expect([btb.rows, csv.rows, parquet.rows]).to.deep.equal([500, 500, 500]);
        const csvLines = fs.readFileSync(csv.path, 'utf8').trim().split('\n');
        expect(csvLines[1].split(',')[1]).to.equal('2013-10-07T08:00:00.464000Z');
        expect(csvLines.slice(1).map(l => Math.round(Number(l.split(',')[2]) * 10000))).to.deep.equal(lines.map(l => Number(l.split(',')[1])));
        const other = await tempDatabase(tempDir());
        try {
            const back = await new DataImporter(other, importer.catalog).import({ paths: [btb.path], computeDerived: false });
            expect(back.rows).to.equal(500);
            const a = await importer.repo.readTicks(key);
            const b = await back.datasets.length ? await new DataImporter(other).repo.readTicks(back.datasets[0]) : undefined;
            expect(Array.from(b!.time)).to.deep.equal(Array.from(a.time));
            expect(Array.from(b!.price!)).to.deep.equal(Array.from(a.price!));
        } finally {
            other.close();
        }
    });
});
