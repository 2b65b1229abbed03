import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { CsvFormatOptions, DatasetErrors } from '../common/dataset-protocol';
import { DataImporter } from './data-importer';
import { previewFile } from './import-preview';
import { lineAt, longLineAt } from './import-limits';
import { makeZip, tempDatabase, tempDir } from './test-support/test-files';
import { deflatedRepeat, importInChild, zipOfDeflated } from './test-support/zip-bombs';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';
import { listZipFileEntries, readZipFileEntry, streamZipEntry, ZipFormatError } from './zip-reader';

const MIB = 1 << 20;
const GIB = 1024 * MIB;

const QUOTES: CsvFormatOptions = {
    kind: 'quotes', delimiter: ',', header: false, columns: { time: 0, bid: 1, ask: 2 }, timestampFormat: 'epoch-ms', timeZone: 'UTC', priceScale: 0
};

const ENV = ['BACKTESTR_ZIP_MAX_ENTRY_BYTES', 'BACKTESTR_ZIP_MAX_RATIO', 'BACKTESTR_IMPORT_MAX_LINE_BYTES', 'BACKTESTR_IMPORT_CHUNK_BYTES', 'BACKTESTR_IMPORT_WORKERS'];

async function failure(promise: Promise<unknown>): Promise<Error & { code?: number }> {
    try {
        await promise;
    } catch (error) {
        return error as Error & { code?: number };
    }
    throw new Error('expected a failure');
}

async function drain(pieces: AsyncIterable<Buffer>): Promise<number> {
    let n = 0;
    for await (const piece of pieces) {
        n += piece.length;
    }
    return n;
}

