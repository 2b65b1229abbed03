import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ApplicationError } from '@theia/core/lib/common/application-error';
import { DatasetErrors } from '../common/dataset-protocol';
import { encodeBinaryTicks } from './binary-tick-format';
import { DataImporter } from './data-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { SHARED_DATA, tempDatabase, tempDir } from './test-support/test-files';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

/** A `.btb` file of `n` SPY trades (or quotes), 1 ms apart from the start of day `day` after 2013-10-07. */
function btb(kind: 'trades' | 'quotes', n: number, catalog: InstrumentCatalog, size = (i: number): number => 100 + i, day = 0): Buffer {
    const time = new Float64Array(n).map((_, i) => 1381132800000000 + day * 86_400_000_000 + i * 1000);
    const sizes = new Float64Array(n).map((_, i) => size(i));
    return encodeBinaryTicks(catalog.lookup('SPY', 'usa')!, kind, {
        count: n, time, price: new Float64Array(n).fill(16741), bid: new Float64Array(n).fill(16740), ask: new Float64Array(n).fill(16742),
        size: sizes, flags: new Int32Array(n)
    });
}

describe('binary tick files (.btb): every damaged byte named', function (): void {
    this.timeout(120_000);
    let dir: string;
    let db: WorkspaceDatabase;
    let importer: DataImporter;

    before(async () => {
        dir = tempDir();
        db = await tempDatabase(dir);
        importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
    });

    after(() => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    let serial = 0;
    /** Imports `data` as a file of its own: the error (an ApplicationError naming the file, never a RangeError), or undefined. */
    async function importBytes(data: Buffer): Promise<{ file: string; error?: Error; quarantine: string[] }> {
        const file = path.join(dir, `f${serial++}.btb`);
        fs.writeFileSync(file, data);
        try {
            const result = await importer.import({ paths: [file], computeDerived: false });
            return { file, quarantine: (await importer.repo.getQuarantine(result.importId)).map(q => q.reason) };
        } catch (error) {
            const e = error as Error;
            expect(ApplicationError.is(e), `${e.stack}`).to.equal(true);
            expect(e.message, e.message).to.match(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
            expect(e.message).not.to.match(/DataView|out of range|outside the bounds|RangeError|undefined/i);
            return { file, error: e, quarantine: [] };
        }
    }

    it('names the cut for a file truncated at every byte of its header and of its first records', async () => {
        for (const kind of ['trades', 'quotes'] as const) {
            const whole = btb(kind, 3, importer.catalog);
            const headerSize = whole.readUInt16LE(10), recordSize = whole.readUInt16LE(12);
            for (let cut = 0; cut < whole.length; cut++) {
                const { error, quarantine } = await importBytes(whole.subarray(0, cut));
                if (cut < 8) {
                    // No magic: not recognised as ours (format detection names the file); an empty file has nothing to import.
                    continue;
                }
                if (cut < headerSize) {
                    expect(error?.message, `cut at ${cut}`).to.contain('damaged binary tick header: the file ends at byte').and.contain('cut short');
                    expect((error as { code?: number } | undefined)?.code).to.equal(DatasetErrors.CorruptFile.code);
                } else {
                    expect(error, `cut at ${cut}: ${error?.message}`).to.equal(undefined);
                    expect(quarantine.filter(r => r.startsWith('truncated record')).length, `cut at ${cut}`).to.equal((cut - headerSize) % recordSize ? 1 : 0);
                }
            }
        }
    });

    it('names the field when any byte of the header or its field table is 0x00 or 0xff', async () => {
        const whole = btb('trades', 2, importer.catalog);
        const headerSize = whole.readUInt16LE(10);
        const named = /damaged binary tick header: (the (header size|record size|kind|tick size|lot size|symbol|file ends)|field \d "[^"]*" of the field table)|version \d+ \(bytes 8-9\)|not a BackTestr binary tick file|has no time and price|not in a format|price|grid of/;
        for (let at = 0; at < headerSize; at++) {
            for (const byte of [0x00, 0xff]) {
                const damaged = Buffer.from(whole);
                damaged[at] = byte;
                const { error } = await importBytes(damaged);
                if (error) {
                    expect(error.message, `byte ${at} = ${byte}`).to.match(named);
                }
            }
        }
    });

    it('reports a field outside the record, an unknown type and a bad tick size by name', async () => {
        const whole = btb('trades', 2, importer.catalog);
        const field2 = 104 + 20;
        const cases: [string, (b: Buffer) => void, RegExp][] = [
            ['offset', b => b.writeUInt16LE(27, field2 + 18), /field 2 "price_ticks" of the field table \(bytes 124-143\) at offset 27 \(8 bytes\) lies outside the 28-byte record/],
            ['type', b => b.writeUInt8(9, field2 + 16), /field 2 "price_ticks" .* has type 9; the types are 1 \(i64\), 2 \(i32\) and 3 \(f64\)/],
            ['tick size', b => b.writeDoubleLE(-0.01, 24), /the tick size \(f64, bytes 24-31\) is -0.01, not a positive number/],
            ['record size', b => b.writeUInt16LE(0, 12), /the record size \(bytes 12-13\) is 0/],
            ['kind', b => b.writeUInt8(7, 16), /the kind \(byte 16\) is 7; 1 is trades, 2 quotes/],
            ['field count', b => b.writeUInt16LE(50, 14), /header size \(bytes 10-11\) is 184, less than the 1104 bytes .* 50 fields/]
        ];
        for (const [what, damage, says] of cases) {
            const damaged = Buffer.from(whole);
            damage(damaged);
            const { error } = await importBytes(damaged);
            expect(error?.message, what).to.match(says);
        }
    });

    it('quarantines records with a negative size other than -1 (unknown) or a value that is no whole number, naming the field', async () => {
        const sizes = [100, -1, -2, 0, -100, -9007199254740991, 5];
        const trades = btb('trades', sizes.length, importer.catalog, i => sizes[i], 10);
        const { error, quarantine } = await importBytes(trades);
        expect(error).to.equal(undefined);
        expect(quarantine).to.deep.equal([
            'size: -2 is negative (the only negative size is -1, unknown) (record 3 at byte 240)',
            'size: -100 is negative (the only negative size is -1, unknown) (record 5 at byte 296)',
            'size: -9007199254740991 is negative (the only negative size is -1, unknown) (record 6 at byte 324)'
        ]);
        const quotes = btb('quotes', 3, importer.catalog, i => [7, -1, -3][i], 11);
        // Far beyond 2^53 in the bid of the first record.
        quotes.writeBigInt64LE(2n ** 60n, quotes.readUInt16LE(10) + 8);
        const q = await importBytes(quotes);
        expect(q.quarantine).to.deep.equal([
            'bid_ticks: 1152921504606847000 is not a whole number within 2^53 (record 1 at byte 224)',
            'bid_size: -3 is negative (the only negative size is -1, unknown) (record 3 at byte 312)'
        ]);
    });
});
