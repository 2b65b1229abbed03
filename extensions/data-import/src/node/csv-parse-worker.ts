// *****************************************************************************
// Worker thread of the pipelined CSV import: loads (unzips) and parses one file into typed-array
// columns with the same validation as the main thread, while the main thread appends the previous
// file to DuckDB. The result goes back with its buffers transferred, not copied.
// *****************************************************************************

import { parentPort } from 'worker_threads';
import { CsvFormatOptions, DatasetKind, Instrument } from '../common/dataset-protocol';
import { ChunkStats, CsvImporter } from './csv-importer';
import { ImportLimits } from './import-limits';
import { contentHash, expandSources } from './import-sources';
import { DatasetWriter, DatasetWriterOptions, ImportSink, RangeSet, WriterState } from './dataset-writer';

export interface ParseJob {
    readonly id: number;
    readonly path: string;
    readonly entryName?: string;
    readonly format: CsvFormatOptions;
    readonly instrument: Instrument;
    readonly kind: DatasetKind;
    readonly timeframe: string;
    readonly side: string;
    readonly stored: [number, number][];
    readonly options: DatasetWriterOptions;
    /** The importing thread's limits (this thread's environment is a copy from when it started): zip entries, line length. */
    readonly limits?: ImportLimits;
    /** A piece of a large file (whole lines) to parse instead of loading `path`: see DataImporter's streamed import. */
    readonly chunk?: {
        readonly data: Uint8Array; readonly first: boolean; readonly last: boolean; readonly label: string; readonly fileName: string;
        /** The file's field count (CsvImporter.fileFieldCount of its first piece). */
        readonly fields?: number;
    };
}

/** The content hash of bytes in shared memory, computed here while the main thread reads them (a FIX or binary import). */
export interface HashJob {
    readonly id: number;
    readonly hashOf: Uint8Array;
}

export interface ParseResult {
    readonly id: number;
    readonly error?: { code?: number; message: string; data?: unknown };
    readonly hash?: string;
    readonly firstLine?: string;
    readonly count?: number;
    readonly first?: number;
    readonly last?: number;
    readonly repeats?: number;
    readonly needsResort?: boolean;
    /** Columns longer than `count`; the first `count` rows are the file's accepted rows. */
    readonly columns?: { time: Float64Array; a: Float64Array; b: Float64Array; c: Float64Array; d: Float64Array; e: Float64Array; flags: Int32Array };
    readonly quarantine?: { line: number[]; offset: number[]; raw: string[]; reason: string[]; time: number[] };
    /** Of a chunk: its parse statistics, the writer state after it, the earliest time before its first accepted row, and its bytes back. */
    readonly chunk?: { stats: ChunkStats; end: WriterState; headMin: number; data: Uint8Array };
}

/** Collects a writer's flushed rows into growing columns and the quarantine into arrays. */
class Collector implements ImportSink {
    count = 0;
    /** Value columns the dataset kind uses (a, b for trades; a-d for quotes; a-e for bars); the others stay empty. */
    /**
     * @param bytes of the input: columns sized for rows of 20 bytes (the presets' rows are 25-60), so a file's rows
     * rarely need the columns grown (a copy of each), and a small file gets small columns.
     */
    constructor(readonly used: number, bytes: number) {
        const n = Math.max(1 << 12, Math.ceil(bytes / 20));
        this.cols = {
            time: new Float64Array(n), a: new Float64Array(n), b: new Float64Array(n), c: new Float64Array(used > 2 ? n : 0),
            d: new Float64Array(used > 2 ? n : 0), e: new Float64Array(used > 4 ? n : 0), flags: new Int32Array(n)
        };
    }
    cols: { time: Float64Array; a: Float64Array; b: Float64Array; c: Float64Array; d: Float64Array; e: Float64Array; flags: Int32Array };
    readonly q = { line: [] as number[], offset: [] as number[], raw: [] as string[], reason: [] as string[], time: [] as number[] };

