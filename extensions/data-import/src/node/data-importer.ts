// *****************************************************************************
// The import pipeline: expands the inputs, recognises their format, resolves the instrument,
// runs the right importer inside one ImportSession (one transaction), and afterwards refreshes
// the bar cache and the quality report of the datasets it touched. Plain class, no Theia.
// *****************************************************************************

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import {
    CsvFormatOptions, DatasetErrors, DatasetKey, describeImportSource, ImportProgress, ImportRequest, ImportResult, ImportSourceDescriptor, Instrument,
    InstrumentSpec
} from '../common/dataset-protocol';
import { BarCache } from './bar-cache';
import { BinaryTickImporter, isBinaryTickFile, readBinaryHeader } from './binary-tick-format';
import { ChunkStats, CsvImporter } from './csv-importer';
import { detectPreset, impliedByName, preset as presetById, validateCsvOptions } from './csv-presets';
import type { HashJob, ParseJob, ParseResult } from './csv-parse-worker';
import { DataQuality } from './data-quality';
import { FixImporter, looksLikeFix } from './fix-importer';
import { ImportSourceRegistry } from './import-source-registry';
import { contentHash, expandSources, SourceFile } from './import-sources';
import { DatasetWriter, ImportSession } from './import-session';
import { SourceImporter, sourceRowsKind } from './source-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { TickRepository } from './tick-repository';
import { WorkspaceDatabase } from './workspace-database';

export interface ImportRunOptions {
    readonly signal?: AbortSignal;
    readonly onProgress?: (progress: ImportProgress) => void;
}

type InputFormat = 'csv' | 'fix' | 'binary' | 'source';

interface CsvState {
    readonly importers: Map<DatasetWriter, CsvImporter>;
    presetId?: string;
    csv?: CsvFormatOptions;
}

/**
 * One worker thread running csv-parse-worker, answering jobs in order. Kept for the life of the
 * process (unref'd: it never keeps it alive) so its JIT stays warm from one import to the next.
 */
class CsvParseWorker {
    protected static shared: (CsvParseWorker | undefined)[] = [];
    protected readonly worker = new Worker(CsvParseWorker.script());
    protected readonly pending = new Map<number, { resolve: (r: ParseResult) => void; reject: (e: Error) => void }>();
    protected nextId = 0;

    /**
     * The worker's script: beside this module when it runs from lib/, else (this module bundled into an
     * application's backend) the package's own copy.
     */
    static script(): string {
        const beside = path.join(__dirname, 'csv-parse-worker.js');
        return fs.existsSync(beside) ? beside : require.resolve('@backtestr/data-import/lib/node/csv-parse-worker.js');
    }

    static get(index: number): CsvParseWorker {
        let w = CsvParseWorker.shared[index];
        if (!w) {
            w = CsvParseWorker.shared[index] = new CsvParseWorker(index);
        }
        return w;
    }

    /** Parse workers: `BACKTESTR_IMPORT_WORKERS` (0 = none), else one per core beyond the appending thread, at least two (measured best on 2 cores). */
    static get poolSize(): number {
        const env = Number(process.env.BACKTESTR_IMPORT_WORKERS);
        return env > 0 ? env : Math.max(2, os.cpus().length - 1);
    }

    constructor(readonly index: number) {
        this.worker.on('message', (result: ParseResult) => {
            this.pending.get(result.id)?.resolve(result);
            this.pending.delete(result.id);
            if (this.pending.size === 0) {
                this.worker.unref();
            }
        });
        this.worker.on('error', error => {
            for (const p of this.pending.values()) {
                p.reject(error);
            }
            this.pending.clear();
            CsvParseWorker.shared[this.index] = undefined;
        });
        // After the listeners (adding a 'message' listener refs the port again).
        this.worker.unref();
    }

    /** Posts a job; `transfer` moves buffers (a chunk's bytes) to the worker instead of copying them. */
    parse(job: Omit<ParseJob, 'id'> | Omit<HashJob, 'id'>, transfer: ArrayBuffer[] = []): Promise<ParseResult> {
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            if (this.pending.size === 0) {
                this.worker.ref();
            }
            this.pending.set(id, { resolve, reject });
            this.worker.postMessage({ ...job, id }, transfer);
        });
    }

    /** Drops the results of jobs still running (after a failed or cancelled import). */
    abandon(): void {
        for (const p of this.pending.values()) {
            p.reject(new Error('abandoned'));
        }
        this.pending.clear();
        this.worker.unref();
    }
}

