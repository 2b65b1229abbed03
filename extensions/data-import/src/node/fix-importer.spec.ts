import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DatasetErrors } from '../common/dataset-protocol';
import { DataImporter } from './data-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { fixMessage, marketDataMessage } from './test-support/fix-messages';
import { SHARED_DATA, tempDatabase, tempDir } from './test-support/test-files';
import { WorkspaceDatabase } from './workspace-database';

const T0 = Date.UTC(2014, 4, 1, 12) * 1000;

describe('FIX import', function (): void {
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

    it('imports the instruments of the real CME SecurityDefinition files and reports they hold no market data', async () => {
        const result = await importer.import({ paths: [path.join(SHARED_DATA, 'fix-cme-secdef')] });
        expect(result.format).to.equal('fix');
        expect(result.noMarketData).to.equal(true);
        expect(result.rows).to.equal(0);
        expect(result.quarantined).to.equal(0);
        expect(result.instrumentsDefined).to.equal(1515);
        expect(result.warnings.join(' ')).to.contain('no market data');
        const euro = await importer.repo.findInstrument('6EU4', 'XCME');
        expect(euro).to.include({ tickSize: 1, currency: 'USD', assetClass: 'future' });
        expect(await db.scalar(`SELECT count(*) FROM instruments`)).to.equal(1515n);
    });

    it('imports quotes and trades from 35=X messages, SOH per line or | concatenated', async () => {
        const define = fixMessage([[35, 'd'], [55, 'EURUSD'], [969, '0.00001'], [15, 'USD'], [207, 'FXV']]);
        const soh = [define, ...Array.from({ length: 50 }, (_, i) => marketDataMessage(i + 1, 'EURUSD', T0 + i * 1000, '1.38676', '1.38686', '1.38680', 1000))];
        const result = await importer.import({ paths: [fs.writeFileSync(path.join(dir, 'md.fix'), soh.join('\n')) ?? path.join(dir, 'md.fix')] });
        expect(result.quarantined).to.equal(0);
        expect(result.instrumentsDefined).to.equal(1);
        expect(result.rows).to.equal(100);
        const id = (await importer.repo.findInstrument('EURUSD', 'FXV'))!.id;
        const quotes = await importer.repo.readTicks({ instrumentId: id, kind: 'quotes' });
        expect([quotes.count, quotes.bid![0], quotes.ask![0], quotes.time[0]]).to.deep.equal([50, 138676, 138686, T0]);
        const trades = await importer.repo.readTicks({ instrumentId: id, kind: 'trades' });
        expect([trades.count, trades.price![49], trades.size![49]]).to.deep.equal([50, 138680, 1000]);

        const piped = Array.from({ length: 10 }, (_, i) => marketDataMessage(i + 100, 'EURUSD', T0 + 60_000_000 + i * 1000, '1.38677', '1.38687', '1.38681', 5, '|'));
        const file = path.join(dir, 'piped.log');
        fs.writeFileSync(file, piped.join(''));
        const second = await importer.import({ paths: [file] });
        expect([second.rows, second.quarantined]).to.deep.equal([20, 0]);
    });

    it('quarantines messages with a wrong checksum or body length and keeps the valid ones', async () => {
        const define = fixMessage([[35, 'd'], [55, 'EURUSD'], [969, '0.00001'], [207, 'FXV']]);
        const good = (i: number): string => marketDataMessage(i, 'EURUSD', T0 + i * 1000, '1.38676', '1.38686', '1.38680', 1);
        const badChecksum = good(3).replace(/10=(\d{3})\x01$/, (_m, d) => `10=${String((Number(d) + 1) % 256).padStart(3, '0')}\x01`);
        const badLength = good(4).replace(/\x019=(\d+)\x01/, (_m, d) => `\x019=${Number(d) + 2}\x01`);
        const file = path.join(dir, 'bad.fix');
        fs.writeFileSync(file, [define, good(1), good(2), badChecksum, badLength, good(5)].join('\n'));
        const result = await importer.import({ paths: [file] });
        expect(result.rows).to.equal(6);
        const q = await importer.repo.getQuarantine(result.importId);
        expect(q.map(r => r.line)).to.deep.equal([4, 5]);
        expect(q[0].reason).to.match(/^CheckSum \(10\) says \d{3}, computed \d{3}$/);
        expect(q[1].reason).to.match(/^BodyLength \(9\) says \d+, the body has \d+ bytes$/);
    });

    it('fails a file that is not FIX at all with one error', async () => {
        const file = path.join(dir, 'notfix.fix');
        fs.writeFileSync(file, Array.from({ length: 30 }, (_, i) => `8=FIX.4.4\x019=5\x0135=X\x01junk ${i}\x0110=000\x01`).join('\n'));
        let error: unknown;
        try {
            await importer.import({ paths: [file], format: 'fix' });
        } catch (e) {
            error = e;
        }
        expect(DatasetErrors.FormatMismatch.is(error as object)).to.equal(true);
        expect((error as Error).message).to.contain(file);
        expect(await db.scalar('SELECT count(*) FROM quarantine')).to.equal(0n);
    });
});