    flushWriter(w: DatasetWriter): void {
        const n = w.count;
        if (this.count + n > this.cols.time.length) {
            const size = Math.max(this.cols.time.length * 2, this.count + n);
            const grow = <T extends Float64Array | Int32Array>(a: T): T => {
                if (a.length === 0) {
                    return a;
                }
                const b = new (a.constructor as { new(n: number): T })(size);
                b.set(a.subarray(0, this.count));
                return b;
            };
            this.cols = { time: grow(this.cols.time), a: grow(this.cols.a), b: grow(this.cols.b), c: grow(this.cols.c), d: grow(this.cols.d), e: grow(this.cols.e), flags: grow(this.cols.flags) };
        }
        const at = this.count;
        this.cols.time.set(w.time.subarray(0, n), at);
        this.cols.a.set(w.a.subarray(0, n), at);
        this.cols.b.set(w.b.subarray(0, n), at);
        if (this.used > 2) {
            this.cols.c.set(w.c.subarray(0, n), at);
            this.cols.d.set(w.d.subarray(0, n), at);
        }
        if (this.used > 4) {
            this.cols.e.set(w.e.subarray(0, n), at);
        }
        this.cols.flags.set(w.flags.subarray(0, n), at);
        this.count += n;
        w.count = 0;
    }

    quarantine(writer: DatasetWriter | undefined, _file: string, line: number, byteOffset: number, raw: string, reason: string, time = NaN): void {
        writer?.noteQuarantined();
        this.q.line.push(line);
        this.q.offset.push(byteOffset);
        this.q.raw.push(raw);
        this.q.reason.push(reason);
        this.q.time.push(time);
    }

    progress(): void { /* the main thread reports per file */ }
    checkCancelled(): void { /* the main thread terminates the worker */ }
}

function newWriter(job: ParseJob, collector: Collector): DatasetWriter {
    const stored = new RangeSet();
    for (const [a, b] of job.stored) {
        stored.add(a, b, false);
    }
    const writer = new DatasetWriter(collector, job.instrument, job.kind, stored, stored.max, job.options, job.timeframe, job.side);
    writer.startFile();
    return writer;
}

async function runChunk(job: ParseJob, chunk: NonNullable<ParseJob['chunk']>): Promise<ParseResult> {
    const collector = new Collector(job.kind === 'trades' ? 2 : job.kind === 'quotes' ? 4 : 5, chunk.data.byteLength);
    const writer = newWriter(job, collector);
    const data = Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
    const stats = await new CsvImporter(collector, job.format, writer).importChunk(chunk.label, chunk.fileName, data,
        { first: chunk.first, last: chunk.last, lineBase: 0, offsetBase: 0, fields: chunk.fields });
    collector.flushWriter(writer);
    return {
        id: job.id, count: collector.count, first: writer.fileFirst, last: writer.fileLast, repeats: writer.repeats, needsResort: writer.needsResort,
        columns: collector.cols, quarantine: collector.q, chunk: { stats, end: writer.state, headMin: writer.headMin, data: chunk.data }
    };
}

async function run(job: ParseJob): Promise<ParseResult> {
    if (job.chunk) {
        return runChunk(job, job.chunk);
    }
    const source = expandSources([job.path], job.limits).find(s => s.entryName === job.entryName);
    if (!source) {
        throw new Error(`${job.path}: entry ${job.entryName} vanished`);
    }
    const data = source.load();
    const end = data.indexOf(10);
    const firstLine = data.toString('utf8', 0, end < 0 ? Math.min(data.length, 4096) : Math.min(end, 4096));
    const collector = new Collector(job.kind === 'trades' ? 2 : job.kind === 'quotes' ? 4 : 5, data.length);
    const writer = newWriter(job, collector);
    const importer = new CsvImporter(collector, job.format, writer);
    if (job.limits) {
        importer.maxLineBytes = job.limits.maxLineBytes;
    }
    await importer.importFile(source.label, source.entryName ?? source.path, data);
    collector.flushWriter(writer);
    const n = collector.count;
    // Whole buffers go back (transferred, not copied); the first `count` rows are valid.
    const columns = collector.cols;
    return {
        id: job.id, hash: contentHash(data), firstLine, count: n, first: writer.fileFirst, last: writer.fileLast, repeats: writer.repeats,
        needsResort: writer.needsResort, columns, quarantine: collector.q
    };
}

parentPort?.on('message', (job: ParseJob | HashJob) => {
    if ('hashOf' in job) {
        parentPort!.postMessage({ id: job.id, hash: contentHash(job.hashOf) });
        return;
    }
    run(job).then(result => {
        const cols = result.columns!;
        const transfer = [cols.time.buffer, cols.a.buffer, cols.b.buffer, cols.c.buffer, cols.d.buffer, cols.e.buffer, cols.flags.buffer] as ArrayBuffer[];
        if (result.chunk) {
            transfer.push(result.chunk.data.buffer as ArrayBuffer);
        }
        parentPort!.postMessage(result, transfer);
    }, (error: Error & { code?: number; data?: unknown }) => {
        parentPort!.postMessage({ id: job.id, error: { code: error.code, message: error.message, data: error.data } });
    });
});