/** Bytes of a piece of a large CSV file: `BACKTESTR_IMPORT_CHUNK_BYTES`, else 8 MiB. */
function streamChunkBytes(): number {
    const env = Number(process.env.BACKTESTR_IMPORT_CHUNK_BYTES);
    return env >= 64 ? Math.trunc(env) : 8 << 20;
}

/** The first bytes of a file or zip entry (format detection and presets need only its first line). */
function readHead(source: SourceFile, bytes = 1 << 16): Promise<Buffer> {
    return source.head(bytes);
}

/** The content hash of a file or zip entry, read in pieces. */
async function hashSource(source: SourceFile): Promise<string> {
    const hash = crypto.createHash('sha1');
    for await (const piece of source.stream()) {
        hash.update(piece);
    }
    return hash.digest('hex');
}

/**
 * A whole file or zip entry in shared memory, with its content hash computed by a parse worker while this thread goes on
 * with the bytes (the FIX and binary importers read them on this thread): the hash costs this thread nothing. Without
 * parse workers (`BACKTESTR_IMPORT_WORKERS=0`), an ordinary load hashed here.
 */
function loadHashed(source: SourceFile, whole?: Buffer): { data: Buffer; hash: Promise<string> } {
    if (process.env.BACKTESTR_IMPORT_WORKERS === '0') {
        const loaded = whole ?? source.load();
        return { data: loaded, hash: Promise.resolve(contentHash(loaded)) };
    }
    let data: Buffer;
    if (source.entryName === undefined && !whole) {
        const fd = fs.openSync(source.path, 'r');
        try {
            const size = fs.fstatSync(fd).size;
            data = Buffer.from(new SharedArrayBuffer(size));
            let at = 0;
            while (at < size) {
                const n = fs.readSync(fd, data, at, size - at, at);
                if (n === 0) {
                    break;
                }
                at += n;
            }
            data = data.subarray(0, at);
        } finally {
            fs.closeSync(fd);
        }
    } else {
        const loaded = whole ?? source.load();
        data = Buffer.from(new SharedArrayBuffer(loaded.length));
        loaded.copy(data);
    }
    const hash = CsvParseWorker.get(0).parse({ hashOf: data }).then(result => result.hash!);
    hash.catch(() => undefined);
    return { data, hash };
}

/** An error a parse worker reported, as the error the same-thread import would have thrown. */
function workerError(error: NonNullable<ParseResult['error']>): Error {
    const data = error.data as { file: string; reason: string } | undefined;
    if (error.code === DatasetErrors.FormatMismatch.code) {
        return DatasetErrors.FormatMismatch(data!.file, data!.reason);
    }
    if (error.code === DatasetErrors.CorruptFile.code) {
        return DatasetErrors.CorruptFile(data!.file, data!.reason);
    }
    return new Error(error.message);
}

function firstLine(buf: Buffer): string {
    const end = buf.indexOf(10);
    return buf.toString('utf8', 0, end < 0 ? Math.min(buf.length, 4096) : Math.min(end, 4096));
}

export class DataImporter {
    readonly repo: TickRepository;
    /** Pieces of large files parsed by the workers, and those this thread parsed again in sequence (see importCsvStreamed). */
    readonly streamStats = { pieces: 0, reparsed: 0 };

    /** @param sources import sources contributed by extensions and plugins (none: only the built-in formats). */
    constructor(readonly db: WorkspaceDatabase, readonly catalog: InstrumentCatalog = new InstrumentCatalog(),
        readonly sources: ImportSourceRegistry = new ImportSourceRegistry([])) {
        this.repo = new TickRepository(db);
    }

