import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { CsvFormatOptions, DatasetErrors, ImportRequest } from '../common/dataset-protocol';
import { DataImporter } from './data-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { makeZip, SHARED_DATA, tempDatabase, tempDir, unzipText } from './test-support/test-files';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const SPY_DAY = path.join(SHARED_DATA, 'spy-trades-2013-10', '20131007_trade.zip');

const QUOTES: CsvFormatOptions = {
    kind: 'quotes', delimiter: ',', header: true, columns: { time: 0, bid: 1, ask: 2, bidSize: 3, askSize: 4 },
    timestampFormat: 'epoch-ms', timeZone: 'UTC', priceScale: 0
};

/** Everything an import stored, in stored order: ticks with their flags, and the quarantine with lines, offsets and reasons. */
async function stored(db: WorkspaceDatabase, table: 'trades' | 'quotes'): Promise<{ ticks: string; quarantine: string; files: string }> {
    const json = (rows: unknown[]): string => JSON.stringify(rows, (_k, v) => typeof v === 'bigint' ? Number(v) : v);
    return {
        ticks: json(await db.all(`SELECT * EXCLUDE (instrument_id, seq) FROM ${table} ORDER BY time_us, seq`)),
        quarantine: json(await db.all('SELECT file, line, byte_offset, time_us, raw, reason FROM quarantine ORDER BY line')),
        files: json(await db.all('SELECT path, content_hash, bytes, rows, quarantined, first_us, last_us FROM import_files'))
    };
}

/** Imports `request` once in sequence on this thread and once streamed in small pieces through the workers. */
async function bothWays(request: ImportRequest, table: 'trades' | 'quotes', chunkBytes: number): Promise<{ pieces: number; reparsed: number; quarantined: number }> {
    const saved = { workers: process.env.BACKTESTR_IMPORT_WORKERS, chunk: process.env.BACKTESTR_IMPORT_CHUNK_BYTES };
    const dirs = [tempDir(), tempDir()];
    const results = [];
    try {
        for (const streamed of [false, true]) {
            process.env.BACKTESTR_IMPORT_WORKERS = streamed ? '' : '0';
            process.env.BACKTESTR_IMPORT_CHUNK_BYTES = String(chunkBytes);
            const db = await tempDatabase(dirs[Number(streamed)]);
            try {
                const importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
                const result = await importer.import({ ...request, computeDerived: false });
                results.push({ result, stored: await stored(db, table), stats: { ...importer.streamStats } });
            } finally {
                db.close();
            }
        }
    } finally {
        process.env.BACKTESTR_IMPORT_WORKERS = saved.workers ?? '';
        process.env.BACKTESTR_IMPORT_CHUNK_BYTES = saved.chunk ?? '';
        dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true }));
    }
    const [sequential, streamed] = results;
    expect(sequential.stats.pieces).to.equal(0);
    expect(streamed.result.rows).to.equal(sequential.result.rows);
    expect(streamed.result.quarantined).to.equal(sequential.result.quarantined);
    expect(streamed.stored.quarantine).to.equal(sequential.stored.quarantine);
    expect(streamed.stored.files).to.equal(sequential.stored.files);
    expect(streamed.stored.ticks === sequential.stored.ticks, 'stored ticks differ').to.equal(true);
    return { ...streamed.stats, quarantined: streamed.result.quarantined };
}

