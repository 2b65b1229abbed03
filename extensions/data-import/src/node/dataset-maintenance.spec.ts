import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { CsvFormatOptions, DatasetErrors, DatasetKey } from '../common/dataset-protocol';
import { DataImporter } from './data-importer';
import { DataQuality, median } from './data-quality';
import { InstrumentCatalog } from './instrument-catalog';
import { makeZip, SHARED_DATA, tempDatabase, tempDir, unzipText } from './test-support/test-files';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const SPY_DAY = path.join(SHARED_DATA, 'spy-trades-2013-10', '20131007_trade.zip');

const TRADES: CsvFormatOptions = {
    kind: 'trades', delimiter: ',', header: true, columns: { time: 0, price: 1, size: 2 }, timestampFormat: 'iso8601', timeZone: 'UTC', priceScale: 0
};

async function snapshot(db: WorkspaceDatabase): Promise<string> {
    const rows = await db.all(`SELECT (SELECT count(*) FROM trades) AS trades, (SELECT sum(price_ticks * 7 + time_us % 1000003) FROM trades) AS digest,
        (SELECT count(*) FROM bars) AS bars, (SELECT count(*) FROM quarantine) AS quarantine, (SELECT count(*) FROM quality_days) AS quality,
        (SELECT count(*) FROM import_files) AS files`);
    return JSON.stringify(rows[0], (_k, v) => typeof v === 'bigint' ? Number(v) : v);
}

