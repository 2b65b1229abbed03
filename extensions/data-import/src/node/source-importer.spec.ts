// Import sources contributed in-process (as a build-time extension binds one): their rows go through the
// import session's checks, bad rows to the quarantine, malformed output or a throw fails the whole import.
// The run-time plugin path (the JSON-lines example in its plugin host) is tested in cli/src/import-command.spec.ts.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DatasetErrors, ImportSourceContribution, ImportSourceDescriptor, ImportSourceFile, ImportSourceRows } from '../common/dataset-protocol';
import { DataImporter } from './data-importer';
import { previewImport } from './import-preview';
import { ImportSourceRegistry } from './import-source-registry';
import { InstrumentCatalog } from './instrument-catalog';
import { SHARED_DATA, tempDatabase, tempDir } from './test-support/test-files';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const T0 = Date.UTC(2024, 0, 2, 14, 30) * 1000;

/** A pipe-separated `time_us|price|size` format, read in-process; `value` overrides what it returns. */
class PipeTicks implements ImportSourceContribution {
    readonly source: ImportSourceDescriptor = { id: 'test.pipe', label: 'Pipe ticks', fileExtensions: ['.pipe'], origin: { kind: 'extension', id: '@test/pipe' } };
    calls = 0;
    value?: (file: ImportSourceFile) => unknown;

    async getImportSources(): Promise<readonly ImportSourceDescriptor[]> {
        return [this.source];
    }

    async readImportFile(_id: string, file: ImportSourceFile): Promise<ImportSourceRows> {
        this.calls++;
        if (this.value) {
            return this.value(file) as ImportSourceRows;
        }
        const rows = Buffer.from(file.bytes).toString('utf8').trim().split('\n').map(l => l.split('|').map(Number));
        return {
            time: Float64Array.from(rows, r => r[0]), price: Float64Array.from(rows, r => r[1]), size: Float64Array.from(rows, r => r[2]),
            rejected: []
        };
    }
}

async function expectError(promise: Promise<unknown>): Promise<Error & { code?: number }> {
    try {
        await promise;
    } catch (error) {
        return error as Error & { code?: number };
    }
    throw new Error('expected a failure');
}

