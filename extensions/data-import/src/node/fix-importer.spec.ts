import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DatasetErrors } from '../common/dataset-protocol';
import { DataImporter } from './data-importer';
import { FixImporter, FixImportTuning, pieceBounds } from './fix-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { fixMessage, fixTime, marketDataMessage } from './test-support/fix-messages';
import { SHARED_DATA, tempDatabase, tempDir } from './test-support/test-files';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const T0 = Date.UTC(2014, 4, 1, 12) * 1000;

/**
 * A file of every kind of message the importer meets: definitions, snapshots and incremental refreshes of two
 * instruments (top of book, level 2, deletes, trades, times of their own or the message's), unknown instruments,
 * other message types, wrong checksums and body lengths, prices off the grid, messages without 268, malformed lines.
 */
function mixedFile(delimiter: '\x01' | '|', separator: string): string {
    const messages: string[] = [fixMessage([[35, 'd'], [55, 'EURUSD'], [969, '0.00001'], [207, 'FXV']], delimiter)];
    messages.push(fixMessage([[35, 'd'], [107, 'ESM4'], [55, 'ES'], [969, '0.25'], [48, '1234'], [207, 'XCME']], delimiter));
    for (let i = 0; i < 400; i++) {
        const t = T0 + i * 1000;
        const bid = (1.38 + (i % 7) / 1e5).toFixed(5);
        const kind = i % 13;
        if (kind === 1) {
            messages.push(marketDataMessage(i, 'EURUSD', t, bid, '1.38100', '1.38050', 1 + i % 5, delimiter).replace(/10=\d{3}/, '10=999'));
        } else if (kind === 2) {
            messages.push(marketDataMessage(i, 'EURUSD', t, bid, '1.38100', '1.38050', 1, delimiter).replace(/9=(\d+)/, (_m, d) => `9=${Number(d) + 3}`));
        } else if (kind === 3) {
            messages.push(fixMessage([[35, 'W'], [52, fixTime(t)], [55, '1234'], [268, 2], [269, 0], [270, '5300.25'], [271, 4], [269, 1], [270, '5300.50'], [271, 7]], delimiter));
        } else if (kind === 4) {
            messages.push(fixMessage([[35, 'X'], [60, fixTime(t)], [268, 3], [279, 0], [269, 0], [55, 'ES'], [270, '5300.00'], [271, 2], [1023, 2],
                [279, 2], [269, 1], [55, 'ES'], [270, '5300.75'], [279, 1], [269, 2], [55, 'ES'], [270, '5300.50'], [271, 1]], delimiter));
        } else if (kind === 5) {
            messages.push(fixMessage([[35, 'X'], [52, fixTime(t)], [268, 1], [279, 0], [269, 0], [55, 'NOSUCH'], [270, '1.5'], [271, 1]], delimiter));
        } else if (kind === 6) {
            messages.push(fixMessage([[35, '0'], [34, i]], delimiter));
        } else if (kind === 7) {
            messages.push(fixMessage([[35, 'X'], [52, fixTime(t)], [268, 1], [279, 0], [269, 1], [55, 'EURUSD'], [270, '1.381005'], [271, 1]], delimiter));
        } else if (kind === 8) {
            messages.push(fixMessage([[35, 'X'], [52, fixTime(t)], [55, 'EURUSD'], [270, '1.5']], delimiter));
        } else if (kind === 9 && separator) {
            messages.push(`junk ${i}`);
        } else {
            messages.push(marketDataMessage(i, 'EURUSD', t, bid, '1.38100', '1.38050', 1 + i % 5, delimiter));
        }
    }
    return messages.join(separator);
}

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

    /** Imports `file` into a database of its own with `tuning`: the import's result, its rows and its quarantine. */
    async function importWith(file: string, tuning: Partial<FixImportTuning>): Promise<unknown> {
        const saved = { ...FixImporter.tuning };
        Object.assign(FixImporter.tuning, tuning);
        const own = tempDir();
        const ownDb = await tempDatabase(own);
        try {
            const fixImporter = new DataImporter(ownDb, InstrumentCatalog.fromDataDir(SHARED_DATA));
            const result = await fixImporter.import({ paths: [file], computeDerived: false });
            const ticks: unknown[] = [];
            for (const instrument of await fixImporter.repo.listInstruments()) {
                for (const kind of ['trades', 'quotes'] as const) {
                    const columns = await fixImporter.repo.readTicks({ instrumentId: instrument.id, kind });
                    ticks.push([instrument.symbol, kind, Object.entries(columns).map(([name, v]) => [name, ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v])]);
                }
            }
            const quarantine = (await fixImporter.repo.getQuarantine(result.importId, 0, 100_000)).map(r => [r.line, r.byteOffset, r.raw, r.reason]);
            return { rows: result.rows, quarantined: result.quarantined, defined: result.instrumentsDefined, warnings: result.warnings, files: result.files, ticks, quarantine };
        } finally {
            Object.assign(FixImporter.tuning, saved);
            ownDb.close();
            fs.rmSync(own, { recursive: true, force: true });
        }
    }

    const oneThread: Partial<FixImportTuning> = { parallelBytes: Infinity, pieceBytes: 2 << 20 };
    const smallPieces: Partial<FixImportTuning> = { parallelBytes: Infinity, pieceBytes: 700 };
    const workers: Partial<FixImportTuning> = { parallelBytes: 0, pieceBytes: 1500, workers: 2 };

    it('gives the same rows and quarantine (lines, offsets, reasons) whether parse workers scan the file in pieces or this thread does', async () => {
        for (const [delimiter, separator] of [['\x01', '\n'], ['|', '\r\n']] as const) {
            const file = path.join(dir, 'mixed.fix');
            fs.writeFileSync(file, mixedFile(delimiter, separator), 'latin1');
            expect(pieceBounds(fs.readFileSync(file), delimiter.charCodeAt(0), 1500).length).to.be.greaterThan(20);
            const expected = await importWith(file, oneThread) as { rows: number; quarantine: [number, number, string, string][] };
            expect(expected.rows).to.be.greaterThan(200);
            expect([...new Set(expected.quarantine.map(q => q[3].replace(/\d+/g, 'N')))]).to.include.members([
                'CheckSum (N) says N, computed N', 'BodyLength (N) says N, the body has N bytes', 'market data without NoMDEntries (N)',
                'malformed field at byte N: expected tag=value', 'price: not a multiple of N.N',
                'unknown instrument NOSUCH: import its SecurityDefinition (N=d) first or give its tick size'
            ]);
            expect(await importWith(file, smallPieces)).to.deep.equal(expected);
            expect(await importWith(file, workers)).to.deep.equal(expected);
        }
    });

    it('gives the same result for messages concatenated without line breaks, where a piece may begin inside a message', async () => {
        const file = path.join(dir, 'concatenated.log');
        // A body holding `|8=` (a field a cut takes for a message's start) and, near the end, a malformed field that
        // runs to the end of the file (no line break ends it): the pieces after them are scanned again in order.
        const tricky = fixMessage([[35, 'X'], [52, fixTime(T0)], [8, 'FIX.4.4'], [268, 1], [269, 0], [55, 'EURUSD'], [270, '1.38'], [271, 1]], '|');
        const text = mixedFile('|', '').replace(/(8=FIX\.4\.4\|9=\d+\|35=0\|)/g, `${tricky}$1`);
        const cut = text.length - 3000;
        fs.writeFileSync(file, text.slice(0, cut) + '8=FIX.4.4|9=5|oops|' + text.slice(cut), 'latin1');
        const bounds = pieceBounds(fs.readFileSync(file), 124, 1500);
        expect(bounds.length).to.be.greaterThan(20);
        const expected = await importWith(file, oneThread) as { rows: number; quarantine: [number, number, string, string][] };
        expect(expected.rows).to.be.greaterThan(200);
        expect(expected.quarantine.some(q => q[3].startsWith('malformed field'))).to.equal(true);
        expect(await importWith(file, smallPieces)).to.deep.equal(expected);
        expect(await importWith(file, workers)).to.deep.equal(expected);
        expect(await importWith(file, { ...workers, pieceBytes: 300, workers: 3 })).to.deep.equal(expected);
    });

    it('cuts pieces after a line break, else before a message', () => {
        const lines = Buffer.from(Array.from({ length: 100 }, (_, i) => marketDataMessage(i, 'EURUSD', T0, '1.1', '1.2', '1.15', 1)).join('\n'), 'latin1');
        const bounds = pieceBounds(lines, 1, 1000, 300);
        expect(bounds[0]).to.equal(0);
        expect(bounds[bounds.length - 1]).to.equal(lines.length);
        expect(bounds[1]).to.be.within(300, 300 + 400);
        for (const b of bounds.slice(1, -1)) {
            expect(lines[b - 1]).to.equal(10);
        }
        const piped = Buffer.from(Array.from({ length: 100 }, (_, i) => marketDataMessage(i, 'EURUSD', T0, '1.1', '1.2', '1.15', 1, '|')).join(''), 'latin1');
        for (const b of pieceBounds(piped, 124, 1000).slice(1, -1)) {
            expect(piped.toString('latin1', b - 1, b + 4)).to.equal('|8=FI');
        }
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