    async import(request: ImportRequest, run: ImportRunOptions = {}): Promise<ImportResult> {
        const started = Date.now();
        const sources = expandSources(request.paths);
        if (sources.length === 0) {
            throw DatasetErrors.InvalidOptions(`Nothing to import in ${request.paths.join(', ')}`);
        }
        if (request.csv) {
            const problem = validateCsvOptions(request.csv);
            if (problem) {
                throw DatasetErrors.InvalidOptions(problem);
            }
        }
        const explicitSource = request.sourceId !== undefined ? await this.sources.get(request.sourceId) : undefined;
        const session = new ImportSession(this.db, this.repo, {
            format: explicitSource ? 'source' : request.format ?? 'auto', preset: explicitSource?.id ?? request.presetId, paths: request.paths,
            options: {
                csv: request.csv, instrument: request.instrument, duplicates: request.duplicates, binaryLayout: request.binaryLayout,
                outOfOrderToleranceUs: request.outOfOrderToleranceUs, sourceId: request.sourceId
            },
            totalBytes: sources.reduce((n, s) => n + s.size, 0), filesTotal: sources.length,
            duplicates: request.duplicates, outOfOrderToleranceUs: request.outOfOrderToleranceUs, replace: request.replace,
            signal: run.signal, onProgress: run.onProgress
        });
        await session.begin();
        let format: InputFormat | undefined;
        let presetId = request.presetId;
        let usedSource: ImportSourceDescriptor | undefined;
        try {
            const csvState: CsvState = { importers: new Map<DatasetWriter, CsvImporter>(), presetId };
            let fix: FixImporter | undefined;
            for (const source of sources) {
                session.startFile(source.label);
                // A file a contributed import source reads (chosen, or the only one for its extension) goes through it.
                const importSource = explicitSource ?? await this.sourceByExtension(request, source);
                if (importSource || format === 'source') {
                    if (format && (format !== 'source' || !importSource || importSource.id !== usedSource?.id)) {
                        throw DatasetErrors.FormatMismatch(source.label, `is ${importSource ? `read by ${describeImportSource(importSource)}` : 'not of an import source'}, `
                            + `the other files of this import are ${usedSource ? `read by ${describeImportSource(usedSource)}` : format}`);
                    }
                    format = 'source';
                    usedSource = importSource;
                    await this.importFromSource(session, request, source, importSource!);
                    continue;
                }
                // A large plain CSV file is never read whole: only its head here, then pieces through the parse workers.
                // Nor is the first of several CSV files: the parse workers load, hash and parse all of them (see below).
                let streamed = this.streamable(source);
                const remaining = sources.length - sources.indexOf(source);
                const pipelined = !format && !streamed && remaining >= 2 && process.env.BACKTESTR_IMPORT_WORKERS !== '0';
                let data = streamed || pipelined ? await readHead(source) : source.load();
                const fileFormat = this.detectFormat(request, data);
                if (format && fileFormat !== format) {
                    throw DatasetErrors.FormatMismatch(source.label, `is ${fileFormat}, the other files of this import are ${format}`);
                }
                format = fileFormat;
                if (format === 'csv' && pipelined) {
                    // Every file through the parse workers from the start, this thread appending what they parsed.
                    const rest = sources.slice(sources.indexOf(source) + 1);
                    for (const other of rest) {
                        const otherSource = await this.sourceByExtension(request, other);
                        if (otherSource) {
                            throw DatasetErrors.FormatMismatch(other.label, `is read by ${describeImportSource(otherSource)}, the other files of this import are csv`);
                        }
                    }
                    const writer = await this.csvWriter(session, request, source, data, csvState);
                    await this.importCsvPipelined(session, request, sources.slice(sources.indexOf(source)), writer, csvState);
                    break;
                }
                if (format === 'fix' || format === 'binary') {
                    // Loaded once into shared memory; a worker hashes it while this thread imports it.
                    const loaded = loadHashed(source, streamed || pipelined ? undefined : data);
                    data = loaded.data;
                    if (format === 'fix') {
                        fix ??= new FixImporter(session, this.repo, this.catalog, request.instrument);
                        await fix.importFile(source.label, data);
                        session.endFile(source.label, await loaded.hash, source.size);
                        continue;
                    }
                    const header = isBinaryTickFile(data) ? readBinaryHeader(source.label, data) : undefined;
                    const instrument = await this.resolveInstrument(request,
                        header ? { symbol: header.symbol, venue: header.venue, assetClass: 'unknown' } : undefined, source, header?.tickSize);
                    const hash = await loaded.hash;
                    const previous = await session.alreadyImported(instrument, header?.kind ?? request.binaryLayout?.kind ?? 'trades', hash);
                    if (previous !== undefined) {
                        session.endFile(source.label, hash, source.size, `skipped: already imported by import #${previous}`);
                        session.warnings.push(`${source.label} skipped: already imported by import #${previous}`);
                        continue;
                    }
                    const binary = new BinaryTickImporter(session, this.repo, instrument, request.instrument, request.binaryLayout);
                    await binary.importFile(source.label, data);
                    session.endFile(source.label, hash, source.size);
                    continue;
                }
                const hash = streamed ? undefined : contentHash(data);
                const writer = await this.importCsvSource(session, request, source, data, hash, csvState);
                // Once the format is known, parse the remaining files in a worker thread while this
                // thread appends: the two halves of the work overlap on two cores.
                const rest = sources.slice(sources.indexOf(source) + 1);
                if (writer && csvState.csv && rest.length >= 2 && process.env.BACKTESTR_IMPORT_WORKERS !== '0') {
                    await this.importCsvPipelined(session, request, rest, writer, csvState);
                    break;
                }
            }
            presetId = csvState.presetId;
            await session.commit();
        } catch (error) {
            await session.rollback(error);
            throw error;
        }
        const datasets: DatasetKey[] = [];
        for (const w of session.writers.values()) {
            if (w.rows > 0) {
                datasets.push({ instrumentId: w.instrument.id, kind: w.kind });
            }
        }
        const warnings = [...session.warnings];
        if (request.computeDerived !== false) {
            for (const key of datasets) {
                try {
                    if (key.kind !== 'bars') {
                        await new BarCache(this.db).rebuild(key);
                    }
                    await new DataQuality(this.db).compute(key);
                } catch (error) {
                    warnings.push(`Bar cache / quality report of instrument ${key.instrumentId} ${key.kind} failed: ${(error as Error).message}`);
                }
            }
        }
        const rows = session.rows;
        const elapsedMs = Date.now() - started;
        const noMarketData = format === 'fix' && rows === 0;
        if (noMarketData) {
            warnings.push(`The input carries no market data (no 35=W/35=X messages)${session.instrumentsDefined ? `; it defined ${session.instrumentsDefined} instruments` : ''}.`);
        }
        return {
            importId: session.importId, format: format ?? 'unknown', presetId, sourceId: usedSource?.id, datasets, rows, quarantined: session.totalQuarantined,
            instrumentsDefined: session.instrumentsDefined, noMarketData, files: session.files, elapsedMs,
            rowsPerSecond: Math.round(rows / Math.max(elapsedMs / 1000, 1e-3)), warnings
        };
    }

