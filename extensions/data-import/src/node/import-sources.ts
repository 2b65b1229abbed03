// *****************************************************************************
// Expands what the user picked (files, folders, zip archives) into the list of files to import,
// in name order (daily files in date order).
// *****************************************************************************

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DatasetErrors } from '../common/dataset-protocol';
import { isZip, listZipEntries, readZipEntry, ZipFormatError } from './zip-reader';

export interface SourceFile {
    /** What messages and the quarantine call the file: its path, or `archive.zip/entry.csv`. */
    readonly label: string;
    readonly path: string;
    readonly entryName?: string;
    /** Uncompressed bytes. */
    readonly size: number;
    load(): Buffer;
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
        return [{ label: file, path: file, size, load: () => fs.readFileSync(file) }];
    }
    const zip = fs.readFileSync(file);
    let entries;
    try {
        entries = listZipEntries(zip).filter(e => !e.name.endsWith('/') && !e.name.startsWith('__MACOSX'));
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
                return readZipEntry(fs.readFileSync(file), entry);
            } catch (error) {
                if (error instanceof ZipFormatError) {
                    throw DatasetErrors.CorruptFile(file, error.message);
                }
                throw error;
            }
        }
    }));
}
