// *****************************************************************************
// One import: a single DuckDB transaction into which the importers stream validated ticks,
// bars and quarantined rows. Commit writes everything; any error (or cancellation) rolls all
// of it back, so a failed import leaves the database as it was.
// *****************************************************************************

import { CrossedQuotePolicy, DatasetErrors, DatasetKey, DatasetKind, DuplicatePolicy, ImportedFile, ImportProgress, Instrument, OverlapPolicy } from '../common/dataset-protocol';
import { DuckDBConnection } from '@duckdb/node-api';
import { ColumnarAppender, num, stagingTable, TickKind, TickRepository, TickStore, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';
import { BUFFER_ROWS, DatasetWriter, DatasetWriterOptions, ImportSink, ParsedColumns, RangeSet, STORED_OVERLAP } from './dataset-writer';
import { isStorableTime } from './time-zone';

/**
 * Staged rows past which an import writes what it has as segments (bounds its memory on a large import); the
 * environment's BACKTESTR_IMPORT_SPILL_ROWS overrides it.
 */
export const SPILL_ROWS = Number(process.env.BACKTESTR_IMPORT_SPILL_ROWS) || 2_000_000;

export { DatasetWriter, ImportSink, ParsedColumns, RangeSet } from './dataset-writer';

interface QuarantineBuffer {
    instrumentId: (string | null)[];
    kind: (string | null)[];
    file: string[];
    line: Float64Array;
    offset: Float64Array;
    time: Float64Array;
    raw: string[];
    reason: string[];
    count: number;
}

export interface ImportSessionOptions {
    readonly format: string;
    readonly preset?: string;
    readonly paths: readonly string[];
    readonly options?: unknown;
    readonly totalBytes: number;
    readonly filesTotal: number;
    readonly duplicates?: DuplicatePolicy;
    /** Rows inside time ranges the dataset already stores: skipped (default) or quarantined. */
    readonly overlap?: OverlapPolicy;
    readonly outOfOrderToleranceUs?: number;
    /** Crossed quotes of every dataset of the import (ImportRequest.crossedQuotes); a CSV preset's applies when absent. */
    readonly crossedQuotes?: CrossedQuotePolicy;
    /** Staged tick rows past which segments are written before the commit (default SPILL_ROWS). */
    readonly spillRows?: number;
    /** A dataset whose stored rows this import replaces (deleted inside its transaction). */
    readonly replace?: DatasetKey;
    readonly signal?: AbortSignal;
    readonly onProgress?: (progress: ImportProgress) => void;
}

export class ImportSession implements ImportSink {
    importId = 0;
    readonly writers = new Map<string, DatasetWriter>();
    readonly files: ImportedFile[] = [];
    readonly warnings: string[] = [];
    instrumentsDefined = 0;
    protected tradeAppender?: ColumnarAppender;
    protected quoteAppender?: ColumnarAppender;
    protected barAppender?: ColumnarAppender;
    protected quarantineAppender?: ColumnarAppender;
    protected readonly q: QuarantineBuffer = this.newQuarantineBuffer();
    protected readonly pendingFiles: { writer: DatasetWriter; path: string; hash: string; bytes: number; rows: number; quarantined: number; first: number; last: number }[] = [];
    protected readonly knownHashes = new Map<string, Promise<Map<string, number>>>();
    protected readonly startedAt = Date.now();
    protected bytesDone = 0;
    protected filesDone = 0;
    protected currentFile = '';
    protected lastProgress = 0;
    /** Tick rows appended to the staging tables since they were last written as segments. */
    protected staged = 0;
    /** Kinds this import wrote segments of (their views are rewritten at the commit). */
    protected readonly written = new Set<TickKind>();
    protected store!: TickStore;
    /** The connection holding the staged ticks (see TickStore). */
    protected staging?: DuckDBConnection;
    totalQuarantined = 0;

    constructor(readonly db: WorkspaceDatabase, readonly repo: TickRepository, readonly options: ImportSessionOptions) { }

    get rows(): number {
        let n = 0;
        for (const w of this.writers.values()) {
            n += w.rows;
        }
        return n;
    }

    async begin(): Promise<void> {
        this.importId = num(await this.db.scalar(`SELECT nextval('import_id_seq')`));
        await this.db.run('BEGIN TRANSACTION');
        if (this.options.replace) {
            try {
                await this.repo.deleteDatasetRows(this.options.replace);
            } catch (error) {
                await this.db.rollback();
                throw error;
            }
        }
        // Ticks go to temporary staging tables and from there into Parquet segments (see TickStore).
        this.staging = await this.db.connect();
        this.store = new TickStore(this.db, this.staging);
        await this.store.createStaging('trades');
        await this.store.createStaging('quotes');
        await this.store.createStaging('bars');
        await this.openTickAppenders();
        this.quarantineAppender = await ColumnarAppender.create(this.db.connection, 'quarantine',
            ['INTEGER', 'BIGINT', 'VARCHAR', 'VARCHAR', 'BIGINT', 'BIGINT', 'BIGINT', 'VARCHAR', 'VARCHAR']);
    }

    protected async openTickAppenders(): Promise<void> {
        this.tradeAppender = await ColumnarAppender.create(this.staging!, stagingTable('trades'), ['INTEGER', 'BIGINT', 'BIGINT', 'BIGINT', 'INTEGER'], true);
        this.quoteAppender = await ColumnarAppender.create(this.staging!, stagingTable('quotes'),
            ['INTEGER', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'INTEGER'], true);
        this.barAppender = await ColumnarAppender.create(this.staging!, stagingTable('bars'),
            ['INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'INTEGER'], true);
    }

    /**
     * Writes the staged ticks as segments once there are SPILL_ROWS of them, so a large import never holds them all;
     * importers call it where they may wait. Segments written now are merged with later rows that reach into them.
     */
    async spillIfLarge(): Promise<void> {
        if (this.staged < (this.options.spillRows ?? SPILL_ROWS)) {
            return;
        }
        for (const w of this.writers.values()) {
            this.flushWriter(w);
        }
        this.tradeAppender?.close();
        this.quoteAppender?.close();
        this.barAppender?.close();
        await this.writeStagedTicks();
        await this.openTickAppenders();
    }

    /** Moves every staged tick into segments and empties the staging tables. */
    protected async writeStagedTicks(): Promise<void> {
        for (const kind of ['trades', 'quotes', 'bars'] as TickKind[]) {
            this.checkCancelled();
            // In order when the dataset had one writer (bars of one timeframe and side) that saw its rows in order.
            const inOrder = (id: number): boolean => {
                const writers = [...this.writers.values()].filter(w => w.instrument.id === id && w.kind === kind);
                return writers.length === 1 && !writers[0].needsResort && !this.filesOutOfOrder(writers[0]);
            };
            if (await this.store.writeAllStaged(kind, this.importId, inOrder) > 0) {
                this.written.add(kind);
            }
            // Replaced, not emptied: the memory goes back at once.
            await this.store.createStaging(kind);
        }
        this.staged = 0;
    }

    /** The writer of a dataset, created on first use with the ranges its stored files cover. */
    async writer(instrument: Instrument, kind: DatasetKind, timeframe = '', side = 'trade',
        quotes?: Pick<DatasetWriterOptions, 'crossedQuotes' | 'oneSidedQuotes'>): Promise<DatasetWriter> {
        const key = `${instrument.id}:${kind}:${timeframe}`;
        let w = this.writers.get(key);
        if (!w) {
            const stored = new RangeSet();
            const rows = await this.db.all(`SELECT first_us, last_us FROM import_files
                WHERE instrument_id = $1 AND kind = $2 AND first_us IS NOT NULL`, [instrument.id, kind]);
            for (const r of rows) {
                stored.add(num(r.first_us), num(r.last_us));
            }
            w = new DatasetWriter(this, instrument, kind, stored, stored.max, {
                duplicates: this.options.duplicates ?? 'keep',
                outOfOrderToleranceUs: this.options.outOfOrderToleranceUs ?? 0,
                crossedQuotes: this.options.crossedQuotes ?? quotes?.crossedQuotes ?? 'quarantine',
                oneSidedQuotes: quotes?.oneSidedQuotes ?? false
            }, timeframe, side);
            w.startFile();
            this.writers.set(key, w);
        }
        return w;
    }

    /**
     * Whether this file (same contents) was imported before into the dataset: the import that did. One query per
     * dataset and import, not per file (import_files changes only when this import commits).
     */
    async alreadyImported(instrument: Instrument, kind: DatasetKind, hash: string): Promise<number | undefined> {
        const key = `${instrument.id}:${kind}`;
        let known = this.knownHashes.get(key);
        if (!known) {
            known = this.db.all('SELECT content_hash, min(import_id) AS import_id FROM import_files WHERE instrument_id = $1 AND kind = $2 GROUP BY content_hash',
                [instrument.id, kind]).then(rows => new Map(rows.map(r => [String(r.content_hash), num(r.import_id)])));
            this.knownHashes.set(key, known);
        }
        return (await known).get(hash);
    }

    startFile(label: string): void {
        this.currentFile = label;
        for (const w of this.writers.values()) {
            w.startFile();
        }
        this.checkCancelled();
    }

    /** Records what a file contributed to each dataset it touched. */
    endFile(label: string, hash: string, bytes: number, note?: string): ImportedFile {
        let rows = 0, quarantined = 0, skipped = 0;
        for (const w of this.writers.values()) {
            if (!w.touchedInFile) {
                continue;
            }
            rows += w.fileRows;
            quarantined += w.fileQuarantined;
            if (w.fileSkipped > 0) {
                skipped += w.fileSkipped;
                const i = w.instrument;
                this.warnings.push(`${label}: ${w.fileSkipped} rows skipped: ${i.symbol}@${i.venue} ${w.kind} already stores their times `
                    + '(another file of the same days); give --overlap quarantine (the wizard: "record them in the quarantine") to record each row, '
                    + 'or re-import the dataset to replace it');
            }
            this.pendingFiles.push({
                writer: w, path: label, hash, bytes, rows: w.fileRows, quarantined: w.fileQuarantined,
                first: w.fileFirst, last: w.fileLast
            });
            if (w.fileRows > 0) {
                w.stored.add(w.fileFirst, w.fileLast, false);
            }
            w.touchedInFile = false;
        }
        const file: ImportedFile = skipped > 0 ? { path: label, rows, quarantined, skipped, note: note ?? `${skipped} rows skipped: their times are already stored` }
            : { path: label, rows, quarantined, note };
        this.files.push(file);
        this.filesDone++;
        this.bytesDone += bytes;
        this.progress(0, true);
        return file;
    }

    quarantine(writer: DatasetWriter | undefined, file: string, line: number, byteOffset: number, raw: string, reason: string, time = NaN): void {
        // A row of a day the dataset already holds is no bad row: left out and counted, unless the policy says record it.
        if (writer && reason === STORED_OVERLAP && (this.options.overlap ?? 'skip') === 'skip') {
            writer.noteSkipped();
            return;
        }
        writer?.noteQuarantined();
        this.totalQuarantined++;
        const q = this.q;
        const i = q.count;
        q.instrumentId[i] = writer ? String(writer.instrument.id) : null;
        q.kind[i] = writer ? writer.kind : null;
        q.file[i] = file;
        q.line[i] = line;
        q.offset[i] = byteOffset;
        // A time the store cannot hold (year 3000, 1e300 from a binary field) is no day to count the row against.
        q.time[i] = isStorableTime(time) ? time : NaN;
        q.raw[i] = raw.length > 4096 ? raw.slice(0, 4096) + '...' : raw;
        q.reason[i] = reason;
        if (++q.count === BUFFER_ROWS) {
            this.flushQuarantine();
        }
    }

    /** Throws ImportCancelled when the signal fired; call between chunks. */
    checkCancelled(): void {
        if (this.options.signal?.aborted) {
            throw DatasetErrors.ImportCancelled();
        }
    }

    /** Reports progress at most ten times a second; `fileBytes` is how far into the current file. */
    progress(fileBytes: number, force = false): void {
        const now = Date.now();
        if (!this.options.onProgress || (!force && now - this.lastProgress < 100)) {
            return;
        }
        this.lastProgress = now;
        const rows = this.rows;
        const seconds = Math.max((now - this.startedAt) / 1000, 1e-3);
        this.options.onProgress({
            importId: this.importId, file: this.currentFile, filesDone: this.filesDone, filesTotal: this.options.filesTotal,
            rows, quarantined: this.totalQuarantined, rowsPerSecond: Math.round(rows / seconds),
            percent: this.options.totalBytes > 0 ? Math.min(100, 100 * (this.bytesDone + fileBytes) / this.options.totalBytes) : 0
        });
    }

    flushWriter(w: DatasetWriter): void {
        const n = w.count;
        if (n === 0) {
            return;
        }
        if (w.kind === 'bars') {
            this.barAppender!.append([w.instrument.id, w.timeframe, 'import', w.side, w.time, w.a, w.b, w.c, w.d, w.e, 1, this.importId], 0, n);
            this.staged += n;
        } else if (w.kind === 'trades') {
            this.tradeAppender!.append([w.instrument.id, w.time, w.a, w.b, w.flags], 0, n);
            this.staged += n;
        } else {
            this.quoteAppender!.append([w.instrument.id, w.time, w.a, w.b, w.c, w.d, w.flags], 0, n);
            this.staged += n;
        }
        w.count = 0;
    }

    /** Appends the first `n` rows of whole columns for a writer (a worker's parsed file). */
    appendColumns(w: DatasetWriter, c: ParsedColumns, n: number): void {
        if (n === 0) {
            return;
        }
        if (w.kind === 'bars') {
            this.barAppender!.append([w.instrument.id, w.timeframe, 'import', w.side, c.time, c.a, c.b, c.c, c.d, c.e, 1, this.importId], 0, n);
            this.staged += n;
        } else if (w.kind === 'trades') {
            this.tradeAppender!.append([w.instrument.id, c.time, c.a, c.b, c.flags], 0, n);
            this.staged += n;
        } else {
            this.quoteAppender!.append([w.instrument.id, c.time, c.a, c.b, c.c, c.d, c.flags], 0, n);
            this.staged += n;
        }
    }

    protected flushQuarantine(): void {
        const q = this.q;
        if (q.count === 0) {
            return;
        }
        const instrumentIds = new Float64Array(q.count);
        for (let i = 0; i < q.count; i++) {
            instrumentIds[i] = q.instrumentId[i] === null ? NaN : Number(q.instrumentId[i]);
        }
        this.quarantineAppender!.append([this.importId, instrumentIds, q.kind, q.file, q.line, q.offset, q.time, q.raw, q.reason], 0, q.count);
        Object.assign(q, this.newQuarantineBuffer());
    }

    protected newQuarantineBuffer(): QuarantineBuffer {
        return {
            instrumentId: [], kind: [], file: [], line: new Float64Array(BUFFER_ROWS), offset: new Float64Array(BUFFER_ROWS),
            time: new Float64Array(BUFFER_ROWS), raw: [], reason: [], count: 0
        };
    }

    /** Flushes everything, writes the ticks as segments (in time order), records the import, and commits. */
    async commit(status: 'committed' = 'committed', message?: string): Promise<void> {
        for (const w of this.writers.values()) {
            this.flushWriter(w);
        }
        this.flushQuarantine();
        this.closeAppenders();
        this.checkCancelled();
        await this.writeStagedTicks();
        this.closeStaging();
        await this.store.refreshViews([...this.written]);
        // The files in statements of up to 100 rows, not one statement each.
        for (let at = 0; at < this.pendingFiles.length; at += 100) {
            const batch = this.pendingFiles.slice(at, at + 100);
            await this.db.run(`INSERT INTO import_files VALUES ${batch.map((_, i) => `(${Array.from({ length: 10 }, (__, k) => `$${10 * i + k + 1}`).join(', ')})`).join(', ')}`,
                batch.flatMap(f => [
                    this.importId, f.writer.instrument.id, f.writer.kind, f.path, f.hash, f.bytes, f.rows, f.quarantined,
                    f.rows > 0 ? f.first : null, f.rows > 0 ? f.last : null
                ]));
        }
        await this.db.run(`INSERT INTO imports VALUES ($1, $2, $3, $4, $5, $6, $7::JSON, $8, $9, $10, $11)`, [
            this.importId, this.startedAt * 1000, Date.now() * 1000, this.options.format, this.options.preset ?? null,
            JSON.stringify(this.options.paths), JSON.stringify(this.options.options ?? null), status, this.rows, this.totalQuarantined, message ?? null
        ]);
        this.checkCancelled();
        await this.db.commit();
    }

    /** Whether files of this import arrived out of time order with each other. */
    protected filesOutOfOrder(w: DatasetWriter): boolean {
        let prevLast = -Infinity;
        for (const f of this.pendingFiles) {
            if (f.writer !== w || f.rows === 0) {
                continue;
            }
            if (f.first < prevLast) {
                return true;
            }
            prevLast = f.last;
        }
        return false;
    }

    /** Closes the staging connection, dropping its temporary tables. */
    protected closeStaging(): void {
        this.staging?.closeSync();
        this.staging = undefined;
    }

    protected closeAppenders(): void {
        for (const a of [this.tradeAppender, this.quoteAppender, this.barAppender, this.quarantineAppender]) {
            a?.close();
        }
        this.tradeAppender = this.quoteAppender = this.barAppender = this.quarantineAppender = undefined;
    }

    /** Undoes everything and records the failed import (outside the rolled-back transaction). */
    async rollback(error: unknown): Promise<void> {
        try {
            this.closeAppenders();
        } catch {
            // The appender may hold rows that fail a constraint; the rollback discards them.
        }
        this.closeStaging();
        // Also deletes the segment files this import wrote.
        await this.db.rollback();
        const cancelled = typeof error === 'object' && error !== null && DatasetErrors.ImportCancelled.is(error);
        const message = error instanceof Error ? error.message : String(error);
        try {
            await this.db.run(`INSERT INTO imports VALUES ($1, $2, $3, $4, $5, $6, $7::JSON, $8, 0, 0, $9)`, [
                this.importId, this.startedAt * 1000, Date.now() * 1000, this.options.format, this.options.preset ?? null,
                JSON.stringify(this.options.paths), JSON.stringify(this.options.options ?? null), cancelled ? 'cancelled' : 'failed', message
            ]);
        } catch {
            // Recording the failure is best effort; the data itself is untouched.
        }
    }
}
