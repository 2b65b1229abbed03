// *****************************************************************************
// The import pipeline: expands the inputs, recognises their format, resolves the instrument,
// runs the right importer inside one ImportSession (one transaction), and afterwards refreshes
// the bar cache and the quality report of the datasets it touched. Plain class, no Theia.
// Its parts: format-detection, source-loading (FIX/binary), csv-worker-pool, csv-streamed-import,
// instrument-resolver and reimport-request.
// *****************************************************************************

import {
    CsvFormatOptions, DatasetErrors, DatasetKey, describeImportSource, ImportProgress, ImportRequest, ImportResult, ImportSourceDescriptor, Instrument
} from '../common/dataset-protocol';
import { BarCache, DatasetChanges, TickRepository, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';
import { BinaryTickImporter, isBinaryTickFile, readBinaryHeader } from './binary-tick-format';
import { CsvImporter } from './csv-importer';
import { detectPreset, impliedByName, validateCsvOptions } from './csv-presets';
import { importCsvStreamed } from './csv-streamed-import';
import { CsvFileScheduler, isStreamable, parseWorkerPool, parseWorkersEnabled, workerError } from './csv-worker-pool';
import { DataQuality } from './data-quality';
import { FixImporter } from './fix-importer';
import { csvOptions, detectFormat, ImpliedInstrument, InputFormat } from './format-detection';
import { ImportSourceRegistry } from './import-source-registry';
import { contentHash, expandSources, SourceFile } from './import-sources';
import { DatasetWriter, ImportSession } from './import-session';
import { resolveInstrument } from './instrument-resolver';
import { reimportRequest } from './reimport-request';
import { SourceImporter, sourceRowsKind } from './source-importer';
import { InstrumentCatalog } from './instrument-catalog';
import { loadHashed, readHead } from './source-loading';
import { ParquetImporter, parquetKind } from './parquet-importer';

export interface ImportRunOptions {
    readonly signal?: AbortSignal;
    readonly onProgress?: (progress: ImportProgress) => void;
}

interface CsvState {
    readonly importers: Map<DatasetWriter, CsvImporter>;
    presetId?: string;
    csv?: CsvFormatOptions;
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
                csv: request.csv, instrument: request.instrument, duplicates: request.duplicates, overlap: request.overlap, binaryLayout: request.binaryLayout,
                outOfOrderToleranceUs: request.outOfOrderToleranceUs, sourceId: request.sourceId, crossedQuotes: request.crossedQuotes
            },
            totalBytes: sources.reduce((n, s) => n + s.size, 0), filesTotal: sources.length,
            duplicates: request.duplicates, overlap: request.overlap, outOfOrderToleranceUs: request.outOfOrderToleranceUs, crossedQuotes: request.crossedQuotes, replace: request.replace,
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
                await session.spillIfLarge();
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
                let streamed = isStreamable(source);
                const remaining = sources.length - sources.indexOf(source);
                const pipelined = !format && !streamed && remaining >= 2 && parseWorkersEnabled();
                let data = streamed || pipelined ? await readHead(source) : source.load();
                const fileFormat = detectFormat(request, data);
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
                if (format === 'parquet') {
                    await this.importParquet(session, request, source);
                    continue;
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
                if (writer && csvState.csv && rest.length >= 2 && parseWorkersEnabled()) {
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
        DatasetChanges.announce(this.db.path);
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
        // Once more with the bar cache and the quality score (the rows were announced when committed).
        if (request.computeDerived !== false && datasets.length > 0) {
            DatasetChanges.announce(this.db.path);
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
        return reimportRequest(this.db, key);
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
            await importCsvStreamed(this.db, session, source, csv, writer, this.streamStats);
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
        const { csv, id, implied } = csvOptions(request, source, head);
        if (state.presetId && id && state.presetId !== id && !request.presetId) {
            throw DatasetErrors.FormatMismatch(source.label, `looks like preset ${id}, the other files of this import are ${state.presetId}`);
        }
        state.presetId = state.presetId ?? id;
        state.csv = csv;
        const instrument = await this.resolveInstrument(request, implied, source);
        return session.writer(instrument, csv.kind, csv.barTimeframe ?? '', csv.kind === 'bars' ? (id === 'histdata-m1' ? 'bid' : 'trade') : 'trade',
            { crossedQuotes: csv.crossedQuotes, oneSidedQuotes: csv.oneSidedQuotes });
    }

    /**
     * The remaining CSV files of an import: a worker loads and parses file k+1 (same validation) while
     * this thread appends file k. Files of another instrument, a changed format, or a time range that
     * overlaps an earlier file fall back to the same-thread path, so results are identical.
     */
    protected async importCsvPipelined(session: ImportSession, request: ImportRequest, rest: SourceFile[], writer: DatasetWriter, state: CsvState): Promise<void> {
        const csv = state.csv!;
        const scheduler = new CsvFileScheduler(parseWorkerPool(), rest, csv, writer);
        // The dataset's known file hashes, fetched while the first files parse.
        session.alreadyImported(writer.instrument, writer.kind, '').catch(() => undefined);
        try {
            for (let j = 0; j < rest.length; j++) {
                await session.spillIfLarge();
                const source = rest[j];
                scheduler.appendingFile(j);
                session.startFile(source.label);
                if (isStreamable(source)) {
                    await this.importCsvSource(session, request, source, await readHead(source), undefined, state);
                    continue;
                }
                const result = await scheduler.job(j);
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
            scheduler.stop();
            throw error;
        }
    }

    /** One Parquet file of a BackTestr export (a file of its own, not a zip entry: DuckDB reads it by path). */
    protected async importParquet(session: ImportSession, request: ImportRequest, source: SourceFile): Promise<void> {
        const kind = source.entryName === undefined ? await parquetKind(this.repo, source.path) : undefined;
        if (!kind) {
            throw DatasetErrors.FormatMismatch(source.label, source.entryName !== undefined ? 'is a Parquet file inside a zip archive; unzip it first'
                : 'is a Parquet file without the columns of a BackTestr export of trades or quotes');
        }
        const instrument = await this.resolveInstrument(request, undefined, source);
        const hash = contentHash(source.load());
        const previous = await session.alreadyImported(instrument, kind, hash);
        if (previous !== undefined) {
            session.endFile(source.label, hash, source.size, `skipped: already imported by import #${previous}`);
            session.warnings.push(`${source.label} skipped: already imported by import #${previous}`);
            return;
        }
        const writer = await session.writer(instrument, kind);
        await new ParquetImporter(session, this.repo).importFile(source.label, source.path, writer);
        session.endFile(source.label, hash, source.size);
    }

    /** The instrument of the data: the request's, else the one the file names imply; created from the catalog when new. */
    async resolveInstrument(request: ImportRequest, implied: ImpliedInstrument | undefined,
        source: SourceFile, impliedTickSize?: number): Promise<Instrument> {
        return resolveInstrument(this.repo, this.catalog, request, implied, source, impliedTickSize);
    }
}
