// *****************************************************************************
// The CSV parse-worker pool: worker threads running csv-parse-worker (kept warm for the life of the
// process), the size of the pool and of the pieces of a large file, and the scheduling of whole files
// onto the workers (each pulls the next file when done, with one more queued behind it).
// *****************************************************************************

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CsvFormatOptions, DatasetErrors } from '../common/dataset-protocol';
import type { HashJob, ParseJob, ParseResult } from './csv-parse-worker';
import { importLimits } from './import-limits';
import { DatasetWriter } from './import-session';
import { SourceFile } from './import-sources';

/**
 * One worker thread running csv-parse-worker, answering jobs in order. Kept for the life of the
 * process (unref'd: it never keeps it alive) so its JIT stays warm from one import to the next.
 */
export class CsvParseWorker {
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

/** The parse-worker pool of an import: `CsvParseWorker.poolSize` workers, shared with the imports before and after it. */
export function parseWorkerPool(): CsvParseWorker[] {
    return Array.from({ length: CsvParseWorker.poolSize }, (_, i) => CsvParseWorker.get(i));
}

/** Whether parse workers are on (`BACKTESTR_IMPORT_WORKERS=0` turns them off). */
export function parseWorkersEnabled(): boolean {
    return process.env.BACKTESTR_IMPORT_WORKERS !== '0';
}

/** Bytes of a piece of a large CSV file: `BACKTESTR_IMPORT_CHUNK_BYTES`, else 8 MiB. */
export function streamChunkBytes(): number {
    const env = Number(process.env.BACKTESTR_IMPORT_CHUNK_BYTES);
    return env >= 64 ? Math.trunc(env) : 8 << 20;
}

/** Whether a file (or zip entry) is read and parsed in pieces: above two pieces, when parse workers are on. */
export function isStreamable(source: SourceFile): boolean {
    return source.size > 2 * streamChunkBytes() && parseWorkersEnabled();
}

/** An error a parse worker reported, as the error the same-thread import would have thrown. */
export function workerError(error: NonNullable<ParseResult['error']>): Error {
    const data = error.data as { file: string; reason: string } | undefined;
    if (error.code === DatasetErrors.FormatMismatch.code) {
        return DatasetErrors.FormatMismatch(data!.file, data!.reason);
    }
    if (error.code === DatasetErrors.CorruptFile.code) {
        return DatasetErrors.CorruptFile(data!.file, data!.reason);
    }
    return new Error(error.message);
}

/**
 * Whole CSV files onto the parse workers: a worker takes the next file when it is done with its last one (files
 * differ in size: no fixed rotation), at most `ahead` files beyond the one being appended, so memory holds a few
 * parsed files, never all. Each worker has one more file queued behind the one it parses, so it never waits for
 * this thread (busy appending) to hand it the next. Files to be streamed are left out (no job).
 */
export class CsvFileScheduler {
    protected readonly jobs: Promise<ParseResult>[] = [];
    protected readonly queued: number[];
    protected readonly ahead: number;
    protected nextJob = 0;
    protected appending = 0;
    protected stopped = false;

    constructor(readonly pool: CsvParseWorker[], readonly files: SourceFile[], readonly csv: CsvFormatOptions, readonly writer: DatasetWriter) {
        this.queued = pool.map(() => 0);
        this.ahead = 2 * pool.length + 1;
    }

    /** File `j` is being appended now: hands the workers the files they may take by now. */
    appendingFile(j: number): void {
        this.appending = j;
        this.submit();
    }

    /** The parse of file `j` (submitted before: see appendingFile). */
    job(j: number): Promise<ParseResult> {
        return this.jobs[j];
    }

    /** After a failed or cancelled import: no more files, and the results of the running ones dropped. */
    stop(): void {
        this.stopped = true;
        this.pool.forEach(p => p.abandon());
    }

    protected submit(): void {
        const { pool, queued, files: rest, writer, csv } = this;
        while (!this.stopped && this.nextJob < rest.length && this.nextJob <= this.appending + this.ahead) {
            const w = queued.indexOf(Math.min(...queued));
            if (queued[w] >= 2) {
                return;
            }
            const j = this.nextJob++;
            if (isStreamable(rest[j])) {
                continue;
            }
            const worker = pool[w];
            queued[w]++;
            // The writer's stored ranges as they are now: a file of this import overlapping another is caught
            // on this thread (writer.overlaps) and parsed again in sequence.
            this.jobs[j] = worker.parse({
                path: rest[j].path, entryName: rest[j].entryName, format: csv, instrument: writer.instrument, kind: writer.kind,
                timeframe: writer.timeframe, side: writer.side, stored: writer.stored.toArray(), options: writer.options, limits: importLimits()
            });
            this.jobs[j].then(() => {
                queued[w]--;
                this.submit();
            }, () => undefined);
        }
    }
}