describe('datasets: re-import, delete, dataset quality score', function (): void {
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

    const spyZip = (lines: string[]): string => {
        const file = path.join(dir, '20131007_trade.zip');
        fs.writeFileSync(file, makeZip({ '20131007_spy_Trade_Tick.csv': lines.join('\n') }));
        return file;
    };

    it('re-imports a dataset from its recorded source: same ticks, quarantine not doubled, derived data rebuilt', async () => {
        const lines = unzipText(SPY_DAY).split('\n').slice(0, 2000);
        lines.splice(999, 0, 'garbage, not a trade at all');
        const zip = spyZip(lines);
        const first = await importer.import({ paths: [zip] });
        expect([first.rows, first.quarantined]).to.deep.equal([2000, 1]);
        const before = await snapshot(db);
        const key = first.datasets[0];
        const request = await importer.reimportRequest(key);
        expect(request.paths).to.deep.equal([zip]);
        expect(request.replace).to.deep.equal(key);
        const again = await importer.import(request);
        expect([again.rows, again.quarantined]).to.deep.equal([2000, 1]);
        expect(again.files[0].note).to.equal(undefined);
        expect(await snapshot(db)).to.equal(before);
        const [summary] = await importer.repo.listDatasets();
        expect(summary.quarantinedRows).to.equal(1);
        expect((await importer.repo.getQuarantine(again.importId))[0].line).to.equal(1000);
    });

    it('keeps the stored data when a re-import fails inside its transaction', async () => {
        const zip = spyZip(unzipText(SPY_DAY).split('\n').slice(0, 500));
        const first = await importer.import({ paths: [zip] });
        const before = await snapshot(db);
        const request = await importer.reimportRequest(first.datasets[0]);
        // The source is now in another format: the import fails after it deleted the old rows in its transaction.
        fs.writeFileSync(zip, makeZip({ '20131007_spy_Trade_Tick.csv': 'a;b;c\n1;2;3\n4;5;6\n' }));
        let error: Error | undefined;
        try {
            await importer.import(request);
        } catch (e) {
            error = e as Error;
        }
        expect(error && DatasetErrors.FormatMismatch.is(error)).to.equal(true);
        expect(await snapshot(db)).to.equal(before);
        expect((await importer.repo.listImports())[0].status).to.equal('failed');
    });

    it('refuses to replay imports of one dataset made with different options', async () => {
        const a = path.join(dir, 'a.csv');
        const b = path.join(dir, 'b.csv');
        fs.writeFileSync(a, 'time,price,size\n2024-01-02T14:30:00Z,100.00,10\n');
        fs.writeFileSync(b, 'time,price,size\n2024-01-03T14:30:00Z,100.00,10\n');
        const instrument = { symbol: 'TESTCSV', venue: 'test', tickSize: 0.01 };
        const first = await importer.import({ paths: [a], csv: TRADES, instrument, computeDerived: false });
        await importer.import({ paths: [b], csv: TRADES, instrument, duplicates: 'quarantine', computeDerived: false });
        let error: Error | undefined;
        try {
            await importer.reimportRequest(first.datasets[0]);
        } catch (e) {
            error = e as Error;
        }
        expect(error?.message).to.match(/used different options/);
    });

    it('deletes a dataset with its bar cache, quality days, quarantine and file records; the file imports again', async () => {
        const lines = unzipText(SPY_DAY).split('\n').slice(0, 300);
        lines.splice(10, 0, 'garbage');
        const zip = spyZip(lines);
        const first = await importer.import({ paths: [zip] });
        await importer.repo.deleteDataset(first.datasets[0]);
        expect(await snapshot(db)).to.equal(JSON.stringify({ trades: 0, digest: null, bars: 0, quarantine: 0, quality: 0, files: 0 }));
        expect(await importer.repo.listDatasets()).to.deep.equal([]);
        const again = await importer.import({ paths: [zip] });
        expect([again.rows, again.quarantined]).to.deep.equal([300, 1]);
    });

    it('counts quarantined rows without a time against the dataset score, not against a day', async () => {
        const clean = ['time,price,size', '2024-01-02T14:30:00Z,100.00,10', '2024-01-02T14:30:01Z,100.01,5', '2024-01-02T14:30:03Z,100.02,7'];
        const dirty = [...clean.slice(0, 3), 'this is not a tick', 'also,not,a tick', clean[3]];
        const instrument = (symbol: string) => ({ symbol, venue: 'test', tickSize: 0.01, session: '24h' });
        const write = (name: string, lines: string[]): string => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, lines.join('\n') + '\n');
            return file;
        };
        const a = await importer.import({ paths: [write('clean.csv', clean)], csv: TRADES, instrument: instrument('CLEAN') });
        const b = await importer.import({ paths: [write('dirty.csv', dirty)], csv: TRADES, instrument: instrument('DIRTY') });
        expect(b.quarantined).to.equal(2);
        const quality = new DataQuality(db);
        const cleanReport = (await quality.report(a.datasets[0]))!;
        const dirtyReport = (await quality.report(b.datasets[0]))!;
        // The day itself is the same: the two rows have no time, so no day holds them.
        expect(dirtyReport.days.map(d => [d.day, d.tickCount, d.quarantined, d.score]))
            .to.deep.equal(cleanReport.days.map(d => [d.day, d.tickCount, d.quarantined, d.score]));
        expect([cleanReport.untimedQuarantined, dirtyReport.untimedQuarantined]).to.deep.equal([0, 2]);
        // 2 of 5 rows: 40 x min(1, 100 x 2 / 5) = 40 points off.
        expect(dirtyReport.score).to.equal(Math.max(0, cleanReport.score - 40));
        expect(dirtyReport.scoring).to.contain('untimed');
        const listed = new Map((await importer.repo.listDatasets()).map(d => [d.symbol, d.qualityScore]));
        expect(listed.get('DIRTY')).to.equal(dirtyReport.score);
        expect(listed.get('CLEAN')).to.equal(cleanReport.score);
        const recomputed = await quality.compute(b.datasets[0] as DatasetKey);
        expect(recomputed.score).to.equal(dirtyReport.score);
    });
});

describe('data quality: median by selection', () => {
    it('equals the median of the sorted values, with runs of equal values, odd and even counts, and leaves its input as it was', () => {
        let seed = 7;
        const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
        for (const n of [1, 2, 3, 4, 5, 10, 11, 1000, 1001, 65536, 65537]) {
            for (const distinct of [1, 2, 3, 50, 1e9]) {
                const values = new Float64Array(n + 3);
                for (let i = 0; i < values.length; i++) {
                    values[i] = Math.floor(random() * distinct) - distinct / 2;
                }
                const before = values.slice();
                const sorted = values.slice(0, n).sort();
                const expected = n % 2 ? sorted[(n - 1) >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
                expect(median(values, n), `n ${n}, ${distinct} distinct`).to.equal(expected);
                expect(values).to.deep.equal(before);
            }
        }
        const ascending = Float64Array.from({ length: 10000 }, (_, i) => i);
        expect(median(ascending, 10000)).to.equal(4999.5);
        expect(median(ascending.reverse(), 9999)).to.equal(5000);
        expect(median(new Float64Array(0), 0)).to.equal(0);
    });
});