    /**
     * The request that imports a dataset again: the paths and options of the committed imports that wrote it,
     * replacing its rows (see `ImportRequest.replace`). Imports with different options cannot be replayed as one.
     */
    async reimportRequest(key: DatasetKey): Promise<ImportRequest> {
        const rows = await this.db.all(`SELECT i.id, i.format, i.preset, i.paths::VARCHAR AS paths, i.options::VARCHAR AS options FROM imports i
            WHERE i.status = 'committed' AND i.id IN (SELECT import_id FROM import_files WHERE instrument_id = $1 AND kind = $2) ORDER BY i.id`,
        [key.instrumentId, key.kind]);
        if (rows.length === 0) {
            throw DatasetErrors.InvalidOptions(`No recorded import wrote instrument ${key.instrumentId} ${key.kind}: nothing to re-import from`);
        }
        const first = rows[0];
        const differing = rows.find(r => r.format !== first.format || r.preset !== first.preset || r.options !== first.options);
        if (differing) {
            throw DatasetErrors.InvalidOptions(`Imports #${first.id} and #${differing.id} of this dataset used different options; `
                + 're-import it by deleting it and importing each source again');
        }
        const paths = [...new Set(rows.flatMap(r => JSON.parse(String(r.paths)) as string[]))];
        const options = (JSON.parse(String(first.options ?? 'null')) ?? {}) as Pick<ImportRequest, 'csv' | 'instrument' | 'duplicates' | 'binaryLayout' | 'outOfOrderToleranceUs' | 'sourceId'>;
        const format = String(first.format);
        return {
            paths, format: format === 'csv' || format === 'fix' || format === 'binary' ? format : 'auto',
            presetId: first.preset === null || first.preset === undefined ? undefined : String(first.preset),
            csv: options.csv ?? undefined, instrument: options.instrument ?? undefined, duplicates: options.duplicates ?? undefined,
            binaryLayout: options.binaryLayout ?? undefined, outOfOrderToleranceUs: options.outOfOrderToleranceUs ?? undefined,
            sourceId: options.sourceId ?? undefined, replace: key
        };
    }

