// *****************************************************************************
// Expands what the user picked (files, folders, zip archives) into the list of files to import,
// in name order (daily files in date order).
// *****************************************************************************

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DatasetErrors } from '../common/dataset-protocol';
import { importLimits, ImportLimits } from './import-limits';
import { isZip, listZipFileEntries, readZipFileEntry, readZipFileEntryHead, streamZipEntry, ZipFormatError } from './zip-reader';

export interface SourceFile {
    /** What messages and the quarantine call the file: its path, or `archive.zip/entry.csv`. */
    readonly label: string;
    readonly path: string;
    readonly entryName?: string;
    /** Uncompressed bytes. */
    readonly size: number;
    load(): Buffer;
    /** Up to the first `bytes` bytes, reading no more of the file than that needs. */
    head(bytes: number): Promise<Buffer>;
    /** The (uncompressed) bytes in pieces of any size, for files too large to load whole. */
    stream(): AsyncIterable<Buffer>;
}

/** The first bytes of a plain file. */
function fileHead(file: string, bytes: number): Buffer {
    const fd = fs.openSync(file, 'r');
    try {
        const buf = Buffer.alloc(bytes);
        return buf.subarray(0, fs.readSync(fd, buf, 0, bytes, 0));
    } finally {
        fs.closeSync(fd);
    }
}

/** The first bytes of a stream (the whole stream when shorter). */
async function streamHead(pieces: AsyncIterable<Buffer>, bytes: number): Promise<Buffer> {
    const out: Buffer[] = [];
    let n = 0;
    for await (const piece of pieces) {
        out.push(piece);
        n += piece.length;
        if (n >= bytes) {
            break;
        }
    }
    return Buffer.concat(out).subarray(0, bytes);
}

async function* streamFile(file: string): AsyncGenerator<Buffer> {
    const fd = fs.openSync(file, 'r');
    try {
        for (let pos = 0; ;) {
            const buf = Buffer.allocUnsafeSlow(1 << 22);
            const n = fs.readSync(fd, buf, 0, buf.length, pos);
            if (n === 0) {
                return;
            }
            pos += n;
            yield buf.subarray(0, n);
        }
    } finally {
        fs.closeSync(fd);
    }
}

/** Zip format errors as the import's error naming the archive. */
async function* asCorruptFile(file: string, pieces: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    try {
        yield* pieces;
    } catch (error) {
        if (error instanceof ZipFormatError) {
            throw DatasetErrors.CorruptFile(file, error.message);
        }
        throw error;
    }
}

/** A short stable hash of file contents, to recognise a file imported before. */
export function contentHash(data: Uint8Array): string {
    return crypto.createHash('sha1').update(data).digest('hex');
}

/** @param limits the zip limits the entries are read with (see import-limits): the environment's unless given (a parse worker's are its job's). */
export function expandSources(paths: readonly string[], limits: ImportLimits = importLimits()): SourceFile[] {
    const out: SourceFile[] = [];
    for (const p of paths) {
        let stat: fs.Stats;
        try {
            stat = fs.statSync(p);
        } catch {
            throw DatasetErrors.InvalidOptions(`${p}: no such file or folder`);
        }
        if (stat.isDirectory()) {
            const names = fs.readdirSync(p).filter(n => !n.startsWith('.')).sort();
            out.push(...expandSources(names.map(n => path.join(p, n)), limits));
        } else {
            out.push(...expandFile(p, stat.size, limits));
        }
    }
    return out;
}

function expandFile(file: string, size: number, limits: ImportLimits): SourceFile[] {
    const head = Buffer.alloc(4);
    const fd = fs.openSync(file, 'r');
    try {
        fs.readSync(fd, head, 0, 4, 0);
    } finally {
        fs.closeSync(fd);
    }
    if (!isZip(head) && !/\.zip$/i.test(file)) {
        return [{ label: file, path: file, size, load: () => fs.readFileSync(file), head: async bytes => fileHead(file, bytes), stream: () => streamFile(file) }];
    }
    let entries;
    try {
        entries = listZipFileEntries(file).filter(e => !e.name.endsWith('/') && !e.name.startsWith('__MACOSX'));
    } catch (error) {
        if (error instanceof ZipFormatError) {
            throw DatasetErrors.CorruptFile(file, error.message);
        }
        throw error;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    return entries.map(entry => ({
        label: `${file}/${entry.name}`,
        path: file,
        entryName: entry.name,
        size: entry.size,
        load: () => {
            try {
                return readZipFileEntry(file, entry, limits);
            } catch (error) {
                if (error instanceof ZipFormatError) {
                    throw DatasetErrors.CorruptFile(file, error.message);
                }
                throw error;
            }
        },
        head: async bytes => {
            let head: Buffer | undefined;
            try {
                head = readZipFileEntryHead(file, entry, bytes);
            } catch {
                // A damaged local header: the stream below names the problem.
            }
            return head ?? streamHead(asCorruptFile(file, streamZipEntry(file, entry, limits)), bytes);
        },
        stream: () => asCorruptFile(file, streamZipEntry(file, entry, limits))
    }));
}
