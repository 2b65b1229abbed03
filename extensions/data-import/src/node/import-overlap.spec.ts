import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DataImporter } from './data-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { SHARED_DATA, tempDatabase, tempDir, unzipText } from './test-support/test-files';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const MINUTE_DAY = path.join(SHARED_DATA, 'spy-minute-vendor-2013-10', '20131007_trade.zip');

describe('re-import of stored days from another file: the overlap policy', function (): void {
    this.timeout(120_000);
    let dir: string;
    let db: WorkspaceDatabase;
    let importer: DataImporter;
    let bars: string[];
    let again: string;

    beforeEach(async () => {
        dir = tempDir();
        db = await tempDatabase(dir);
        importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
        bars = unzipText(MINUTE_DAY).split('\n').filter(l => l.length > 0);
        const first = await importer.import({ paths: [MINUTE_DAY] });
        expect(first.rows).to.equal(bars.length);
        // Another file of the same day (a different export of it: the afternoon's bars only, so another content hash).
        again = path.join(dir, '20131007_spy_minute_trade.csv');
        fs.writeFileSync(again, bars.slice(200).join('\n'));
    });

    afterEach(() => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const dataset = async (): Promise<{ rows: number; quarantined: number }> => {
        const [d] = await importer.repo.listDatasets();
        return { rows: d.tickCount, quarantined: d.quarantinedRows };
    };

    it('skips the rows of a stored day by default, says so per file, and leaves the dataset\'s counts true', async () => {
        const result = await importer.import({ paths: [again] });
        expect(result.rows).to.equal(0);
        expect(result.quarantined).to.equal(0);
        expect(result.files[0].skipped).to.equal(bars.length - 200);
        expect(result.warnings.join('\n')).to.match(/20131007_spy_minute_trade\.csv: \d+ rows skipped: SPY@usa bars already stores their times.*--overlap quarantine/);
        expect(await dataset()).to.deep.equal({ rows: bars.length, quarantined: 0 });
    });

    it('records each such row in the quarantine when asked (--overlap quarantine)', async () => {
        const result = await importer.import({ paths: [again], overlap: 'quarantine' });
        expect(result.rows).to.equal(0);
        expect(result.quarantined).to.equal(bars.length - 200);
        expect(result.files[0].skipped).to.equal(undefined);
        expect(await dataset()).to.deep.equal({ rows: bars.length, quarantined: bars.length - 200 });
    });
});
