// *****************************************************************************
// A large CSV file imported in pieces through the parse workers, never read whole.
// *****************************************************************************

import * as crypto from 'crypto';
import { CsvFormatOptions } from '../common/dataset-protocol';
import { ChunkStats, CsvImporter } from './csv-importer';
import type { ParseResult } from './csv-parse-worker';
import { parseWorkerPool, streamChunkBytes, workerError } from './csv-worker-pool';
import { importLimits, lineTooLong, longLineAt } from './import-limits';
import { DatasetWriter, ImportSession } from './import-session';
import { SourceFile } from './import-sources';
import { hashSource } from './source-loading';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

/** Pieces of large files parsed by the workers, and those this thread parsed again in sequence. */
export interface StreamStats {
    pieces: number;
    reparsed: number;
}

/**
 * A large CSV file in pieces of whole lines: this thread reads piece k+1 and hashes it while the parse workers
 * parse the next pieces and it appends piece k, so memory holds a few pieces, never the file. A piece parsed from a
 * fresh state joins the previous one exactly (DatasetWriter.canJoin); when it cannot (a row at the border out of
 * order or a bar at the same time), this thread parses that piece again in sequence. Line numbers, byte offsets,
 * the format probe and the all-rows-failed check are those of the whole file. A line longer than the limit (see import-limits)
 * is never held whole: the pieces before it are parsed (for its line number) and the import is refused.
 */
export async function importCsvStreamed(db: WorkspaceDatabase, session: ImportSession, source: SourceFile, csv: CsvFormatOptions, writer: DatasetWriter,
    streamStats: StreamStats): Promise<void> {
    const label = source.label;
    const fileName = source.entryName ?? source.path;
    const sameSize = await db.scalar('SELECT count(*) FROM import_files WHERE instrument_id = $1 AND kind = $2 AND bytes = $3',
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
    const pool = parseWorkerPool();
    const chunkBytes = streamChunkBytes();
    const hash = crypto.createHash('sha1');
    const input = source.stream()[Symbol.asyncIterator]();
    let rest: Buffer | undefined;
    let carry = Buffer.alloc(0);
    let eof = false;
    let submitted = 0;
    let nextOffset = 0;
    const maxLine = importLimits().maxLineBytes;
    /** Where the first line past the limit starts: nothing from there on is read or submitted. */
    let tooLong: number | undefined;
    /** A piece up to its first line past the limit, if any (then the last piece). */
    const upToLongLine = (piece: Buffer): Buffer => {
        const long = longLineAt(piece, 0, piece.length, maxLine);
        if (long < 0) {
            return piece;
        }
        tooLong = nextOffset + long;
        eof = true;
        carry = Buffer.alloc(0);
        return piece.subarray(0, long);
    };
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
                    return upToLongLine(buf.subarray(0, filled));
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
                return upToLongLine(buf.subarray(0, cut + 1));
            }
            if (filled > maxLine) {
                // The piece is one line (it starts at a line's start), past the limit: read no more of it.
                return upToLongLine(buf.subarray(0, filled));
            }
            // One line longer than a piece: grow the piece, to no more than one byte past the limit.
            const bigger = Buffer.allocUnsafeSlow(Math.min(buf.length * 2, maxLine + 1));
            buf.copy(bigger, 0, 0, filled);
            buf = bigger;
        }
    };
    const pending: { result: Promise<ParseResult>; offset: number; length: number; first: boolean; last: boolean }[] = [];
    /** The file's field count, from its first piece: every piece checks its rows against it. */
    let fields: number | undefined;
    const submit = async (): Promise<void> => {
        while (!eof && pending.length < pool.length + 1) {
            const piece = await readPiece();
            if (piece.length === 0 && submitted > 0) {
                break;
            }
            hash.update(piece);
            const first = submitted === 0;
            if (first) {
                fields = importer.fileFieldCount(piece);
            }
            // Read before the transfer detaches the piece's buffer.
            const length = piece.length;
            const result = pool[submitted++ % pool.length].parse({
                path: source.path, format: csv, instrument: writer.instrument, kind: writer.kind, timeframe: writer.timeframe, side: writer.side,
                stored: writer.stored.toArray(), options: writer.options, chunk: { data: piece, first, last: eof, label, fileName, fields }
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
            streamStats.pieces++;
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
                streamStats.reparsed++;
                const data = Buffer.from(parsed.data.buffer, parsed.data.byteOffset, parsed.data.byteLength);
                stats = await importer.importChunk(label, fileName, data, { first: piece.first, last: piece.last, lineBase, offsetBase: piece.offset, fields });
            }
            if (!firstFailure && stats.firstFailure) {
                firstFailure = { line: lineBase + stats.firstFailure.line, text: stats.firstFailure.text };
            }
            lineBase += stats.lines;
            dataRows += stats.dataRows;
            parseFailures += stats.parseFailures;
            session.progress(piece.offset + piece.length);
            session.checkCancelled();
            await session.spillIfLarge();
        }
        if (tooLong !== undefined) {
            // Every line before it parsed: lineBase counts them.
            throw lineTooLong(label, lineBase + 1, tooLong, maxLine);
        }
    } catch (error) {
        pool.forEach(p => p.abandon());
        await input.return?.();
        throw error;
    }
    importer.checkNotAllFailed(label, { dataRows, parseFailures, firstFailure });
    session.endFile(label, hash.digest('hex'), source.size);
}