    /**
     * The contributed import source whose file extension the file has, when the request leaves the format to
     * detection; undefined when none does. Several: the user must choose.
     */
    async sourceByExtension(request: Pick<ImportRequest, 'format' | 'csv' | 'presetId' | 'binaryLayout'>, source: Pick<SourceFile, 'label' | 'path' | 'entryName'>)
        : Promise<ImportSourceDescriptor | undefined> {
        if ((request.format ?? 'auto') !== 'auto' || request.csv || request.presetId || request.binaryLayout) {
            return undefined;
        }
        const matching = await this.sources.matching(source.entryName ?? source.path);
        if (matching.length > 1) {
            throw DatasetErrors.InvalidOptions(`${source.label}: several import sources read such files (${matching.map(describeImportSource).join(', ')}); `
                + 'choose one (the format in the import wizard, or backtestr import --source <id>).');
        }
        return matching[0];
    }

    /**
     * One file through a contributed import source: the file is loaded once, hashed, and its bytes handed over
     * (a plugin's host takes them without a copy); the rows that come back go through the session's checks.
     */
    protected async importFromSource(session: ImportSession, request: ImportRequest, source: SourceFile, importSource: ImportSourceDescriptor): Promise<void> {
        const instrument = await this.resolveInstrument(request, undefined, source);
        session.progress(0, true);
        const data = source.load();
        const hash = contentHash(data);
        const name = (source.entryName ?? source.path).split(/[\\/]/).pop() ?? source.label;
        const rows = await this.sources.read(importSource, source.label, { name, bytes: data });
        session.checkCancelled();
        const kind = sourceRowsKind(rows);
        const previous = await session.alreadyImported(instrument, kind, hash);
        if (previous !== undefined) {
            session.endFile(source.label, hash, source.size, `skipped: already imported by import #${previous}`);
            session.warnings.push(`${source.label} skipped: already imported by import #${previous}`);
            return;
        }
        const writer = await session.writer(instrument, kind);
        await new SourceImporter(session, importSource).importRows(source.label, writer, rows, source.size);
        session.endFile(source.label, hash, source.size);
    }

    /** Imports one CSV file on this thread; returns its dataset's writer, or undefined when the file was skipped. */
    /** Whether a file (or zip entry) is read and parsed in pieces: above two pieces, when parse workers are on. */
    protected streamable(source: SourceFile): boolean {
        return source.size > 2 * streamChunkBytes() && process.env.BACKTESTR_IMPORT_WORKERS !== '0';
    }

    /**
     * Imports one CSV file on this thread, or (`hash` undefined: `data` is only the file's head) streams it through
     * the parse workers; returns its dataset's writer.
     */
    protected async importCsvSource(session: ImportSession, request: ImportRequest, source: SourceFile, data: Buffer, hash: string | undefined,
        state: CsvState): Promise<DatasetWriter | undefined> {
        const writer = await this.csvWriter(session, request, source, data, state);
        const instrument = writer.instrument;
        const csv = state.csv!;
        if (hash === undefined) {
            await this.importCsvStreamed(session, source, csv, writer);
            return writer;
        }
        const previous = await session.alreadyImported(instrument, csv.kind, hash);
        if (previous !== undefined) {
            session.endFile(source.label, hash, source.size, `skipped: already imported by import #${previous}`);
            session.warnings.push(`${source.label} skipped: already imported by import #${previous}`);
            return writer;
        }
        let importer = state.importers.get(writer);
        if (!importer) {
            importer = new CsvImporter(session, csv, writer);
            state.importers.set(writer, importer);
        }
        await importer.importFile(source.label, source.entryName ?? source.path, data);
        session.endFile(source.label, hash, source.size);
        return writer;
    }

    /**
     * The CSV options of a file (from the request, or the preset its name and first line match, checked against the
     * other files' preset) and the writer of its dataset, its instrument resolved. `head`: at least the file's first line.
     */
    protected async csvWriter(session: ImportSession, request: ImportRequest, source: SourceFile, head: Buffer, state: CsvState): Promise<DatasetWriter> {
        const { csv, id, implied } = this.csvOptions(request, source, head);
        if (state.presetId && id && state.presetId !== id && !request.presetId) {
            throw DatasetErrors.FormatMismatch(source.label, `looks like preset ${id}, the other files of this import are ${state.presetId}`);
        }
        state.presetId = state.presetId ?? id;
        state.csv = csv;
        const instrument = await this.resolveInstrument(request, implied, source);
        return session.writer(instrument, csv.kind, csv.barTimeframe ?? '', csv.kind === 'bars' ? (id === 'histdata-m1' ? 'bid' : 'trade') : 'trade');
    }