describe('import limits: zip bombs and lines too long to hold', function (): void {
    this.timeout(120_000);
    let dir: string;
    const saved: Record<string, string | undefined> = {};

    beforeEach(() => {
        dir = tempDir();
        ENV.forEach(k => saved[k] = process.env[k]);
    });

    afterEach(() => {
        ENV.forEach(k => saved[k] === undefined ? delete process.env[k] : process.env[k] = saved[k]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const write = (name: string, content: string | Buffer): string => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, content);
        return file;
    };

    describe('zip entries', () => {
        it('refuses an entry that declares more than the size limit, before inflating it, naming the entry and the option', async () => {
            const zip = write('big.zip', zipOfDeflated('ticks.csv', deflatedRepeat(8), 8 * MIB));
            const [entry] = listZipFileEntries(zip);
            const limits = { maxEntryBytes: 4 * MIB, maxInflateRatio: 1e9 };
            for (const read of [async (): Promise<unknown> => readZipFileEntry(zip, entry, limits), (): Promise<unknown> => drain(streamZipEntry(zip, entry, limits))]) {
                const error = await failure(read());
                expect(error).to.be.instanceOf(ZipFormatError);
                expect(error.message).to.contain('ticks.csv').and.contain('8 MiB').and.contain('4 MiB').and.contain('BACKTESTR_ZIP_MAX_ENTRY_BYTES');
            }
        });

        it('refuses an entry whose declared size is too many times its compressed size (an honest zip bomb)', async () => {
            const zip = write('bomb.zip', zipOfDeflated('ticks.csv', deflatedRepeat(16), 16 * MIB, zlib.crc32(Buffer.alloc(16 * MIB))));
            const [entry] = listZipFileEntries(zip);
            for (const read of [async (): Promise<unknown> => readZipFileEntry(zip, entry), (): Promise<unknown> => drain(streamZipEntry(zip, entry))]) {
                const error = await failure(read());
                expect(error.message).to.contain('ticks.csv').and.contain('zip bomb').and.contain('BACKTESTR_ZIP_MAX_RATIO');
            }
            // Below the ratio (or the first MiB, whatever its ratio) an entry reads.
            expect(readZipFileEntry(zip, entry, { maxEntryBytes: GIB, maxInflateRatio: 2000 }).length).to.equal(16 * MIB);
            const small = write('small.zip', makeZip({ 'a.csv': Buffer.alloc(MIB) }));
            expect(readZipFileEntry(small, listZipFileEntries(small)[0]).length).to.equal(MIB);
        });

        it('stops inflating an entry at the size its directory declares when the data inflates to more (a lying directory)', async () => {
            const limits = { maxEntryBytes: GIB, maxInflateRatio: 1e9 };
            for (const declared of [1000, MIB, 3 * MIB + 7]) {
                const zip = write(`lying-${declared}.zip`, zipOfDeflated('ticks.csv', deflatedRepeat(64), declared));
                const [entry] = listZipFileEntries(zip);
                expect(entry.size).to.equal(declared);
                const whole = await failure(Promise.resolve().then(() => readZipFileEntry(zip, entry, limits)));
                expect(whole.message).to.contain('ticks.csv').and.contain(`more than the ${declared} bytes its directory declares`);
                let yielded = 0;
                const streamed = await failure((async () => {
                    for await (const piece of streamZipEntry(zip, entry, limits)) {
                        yielded += piece.length;
                    }
                })());
                expect(streamed.message).to.contain(`more than the ${declared} bytes its directory declares`);
                expect(yielded).to.be.at.most(declared);
            }
        });

        it('refuses 4 GiB bombs of 4 MiB, honest and lying, in an import with the default limits, its memory staying bounded', async () => {
            const zeros = deflatedRepeat(4096);
            expect(zeros.length).to.be.below(8 * MIB);
            const cases = [
                { file: write('honest.zip', zipOfDeflated('honest.csv', zeros, 4 * GIB)), says: /honest\.csv would inflate \d+ times .*BACKTESTR_ZIP_MAX_RATIO/ },
                // Declared small: read whole; declared large: streamed. Both stop where the directory says.
                { file: write('lying.zip', zipOfDeflated('lying.csv', zeros, 10_000)), says: /lying\.csv inflates to more than the 10000 bytes/ },
                { file: write('lying-streamed.zip', zipOfDeflated('lying.csv', zeros, 40 * MIB)), says: /lying\.csv: line 1 .* longer than 1 MiB/ }
            ];
            for (const c of cases) {
                const result = await importInChild([c.file], QUOTES);
                expect(result.error?.code, c.file).to.equal(DatasetErrors.CorruptFile.code);
                expect(result.error?.message).to.contain(c.file).and.match(c.says);
                expect(result.maxRssBytes, c.file).to.be.below(1536 * MIB);
            }
        });
    });

    describe('lines', () => {
        it('finds the first line longer than the limit in one step per limit of bytes', () => {
            const lines = ['a', 'bb', 'x'.repeat(10), 'ccc', 'y'.repeat(11)];
            const text = Buffer.from(lines.join('\n'));
            expect(longLineAt(text, 0, text.length, 11)).to.equal(-1);
            expect(longLineAt(text, 0, text.length, 10)).to.equal(text.indexOf('y'));
            expect(longLineAt(text, 0, text.length, 9)).to.equal(text.indexOf('x'));
            expect(longLineAt(text, 0, text.length, 2)).to.equal(text.indexOf('x'));
            expect(lineAt(text, text.indexOf('y'))).to.equal(5);
            // Every limit and every place of the long line: the class, against a line-by-line reference.
            for (let max = 1; max < 14; max++) {
                for (let at = 0; at < lines.length; at++) {
                    const some = lines.map((l, i) => i === at ? 'z'.repeat(max + 1) : l.slice(0, max));
                    const buf = Buffer.from(some.join('\n') + (at % 2 ? '\n' : ''));
                    expect(longLineAt(buf, 0, buf.length, max), `${max} ${at}`).to.equal(buf.indexOf('z'));
                    expect(lineAt(buf, buf.indexOf('z'))).to.equal(at + 1);
                }
            }
        });

        const rows = (from: number, n: number): string => Array.from({ length: n }, (_, i) => `${1399000000000 + from + i},1.38676,1.38686\n`).join('');

        it('refuses a CSV file with a line past the limit, naming the file and the line, read whole or streamed in pieces', async () => {
            process.env.BACKTESTR_IMPORT_MAX_LINE_BYTES = String(4096);
            const long = 'x'.repeat(5000);
            for (const [workers, chunk] of [['0', ''], ['', '1024'], ['', '100000'], ['', '64']]) {
                process.env.BACKTESTR_IMPORT_WORKERS = workers;
                process.env.BACKTESTR_IMPORT_CHUNK_BYTES = chunk;
                for (const where of [0, 1, 250, 499]) {
                    const file = write(`long-${where}.csv`, rows(0, where) + long + '\n' + rows(where, 500 - where));
                    const dbDir = path.join(dir, `db-${workers}-${chunk}-${where}`);
                    fs.mkdirSync(dbDir);
                    const db = await tempDatabase(dbDir);
                    try {
                        const error = await failure(new DataImporter(db).import({
                            paths: [file], csv: QUOTES, instrument: { symbol: 'EURUSD', venue: 'oanda', tickSize: 0.00001 }, computeDerived: false
                        }));
                        expect(error.code, error.message).to.equal(DatasetErrors.CorruptFile.code);
                        expect(error.message).to.contain(`${file}: line ${where + 1} (at byte ${Buffer.byteLength(rows(0, where))}) is longer than 4 KiB`)
                            .and.contain('BACKTESTR_IMPORT_MAX_LINE_BYTES');
                    } finally {
                        db.close();
                    }
                }
            }
        });

        it('refuses a 4 GiB file of one line with the default limits without reading it, its memory staying bounded', async () => {
            // Sparse: 4 GiB of zeros that take no disk.
            const file = path.join(dir, 'one-line.csv');
            fs.writeFileSync(file, rows(0, 10));
            fs.truncateSync(file, 4 * GIB);
            const inZip = write('one-line.zip', zipOfDeflated('one-line.csv', deflatedRepeat(4096), 4 * GIB));
            for (const [paths, env] of [[[file], {}], [[inZip], { BACKTESTR_ZIP_MAX_RATIO: '2000' }]] as const) {
                const result = await importInChild([...paths], QUOTES, env);
                expect(result.error?.code, result.error?.message).to.equal(DatasetErrors.CorruptFile.code);
                expect(result.error?.message).to.contain(paths[0] === file ? `${file}: line 11 (at byte ${Buffer.byteLength(rows(0, 10))}) is longer than 1 MiB`
                    : `${inZip}/one-line.csv: line 1 (at byte 0) is longer than 1 MiB`);
                expect(result.maxRssBytes).to.be.below(1536 * MIB);
            }
        });

        it('previews a file of one 4 GiB line from its head only', async () => {
            const file = path.join(dir, 'one-line.csv');
            fs.writeFileSync(file, 'a,b,c');
            fs.truncateSync(file, 4 * GIB);
            const preview = await previewFile(file);
            expect(preview.rawLines).to.have.length(1);
            expect(preview.rawLines[0].length).to.equal(256 * 1024);
            const bomb = write('bomb.zip', zipOfDeflated('bomb.csv', deflatedRepeat(4096), 10_000));
            expect((await failure(previewFile(bomb))).message).to.contain(`${bomb}: corrupt zip archive: bomb.csv inflates to more than the 10000 bytes`);
        });
    });
});

describe('import limits: a parse worker keeps the limits of the thread that started the import', function (): void {
    this.timeout(60_000);
    let db: WorkspaceDatabase;
    let dir: string;
    const saved = process.env.BACKTESTR_IMPORT_MAX_LINE_BYTES;

    before(async () => {
        dir = tempDir();
        db = await tempDatabase(dir);
    });

    after(() => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
        saved === undefined ? delete process.env.BACKTESTR_IMPORT_MAX_LINE_BYTES : process.env.BACKTESTR_IMPORT_MAX_LINE_BYTES = saved;
    });

    it('applies a limit set after the workers started to files they parse whole', async () => {
        const files = [0, 1, 2].map(k => {
            const file = path.join(dir, `q${k}.csv`);
            fs.writeFileSync(file, `${1399000000000 + k * 10},1.38676,1.38686\n${k === 2 ? 'y'.repeat(300) : `${1399000000001 + k * 10},1.38676,1.38686`}\n`);
            return file;
        });
        const request = { paths: files, csv: QUOTES, instrument: { symbol: 'EURUSD', venue: 'oanda', tickSize: 0.00001 }, computeDerived: false };
        // The workers start with the default limit (and parse the long line as a row to quarantine)...
        const first = await new DataImporter(db).import(request);
        expect(first.quarantined).to.equal(1);
        process.env.BACKTESTR_IMPORT_MAX_LINE_BYTES = '256';
        const error = await failure(new DataImporter(db).import(request));
        expect(error.message).to.contain(`${files[2]}: line 2 (at byte 30) is longer than 256 bytes`);
    });
});
