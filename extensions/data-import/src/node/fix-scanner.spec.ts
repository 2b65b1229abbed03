import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DataImporter } from './data-importer';
import { FixImporter } from './fix-importer';
import { FixMessage, MAX_MESSAGE_BYTES, parseFixMessage, SOH } from './fix-scanner';
import { InstrumentCatalog } from './instrument-catalog';
import { fixMessage, fixTime } from './test-support/fix-messages';
import { SHARED_DATA, tempDatabase, tempDir } from './test-support/test-files';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const MIB = 1 << 20;

describe('FIX framing: messages longer than an import reads', function (): void {
    this.timeout(120_000);

    it('ends a message past the limit at the next line break or 8= field, the messages after it intact', () => {
        expect(MAX_MESSAGE_BYTES).to.equal(MIB);
        const good = fixMessage([[35, '0'], [34, 1]]);
        for (const [separator, next] of [['\n', '\n'.length], [String.fromCharCode(SOH), 1]] as const) {
            // Never terminated (no 10=), and one whose body is past the limit with a BodyLength of gigabytes.
            for (const bad of [`8=FIX.4.4\x019=70\x0135=X\x0158=${'x'.repeat(2 * MIB)}`, `8=FIX.4.4\x019=4000000000\x0135=0\x01${'58=yy\x01'.repeat(MIB / 4)}10=000\x01`]) {
                const buf = Buffer.from(good + separator + bad + separator + good, 'latin1');
                const msg = new FixMessage(buf);
                const at = good.length + separator.length;
                expect(parseFixMessage(buf, at, SOH, msg)).to.match(/^message longer than 1 MiB \(the longest an import reads\).*BACKTESTR_IMPORT_MAX_LINE_BYTES/);
                expect(msg.end, separator).to.equal(at + bad.length + next - (separator === '\n' ? 1 : 0));
                const after = buf.indexOf('8=', msg.end, 'latin1');
                expect(parseFixMessage(buf, after, SOH, msg)).to.equal('');
                // Under the limit the same message is read to its end and judged by its fields.
                expect(parseFixMessage(buf, at, SOH, msg, 4 * MIB)).to.match(/CheckSum|BodyLength/);
            }
        }
    });

    describe('in an import', () => {
        let dir: string;
        let db: WorkspaceDatabase;

        beforeEach(async () => {
            dir = tempDir();
            db = await tempDatabase(dir);
        });

        afterEach(() => {
            db.close();
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it('quarantines a never-terminated 8 MiB message with its first bytes, one message per line or concatenated, scanned here or by the workers', async () => {
            const define = fixMessage([[35, 'd'], [55, 'EURUSD'], [969, '0.00001'], [207, 'FXV']]);
            const quote = (i: number): string => fixMessage([[35, 'X'], [52, fixTime(1399000000000000 + i * 1000)], [268, 1], [279, 0], [269, 0], [55, 'EURUSD'],
                [270, '1.38100'], [271, 1]]);
            const bomb = `8=FIX.4.4\x019=10\x0135=X\x0158=${'z'.repeat(8 * MIB)}`;
            const saved = { ...FixImporter.tuning };
            try {
                for (const [separator, workers] of [['\n', 0], ['', 0], ['\n', 2], ['', 2]] as const) {
                    Object.assign(FixImporter.tuning, workers ? { parallelBytes: 1 << 16, pieceBytes: 1 << 16, workers } : { ...saved, parallelBytes: 1 << 30 });
                    const messages = [define, ...Array.from({ length: 50 }, (_, i) => quote(i)), bomb, ...Array.from({ length: 50 }, (_, i) => quote(50 + i))];
                    const file = path.join(dir, `md-${separator ? 'lines' : 'joined'}-${workers}.fix`);
                    fs.writeFileSync(file, messages.join(separator), 'latin1');
                    const importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
                    const result = await importer.import({ paths: [file], computeDerived: false });
                    const quarantine = await importer.repo.getQuarantine(result.importId);
                    expect(quarantine.map(q => q.reason.split(' (')[0]), `${separator} ${workers}`).to.deep.equal(['message longer than 1 MiB']);
                    // The quarantine keeps the first 4 KiB of it (the scan read no more than the limit).
                    expect(quarantine[0].raw).to.match(/^8=FIX\.4\.4\|9=10\|35=X\|58=z{4073}\.\.\.$/);
                    expect(quarantine[0].byteOffset).to.equal(messages.slice(0, 51).join(separator).length + separator.length);
                    expect(result.rows + result.quarantined, `${separator} ${workers}`).to.be.at.least(1);
                    db.close();
                    fs.rmSync(path.join(dir, 'workspace.duckdb'), { force: true });
                    fs.rmSync(path.join(dir, 'workspace.duckdb.wal'), { force: true });
                    db = await tempDatabase(dir);
                }
            } finally {
                Object.assign(FixImporter.tuning, saved);
            }
        });
    });
});