    /**
     * A large CSV file in pieces of whole lines: this thread reads piece k+1 and hashes it while the parse workers
     * parse the next pieces and it appends piece k, so memory holds a few pieces, never the file. A piece parsed from a
     * fresh state joins the previous one exactly (DatasetWriter.canJoin); when it cannot (a row at the border out of
     * order or a bar at the same time), this thread parses that piece again in sequence. Line numbers, byte offsets,
     * the format probe and the all-rows-failed check are those of the whole file.
     */
    protected async importCsvStreamed(session: ImportSession, source: SourceFile, csv: CsvFormatOptions, writer: DatasetWriter): Promise<void> {
        const label = source.label;
        const fileName = source.entryName ?? source.path;
        const sameSize = await this.db.scalar('SELECT count(*) FROM import_files WHERE instrument_id = $1 AND kind = $2 AND bytes = $3',
            [writer.instrument.id, writer.kind, source.size]);
        if (Number(sameSize) > 0) {
            const known = await hashSource(source);
            const previous = await session.alreadyImported(writer.instrument, writer.kind, known);
            if (previous !== undefined) {
                session.endFile(label, known, source.size, `skipped: already imported by import #${previous}`);
                session.warnings.push(`${label} skipped: already imported by import #${previous}`);
                return;
            }
        }
        const pool = Array.from({ length: CsvParseWorker.poolSize }, (_, i) => CsvParseWorker.get(i));
        const chunkBytes = streamChunkBytes();
        const hash = crypto.createHash('sha1');
        const input = source.stream()[Symbol.asyncIterator]();
        let rest: Buffer | undefined;
        let carry = Buffer.alloc(0);
        let eof = false;
        let submitted = 0;
        let nextOffset = 0;
        /** The next piece: whole lines in a buffer of its own (transferred to a worker). */
        const readPiece = async (): Promise<Buffer> => {
            let buf = Buffer.allocUnsafeSlow(carry.length + chunkBytes);
            carry.copy(buf, 0);
            let filled = carry.length;
            for (;;) {
                if (!rest || rest.length === 0) {
                    const next = await input.next();
                    if (next.done) {
                        eof = true;
                        carry = Buffer.alloc(0);
                        return buf.subarray(0, filled);
                    }
                    rest = next.value;
                }
                const n = Math.min(rest.length, buf.length - filled);
                rest.copy(buf, filled, 0, n);
                rest = rest.subarray(n);
                filled += n;
                if (filled < buf.length) {
                    continue;
                }
                const cut = buf.lastIndexOf(10, filled - 1);
                if (cut >= 0) {
                    carry = Buffer.from(buf.subarray(cut + 1, filled));
                    return buf.subarray(0, cut + 1);
                }
                // One line longer than a piece: grow the piece.
                const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
                buf.copy(bigger, 0, 0, filled);
                buf = bigger;
            }
        };
        const pending: { result: Promise<ParseResult>; offset: number; length: number; first: boolean; last: boolean }[] = [];
        const submit = async (): Promise<void> => {
            while (!eof && pending.length < pool.length + 1) {
                const piece = await readPiece();
                if (piece.length === 0 && submitted > 0) {
                    break;
                }
                hash.update(piece);
                const first = submitted === 0;
                // Read before the transfer detaches the piece's buffer.
                const length = piece.length;
                const result = pool[submitted++ % pool.length].parse({
                    path: source.path, format: csv, instrument: writer.instrument, kind: writer.kind, timeframe: writer.timeframe, side: writer.side,
                    stored: writer.stored.toArray(), options: writer.options, chunk: { data: piece, first, last: eof, label, fileName }
                }, [piece.buffer as ArrayBuffer]);
                result.catch(() => undefined);
                pending.push({ result, offset: nextOffset, length, first, last: eof });
                nextOffset += length;
            }
        };
        const importer = new CsvImporter(session, csv, writer);
        let lineBase = 0, dataRows = 0, parseFailures = 0;
        let firstFailure: { line: number; text: string } | undefined;
        try {
            await submit();
            while (pending.length > 0) {
                const piece = pending.shift()!;
                await submit();
                const result = await piece.result;
                this.streamStats.pieces++;
                if (result.error) {
                    throw workerError(result.error);
                }
                const parsed = result.chunk!;
                let stats: ChunkStats;
                if (writer.canJoin(parsed.headMin)) {
                    const count = result.count!;
                    writer.joinFirstRow(result.columns!, count);
                    writer.takeParsed(result.columns!, { count, first: result.first!, last: result.last!, repeats: result.repeats!, needsResort: result.needsResort! });
                    if (count > 0) {
                        writer.resume(parsed.end);
                    }
                    const q = result.quarantine!;
                    for (let i = 0; i < q.line.length; i++) {
                        session.quarantine(writer, label, lineBase + q.line[i], piece.offset + q.offset[i], q.raw[i], q.reason[i], q.time[i] ?? NaN);
                    }
                    stats = parsed.stats;
                } else {
                    this.streamStats.reparsed++;
                    const data = Buffer.from(parsed.data.buffer, parsed.data.byteOffset, parsed.data.byteLength);
                    stats = await importer.importChunk(label, fileName, data, { first: piece.first, last: piece.last, lineBase, offsetBase: piece.offset });
                }
                if (!firstFailure && stats.firstFailure) {
                    firstFailure = { line: lineBase + stats.firstFailure.line, text: stats.firstFailure.text };
                }
                lineBase += stats.lines;
                dataRows += stats.dataRows;
                parseFailures += stats.parseFailures;
                session.progress(piece.offset + piece.length);
                session.checkCancelled();
            }
        } catch (error) {
            pool.forEach(p => p.abandon());
            await input.return?.();
            throw error;
        }
        importer.checkNotAllFailed(label, { dataRows, parseFailures, firstFailure });
        session.endFile(label, hash.digest('hex'), source.size);
    }