describe('data import: a large CSV file streamed in pieces through the parse workers', function (): void {
    this.timeout(120_000);
    let dir: string;

    before(() => {
        dir = tempDir();
    });

    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('stores exactly what the sequential import stores: a real Lean SPY day with garbage, out-of-order and repeated rows', async () => {
        const lines = unzipText(SPY_DAY).split('\n').filter(l => l);
        // Bad rows spread over the file: garbage, an unparseable time, an out-of-order row, a zero price.
        lines.splice(5000, 0, 'garbage, not a trade at all');
        lines.splice(20000, 0, `x${lines[20000]}`);
        lines.splice(40000, 0, `${Number(lines[40000].split(',')[0]) - 60000},${lines[40000].split(',').slice(1).join(',')}`);
        lines.splice(60000, 0, `${lines[60000].split(',')[0]},0,100,P,0,0`);
        const file = path.join(dir, '20131007_spy_Trade_Tick.csv');
        fs.writeFileSync(file, lines.join('\n') + '\n');
        // 64 KB pieces: hundreds of borders, many of them between trades of the same millisecond.
        const stats = await bothWays({ paths: [file] }, 'trades', 65536);
        expect(stats.pieces).to.be.greaterThan(100);
        expect(stats.quarantined).to.equal(4);
        // The same file zipped: the entry is inflated piece by piece, never whole.
        const zip = path.join(dir, '20131007_trade.zip');
        fs.writeFileSync(zip, makeZip({ '20131007_spy_Trade_Tick.csv': lines.join('\n') + '\n' }));
        const zipped = await bothWays({ paths: [zip] }, 'trades', 65536);
        expect(zipped.pieces).to.equal(stats.pieces);
        expect(zipped.quarantined).to.equal(4);
    });

    it('stores exactly what the sequential import stores for a folder of files parsed by the workers, one overlapping another', async () => {
        const lines = unzipText(SPY_DAY).split('\n').filter(l => l).slice(0, 30000);
        const bad = [...lines];
        bad.splice(100, 0, 'garbage, not a trade at all');
        bad.splice(2000, 0, `${bad[2000].split(',')[0]},0,100,P,0,0`);
        const folder = path.join(dir, 'days');
        fs.mkdirSync(folder);
        const day = (name: string, entry: string, text: string[]): void =>
            fs.writeFileSync(path.join(folder, name), makeZip({ [entry]: text.join('\n') + '\n' }));
        day('20131007_trade.zip', '20131007_spy_Trade_Tick.csv', bad);
        day('20131008_trade.zip', '20131008_spy_Trade_Tick.csv', lines);
        // Same day again, later in name order: its time range overlaps the file before, its rows are duplicates.
        day('20131008_trade_again.zip', '20131008_spy_Trade_Tick.csv', lines.slice(1000, 3000));
        day('20131009_trade.zip', '20131009_spy_Trade_Tick.csv', bad);
        const stats = await bothWays({ paths: [folder], presetId: 'lean-equity-trades', overlap: 'quarantine' }, 'trades', 1 << 23);
        expect(stats.pieces).to.equal(0);
        expect(stats.quarantined).to.equal(2 + 2000 + 2);
    });

    it('fails a zip entry that does not pass its CRC check while streaming, and leaves the database as it was', async () => {
        const text = unzipText(SPY_DAY);
        const zip = makeZip({ '20131007_spy_Trade_Tick.csv': text });
        // Flip the CRC-32 in the central directory (the stored crc the reader checks against).
        const cd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
        zip.writeUInt32LE((zip.readUInt32LE(cd + 16) ^ 1) >>> 0, cd + 16);
        const file = path.join(dir, 'bad-crc', '20131007_trade.zip');
        fs.mkdirSync(path.dirname(file));
        fs.writeFileSync(file, zip);
        process.env.BACKTESTR_IMPORT_CHUNK_BYTES = '65536';
        const db = await tempDatabase(path.join(dir, `db-${Date.now()}`));
        try {
            const importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA));
            const error = await importer.import({ paths: [file], computeDerived: false }).then(() => undefined, (e: Error) => e);
            expect(error && DatasetErrors.CorruptFile.is(error)).to.equal(true);
            expect(error?.message).to.contain('fails its CRC-32 check').and.to.contain(file);
            expect(importer.streamStats.pieces).to.be.greaterThan(10);
            expect(await db.scalar('SELECT count(*) FROM trades')).to.equal(0n);
            expect((await importer.repo.listImports())[0].status).to.equal('failed');
        } finally {
            db.close();
            process.env.BACKTESTR_IMPORT_CHUNK_BYTES = '';
        }
    });

    it('re-parses in sequence a piece whose first rows are out of order with the previous piece, and quarantines duplicates across borders', async () => {
        const rows = ['time,bid,ask,bid_size,ask_size'];
        const t0 = Date.UTC(2024, 0, 2, 9);
        let t = t0;
        for (let i = 0; i < 12000; i++) {
            // Every 97th row goes back 5 ms (out of order); every 13th repeats the row before it exactly.
            if (i % 13 === 12) {
                rows.push(rows[rows.length - 1]);
                continue;
            }
            t += i % 97 === 96 ? -5 : i % 3;
            const bid = 10000 + (i % 17);
            rows.push(`${t},${(bid / 100).toFixed(2)},${((bid + 2) / 100).toFixed(2)},${1 + (i % 5)},${2 + (i % 7)}`);
        }
        const file = path.join(dir, 'quotes.csv');
        fs.writeFileSync(file, rows.join('\n') + '\n');
        const instrument = { symbol: 'TESTQ', venue: 'test', tickSize: 0.01 };
        // 997-byte pieces start at every kind of row; with duplicates quarantined, a repeat at a border needs the sequential pass.
        const quarantine = await bothWays({ paths: [file], csv: QUOTES, instrument, duplicates: 'quarantine' }, 'quotes', 997);
        expect(quarantine.pieces).to.be.greaterThan(300);
        expect(quarantine.reparsed).to.be.greaterThan(0).and.lessThan(quarantine.pieces);
        const keep = await bothWays({ paths: [file], csv: QUOTES, instrument }, 'quotes', 997);
        expect(keep.reparsed).to.be.greaterThan(0).and.lessThan(keep.pieces);
    });

    it('reports a file in the wrong format once, from its first piece', async () => {
        const file = path.join(dir, 'semicolons.csv');
        fs.writeFileSync(file, 'time;bid;ask\n' + Array.from({ length: 5000 }, (_, i) => `${1704186000000 + i};1.10;1.11`).join('\n'));
        process.env.BACKTESTR_IMPORT_CHUNK_BYTES = '4096';
        try {
            const db = await tempDatabase(path.join(dir, `db-${Date.now()}`));
            try {
                const importer = new DataImporter(db);
                const error = await importer.import({ paths: [file], csv: { ...QUOTES, columns: { time: 0, bid: 1, ask: 2 } }, instrument: { symbol: 'TESTQ', venue: 'test', tickSize: 0.01 } })
                    .then(() => undefined, (e: Error) => e);
                expect(error?.message).to.match(/semicolons\.csv: not in the declared format .*line 2: .*looks ';'-delimited/);
                expect(importer.streamStats.pieces).to.equal(1);
                expect(await db.scalar('SELECT count(*) FROM quotes')).to.equal(0n);
            } finally {
                db.close();
            }
        } finally {
            process.env.BACKTESTR_IMPORT_CHUNK_BYTES = '';
        }
    });
});