describe('data import through contributed import sources', function (): void {
    this.timeout(60_000);
    let dir: string;
    let db: WorkspaceDatabase;
    let pipe: PipeTicks;
    let importer: DataImporter;

    beforeEach(async () => {
        dir = tempDir();
        db = await tempDatabase(dir);
        pipe = new PipeTicks();
        importer = new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA), new ImportSourceRegistry([pipe]));
    });

    afterEach(() => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const write = (name: string, lines: string[]): string => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, lines.join('\n') + '\n');
        return file;
    };

    const count = async (sql: string): Promise<number> => Number(await db.scalar(sql));

    it('picks the source by extension, stores the good rows and quarantines the rest with the row number (no line column) and reason', async () => {
        const file = write('desk.pipe', [
            `${T0}|100.25|10`, `${T0 + 1}|100.26|5`, `${T0 + 2}|0|5`, `${T0 + 3}|100.255|5`, `${T0 - 5}|100.27|5`, `${T0 + 4}|100.28|-1`, `${T0 + 5}|100.29|7`
        ]);
        const result = await importer.import({ paths: [file], instrument: { symbol: 'TESTPIPE', venue: 'test', tickSize: 0.01 } });
        expect(result).to.include({ format: 'source', sourceId: 'test.pipe', rows: 3, quarantined: 4 });
        const q = await importer.repo.getQuarantine(result.importId);
        expect(q.map(r => [r.line, r.reason])).to.deep.equal([
            [3, 'non-positive price'], [4, 'price: not a multiple of 0.01'], [5, 'out of order: 0.006 ms before the previous row'], [6, 'negative size']
        ]);
        expect(q[0].raw).to.equal('time=2024-01-02T14:30:00.000002Z price=0 size=5');
        const ticks = await importer.repo.readTicks(result.datasets[0]);
        expect(Array.from(ticks.time)).to.deep.equal([T0, T0 + 1, T0 + 5]);
        expect(Array.from(ticks.price!)).to.deep.equal([10025, 10026, 10029]);
        expect(Array.from(ticks.size!)).to.deep.equal([10, 5, 7]);
        // Quality report and bar cache, as for CSV.
        const summary = (await importer.repo.listDatasets())[0];
        expect(summary).to.include({ tickCount: 3, quarantinedRows: 4 });
        expect(summary.qualityScore).to.be.a('number');
        expect(await count('SELECT count(*) FROM bars')).to.be.greaterThan(0);
    });

    it('re-imports a dataset through the source its import used', async () => {
        const file = write('r.pipe', [`${T0}|100.25|10`, `${T0 + 1}|100.26|5`]);
        const first = await importer.import({ paths: [file], sourceId: 'test.pipe', instrument: { symbol: 'TESTPIPE', venue: 'test', tickSize: 0.01 } });
        const request = await importer.reimportRequest(first.datasets[0]);
        expect(request).to.include({ sourceId: 'test.pipe' });
        fs.writeFileSync(file, [`${T0}|100.25|10`, `${T0 + 1}|100.26|5`, `${T0 + 2}|100.27|5`].join('\n'));
        const again = await importer.import(request);
        expect(again).to.include({ sourceId: 'test.pipe', rows: 3 });
        expect((await importer.repo.readTicks(first.datasets[0])).count).to.equal(3);
        expect(pipe.calls).to.equal(2);
    });

    it('quarantines values the source could not read (NaN) and the rows it rejected itself', async () => {
        pipe.value = () => ({
            time: [T0, NaN, T0 + 2, T0 + 2.5], price: [1, 2, 'x', 3], line: [2, 3, 4, 6], rejected: [{ line: 5, reason: 'vendor flag 9', raw: '5|9' }]
        });
        const result = await importer.import({ paths: [write('a.pipe', ['x'])], sourceId: 'test.pipe', instrument: { symbol: 'TESTPIPE', venue: 'test', tickSize: 0.01 } });
        expect(result).to.include({ rows: 1, quarantined: 4 });
        const q = await importer.repo.getQuarantine(result.importId);
        expect(q.map(r => [r.line, r.reason]).sort((a, b) => Number(a[0]) - Number(b[0]))).to.deep.equal([
            [3, 'time: not a number'], [4, 'price: not a number'], [5, 'vendor flag 9'], [6, 'time: 1704205800000002.5 is not a whole number of microseconds since 1970']
        ]);
    });

    for (const [what, value, expected] of [
        ['arrays of different lengths', { time: [T0, T0 + 1], price: [1] }, "column 'price' has 1 values but 'time' has 2"],
        ['a non-array column', { time: [T0], price: 5 }, "column 'price' is a value of type number, not an array of numbers"],
        ['the wrong shape', 'ticks', "it returned the string 'ticks'"],
        ['no price column', { time: [T0], size: [1] }, "neither a 'price' column"],
        ['a malformed rejected list', { time: [T0], price: [1], rejected: 'none' }, "'rejected' list is malformed"]
    ] as const) {
        it(`fails the whole import for ${what}, naming the file and the source; the database stays as it was`, async () => {
            const good = write('good.pipe', [`${T0}|100.25|10`]);
            await importer.import({ paths: [good], instrument: { symbol: 'TESTPIPE', venue: 'test', tickSize: 0.01 } });
            const before = [await count('SELECT count(*) FROM trades'), await count('SELECT count(*) FROM instruments'), await count('SELECT count(*) FROM import_files')];
            pipe.value = () => value;
            const bad = write('bad.pipe', ['x']);
            const error = await expectError(importer.import({ paths: [bad], instrument: { symbol: 'NEWPIPE', venue: 'test', tickSize: 0.01 } }));
            expect(DatasetErrors.SourceFailed.is(error)).to.equal(true);
            expect(error.message).to.equal(`${bad}: the import source Pipe ticks (extension @test/pipe) failed; nothing was imported. Malformed output: ${error.message.split('Malformed output: ')[1]}`);
            expect(error.message).to.contain(expected);
            expect([await count('SELECT count(*) FROM trades'), await count('SELECT count(*) FROM instruments'), await count('SELECT count(*) FROM import_files')]).to.deep.equal(before);
            expect(await importer.repo.findInstrument('NEWPIPE', 'test')).to.equal(undefined);
            expect((await importer.repo.listImports())[0]).to.include({ status: 'failed' });
        });
    }

    it('fails the whole import when the source throws on the second file: the first file\'s rows are rolled back too', async () => {
        const first = write('1.pipe', [`${T0}|100.25|10`, `${T0 + 1}|100.26|5`]);
        const second = write('2.pipe', [`${T0 + 2}|100.25|10`]);
        pipe.value = file => {
            if (Buffer.from(file.bytes).toString().startsWith(String(T0 + 2))) {
                throw new Error('Plugin acme.feed failed and was disabled: threw: Error: bad header');
            }
            return { time: [T0, T0 + 1], price: [100.25, 100.26], rejected: [] };
        };
        const error = await expectError(importer.import({ paths: [first, second], instrument: { symbol: 'TESTPIPE', venue: 'test', tickSize: 0.01 } }));
        expect(error.message).to.equal(`${second}: the import source Pipe ticks (extension @test/pipe) failed; nothing was imported. `
            + 'Plugin acme.feed failed and was disabled: threw: Error: bad header');
        expect(await count('SELECT count(*) FROM trades')).to.equal(0);
        expect(await count('SELECT count(*) FROM quarantine')).to.equal(0);
    });

    it('says when the source read none of the rows, and refuses an unknown source id naming the enabled ones', async () => {
        pipe.value = () => ({ time: [], price: [], rejected: [{ line: 1, reason: 'not a pipe line' }, { line: 2, reason: 'not a pipe line' }] });
        const none = await expectError(importer.import({ paths: [write('n.pipe', ['a', 'b'])], instrument: { symbol: 'TESTPIPE', venue: 'test', tickSize: 0.01 } }));
        expect(none.message).to.contain('could read none of its rows (2 rejected; line 1: not a pipe line)');
        const unknown = await expectError(importer.import({ paths: [write('u.csv', ['1,2'])], sourceId: 'nope' }));
        expect(unknown.message).to.equal("No enabled import source 'nope'; the enabled ones are test.pipe (.pipe). Install and enable the plugin that contributes it.");
    });

    it('leaves CSV files to the CSV importer, and refuses a CSV file mixed with a source\'s files', async () => {
        const csv = write('ticks.csv', ['time,price,size', '2024-01-02T14:30:00Z,100.00,10']);
        const options = { instrument: { symbol: 'TESTPIPE', venue: 'test', tickSize: 0.01 } };
        const result = await importer.import({ paths: [csv], csv: { kind: 'trades', delimiter: ',', header: true, columns: { time: 0, price: 1, size: 2 }, timestampFormat: 'iso8601', timeZone: 'UTC', priceScale: 0 }, ...options });
        expect(result).to.include({ format: 'csv', rows: 1 });
        expect(pipe.calls).to.equal(0);
        const mixed = await expectError(importer.import({ paths: [write('m.pipe', [`${T0 + 10}|1|1`]), csv], ...options }));
        expect(mixed.message).to.contain(`${csv}: is not of an import source, the other files of this import are read by Pipe ticks (extension @test/pipe)`);
    });

    it('previews a file through its source: the first rows, and the rows it rejected in line order', async () => {
        pipe.value = () => ({ time: [T0, T0 + 1000], price: [1.5, 1.25], line: [1, 3], rejected: [{ line: 2, reason: 'bad row' }] });
        const file = write('p.pipe', ['a', 'b', 'c']);
        const preview = await previewImport({ path: file }, new ImportSourceRegistry([pipe]));
        expect(preview).to.deep.include({ format: 'source', source: pipe.source, path: file });
        expect(preview.rows).to.deep.equal([
            { line: 1, values: { time: '2024-01-02T14:30:00.000Z', price: 1.5 } },
            { line: 2, error: 'bad row' },
            { line: 3, values: { time: '2024-01-02T14:30:00.001Z', price: 1.25 } }
        ]);
        expect(preview.rawLines.slice(0, 3)).to.deep.equal(['a', 'b', 'c']);
        const asCsv = await previewImport({ path: file, format: 'csv' }, new ImportSourceRegistry([pipe]));
        expect(asCsv.format).to.not.equal('source');
    });
});