    /**
     * The remaining CSV files of an import: a worker loads and parses file k+1 (same validation) while
     * this thread appends file k. Files of another instrument, a changed format, or a time range that
     * overlaps an earlier file fall back to the same-thread path, so results are identical.
     */
    protected async importCsvPipelined(session: ImportSession, request: ImportRequest, rest: SourceFile[], writer: DatasetWriter, state: CsvState): Promise<void> {
        const csv = state.csv!;
        const pool = Array.from({ length: CsvParseWorker.poolSize }, (_, i) => CsvParseWorker.get(i));
        // A worker takes the next file when it is done with its last one (files differ in size: no fixed rotation),
        // at most `ahead` files beyond the one being appended, so memory holds a few parsed files, never all.
        // Each worker has one more file queued behind the one it parses, so it never waits for this thread (busy
        // appending) to hand it the next.
        const jobs: Promise<ParseResult>[] = [];
        const queued = pool.map(() => 0);
        const ahead = 2 * pool.length + 1;
        let nextJob = 0, appending = 0, stopped = false;
        const submit = (): void => {
            while (!stopped && nextJob < rest.length && nextJob <= appending + ahead) {
                const w = queued.indexOf(Math.min(...queued));
                if (queued[w] >= 2) {
                    return;
                }
                const j = nextJob++;
                if (this.streamable(rest[j])) {
                    continue;
                }
                const worker = pool[w];
                queued[w]++;
                // The writer's stored ranges as they are now: a file of this import overlapping another is caught
                // on this thread (writer.overlaps) and parsed again in sequence.
                jobs[j] = worker.parse({
                    path: rest[j].path, entryName: rest[j].entryName, format: csv, instrument: writer.instrument, kind: writer.kind,
                    timeframe: writer.timeframe, side: writer.side, stored: writer.stored.toArray(), options: writer.options
                });
                jobs[j].then(() => {
                    queued[w]--;
                    submit();
                }, () => undefined);
            }
        };
        // The dataset's known file hashes, fetched while the first files parse.
        session.alreadyImported(writer.instrument, writer.kind, '').catch(() => undefined);
        try {
            for (let j = 0; j < rest.length; j++) {
                const source = rest[j];
                appending = j;
                submit();
                session.startFile(source.label);
                if (this.streamable(source)) {
                    await this.importCsvSource(session, request, source, await readHead(source), undefined, state);
                    continue;
                }
                const result = await jobs[j];
                if (result.error) {
                    throw workerError(result.error);
                }
                const name = source.entryName ?? source.path;
                if (!request.csv && !request.presetId) {
                    const detected = detectPreset(name, result.firstLine ?? '');
                    if (detected?.preset.id !== state.presetId) {
                        throw DatasetErrors.FormatMismatch(source.label, detected ? `looks like preset ${detected.preset.id}, the other files of this import are ${state.presetId}`
                            : `is not in a format BackTestr recognises on its own (first line: "${(result.firstLine ?? '').slice(0, 120)}")`);
                    }
                }
                const implied = state.presetId && !request.instrument ? impliedByName(state.presetId, name)?.instrument : undefined;
                const sameInstrument = !implied || (implied.symbol === writer.instrument.symbol && implied.venue === writer.instrument.venue);
                if (!sameInstrument || writer.overlaps(result.first!, result.last!)) {
                    await this.importCsvSource(session, request, source, source.load(), result.hash!, state);
                    continue;
                }
                const previous = await session.alreadyImported(writer.instrument, writer.kind, result.hash!);
                if (previous !== undefined) {
                    session.endFile(source.label, result.hash!, source.size, `skipped: already imported by import #${previous}`);
                    session.warnings.push(`${source.label} skipped: already imported by import #${previous}`);
                    continue;
                }
                writer.takeParsed(result.columns!, { count: result.count!, first: result.first!, last: result.last!, repeats: result.repeats!, needsResort: result.needsResort! });
                const q = result.quarantine!;
                for (let i = 0; i < q.line.length; i++) {
                    session.quarantine(writer, source.label, q.line[i], q.offset[i], q.raw[i], q.reason[i], q.time[i] ?? NaN);
                }
                session.endFile(source.label, result.hash!, source.size);
            }
        } catch (error) {
            stopped = true;
            pool.forEach(p => p.abandon());
            throw error;
        }
    }

