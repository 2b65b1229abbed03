// *****************************************************************************
// Expands what the user picked (files, folders, zip archives) into the list of files to import,
// in name order (daily files in date order).
// *****************************************************************************

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DatasetErrors } from '../common/dataset-protocol';
import { isZip, listZipFileEntries, readZipFileEntry, streamZipEntry, ZipFormatError } from './zip-reader';

export interface SourceFile {
    /** What messages and the quarantine call the file: its path, or `archive.zip/entry.csv`. */
    readonly label: string;
    readonly path: string;
    readonly entryName?: string;
    /** Uncompressed bytes. */
    readonly size: number;
    load(): Buffer;
    /** The (uncompressed) bytes in pieces of any size, for files too large to load whole. */
    stream(): AsyncIterable<Buffer>;
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

export function expandSources(paths: readonly string[]): SourceFile[] {
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
            out.push(...expandSources(names.map(n => path.join(p, n))));
        } else {
            out.push(...expandFile(p, stat.size));
        }
    }
    return out;
}

function expandFile(file: string, size: number): SourceFile[] {
    const head = Buffer.alloc(4);
    const fd = fs.openSync(file, 'r');
    try {
        fs.readSync(fd, head, 0, 4, 0);
    } finally {
        fs.closeSync(fd);
    }
    if (!isZip(head) && !/\.zip$/i.test(file)) {
        return [{ label: file, path: file, size, load: () => fs.readFileSync(file), stream: () => streamFile(file) }];
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
                return readZipFileEntry(file, entry);
            } catch (error) {
                if (error instanceof ZipFormatError) {
                    throw DatasetErrors.CorruptFile(file, error.message);
                }
                throw error;
            }
        },
        stream: () => asCorruptFile(file, streamZipEntry(file, entry))
    }));
}