    protected detectFormat(request: ImportRequest, data: Buffer): InputFormat {
        if (request.format && request.format !== 'auto') {
            return request.format;
        }
        if (request.csv || request.presetId) {
            return 'csv';
        }
        if (isBinaryTickFile(data) || request.binaryLayout) {
            return 'binary';
        }
        if (looksLikeFix(data)) {
            return 'fix';
        }
        return 'csv';
    }

    protected csvOptions(request: ImportRequest, source: SourceFile, data: Buffer): { csv: CsvFormatOptions; id?: string; implied?: { symbol: string; venue: string; assetClass: string } } {
        const name = source.entryName ?? source.path;
        const detected = detectPreset(name, firstLine(data)) ?? (request.presetId ? impliedByName(request.presetId, name) : undefined);
        if (request.csv) {
            return { csv: request.csv, implied: detected?.instrument };
        }
        if (request.presetId) {
            const p = presetById(request.presetId);
            return { csv: p.format, id: p.id, implied: detected?.preset.id === p.id ? detected.instrument : undefined };
        }
        if (!detected) {
            throw DatasetErrors.FormatMismatch(source.label, `is not in a format BackTestr recognises on its own (first line: "${firstLine(data).slice(0, 120)}"); choose the CSV options`);
        }
        return { csv: detected.preset.format, id: detected.preset.id, implied: detected.instrument };
    }

    /** The instrument of the data: the request's, else the one the file names imply; created from the catalog when new. */
    async resolveInstrument(request: ImportRequest, implied: { symbol: string; venue: string; assetClass: string } | undefined,
        source: SourceFile, impliedTickSize?: number): Promise<Instrument> {
        const given = request.instrument;
        const symbol = (given?.symbol ?? implied?.symbol)?.toUpperCase();
        if (!symbol) {
            throw DatasetErrors.InvalidOptions(`${source.label}: say which instrument this data is for`);
        }
        const venue = given?.venue ?? (given ? undefined : implied?.venue);
        const existing = await this.repo.findInstrument(symbol, venue);
        if (existing && (!given || given.tickSize === undefined || given.tickSize === existing.tickSize)) {
            return existing;
        }
        const fromCatalog = this.catalog.lookup(symbol, venue ?? implied?.venue, given?.assetClass ?? implied?.assetClass);
        const base: Partial<InstrumentSpec> = fromCatalog ?? {};
        const tickSize = given?.tickSize ?? base.tickSize ?? impliedTickSize;
        if (!tickSize) {
            throw DatasetErrors.UnknownInstrument(symbol);
        }
        const spec: InstrumentSpec = {
            symbol, venue: venue ?? base.venue ?? implied?.venue ?? 'default', assetClass: given?.assetClass ?? base.assetClass ?? implied?.assetClass ?? 'unknown',
            description: given?.description ?? base.description, tickSize,
            lotSize: given?.lotSize ?? base.lotSize ?? 1, multiplier: given?.multiplier ?? base.multiplier ?? 1,
            currency: given?.currency ?? base.currency ?? 'USD', timeZone: given?.timeZone ?? base.timeZone ?? 'UTC',
            session: given?.session ?? base.session ?? '24h'
        };
        return this.repo.upsertInstrument(spec);
    }
}
