// *****************************************************************************
// Reads the entries of a zip archive (stored or deflated) with Node's native zlib: faster than
// a pure-JS inflater on the backend (the Lean daily zips inflate at several hundred MB/s).
// A truncated or corrupt archive raises one error naming the file. An entry inflates to no more than
// its declared size (a directory that understates it is caught as the bytes come, not after), and a
// declared size past the limits (import-limits: a cap, and a compression ratio) is refused before
// anything inflates: a zip bomb costs neither memory nor time. Encrypted entries and symbolic links are refused.
// Kept rather than a library (bench/zip.js, 2026-12-08, 512 MB entry streamed on 2 shared cores): ours 360-458 MB/s,
// yauzl's own stream 242-247 MB/s (zlib's 16 KiB pieces, not settable), fflate (pure JS) 130-156 MB/s. yauzl's raw
// bytes through an inflater like ours match it (358-379), but then yauzl replaces only the directory parsing, and it
// is asynchronous where expandSources and the parse workers read zips synchronously.
// *****************************************************************************

import * as fs from 'fs';
import * as zlib from 'zlib';
import { DEFAULT_IMPORT_LIMITS, formatBytes, ImportLimits, RATIO_FREE_BYTES } from './import-limits';

export interface ZipEntry {
    readonly name: string;
    readonly method: number;
    readonly compressedSize: number;
    readonly size: number;
    readonly crc32: number;
    readonly localHeaderOffset: number;
    /** General purpose flag bit 0: the entry is encrypted (traditional PKWARE or AES); we do not decrypt. */
    readonly encrypted: boolean;
    /** A symbolic link stored by a Unix zip (its bytes are the link's target, not data). */
    readonly symlink: boolean;
}

export class ZipFormatError extends Error { }

/** What the zip limits allow an entry: the limits of an import (import-limits), or the defaults. */
export type ZipLimits = Pick<ImportLimits, 'maxEntryBytes' | 'maxInflateRatio'>;

const WHAT_TO_DO = 'unzip the archive yourself and import the files it holds, or raise the limit with the environment variable';

/**
 * Refuses an entry that is not plain data (encrypted, or a symbolic link), and one whose declared size is past the
 * limits, before anything of it inflates.
 */
export function checkEntryLimits(entry: ZipEntry, limits: ZipLimits = DEFAULT_IMPORT_LIMITS): void {
    if (entry.encrypted) {
        throw new ZipFormatError(`${entry.name} is encrypted; BackTestr reads only unencrypted zip entries: unzip the archive with its password and import the files it holds`);
    }
    if (entry.symlink) {
        throw new ZipFormatError(`${entry.name} is a symbolic link, not a file; BackTestr does not follow links in a zip archive: import the file it points to`);
    }
    if (entry.method === 0) {
        return;
    }
    if (entry.size > limits.maxEntryBytes) {
        throw new ZipFormatError(`${entry.name} would inflate to ${formatBytes(entry.size)}, more than the limit of ${formatBytes(limits.maxEntryBytes)} a zip entry `
            + `may have: ${WHAT_TO_DO} BACKTESTR_ZIP_MAX_ENTRY_BYTES`);
    }
    if (entry.size > Math.max(RATIO_FREE_BYTES, limits.maxInflateRatio * entry.compressedSize)) {
        throw new ZipFormatError(`${entry.name} would inflate ${Math.round(entry.size / Math.max(1, entry.compressedSize))} times (${formatBytes(entry.compressedSize)} `
            + `to ${formatBytes(entry.size)}), more than the ${limits.maxInflateRatio} times a zip entry may (a zip bomb?): ${WHAT_TO_DO} BACKTESTR_ZIP_MAX_RATIO`);
    }
}

function inflatesPastSize(entry: ZipEntry): ZipFormatError {
    return new ZipFormatError(`corrupt zip archive: ${entry.name} inflates to more than the ${entry.size} bytes its directory declares (a zip bomb?); `
        + 'the import stopped reading it there');
}

export function isZip(head: Uint8Array): boolean {
    return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

export function listZipEntries(zip: Buffer): ZipEntry[] {
    // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
    let eocd = -1;
    for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
        if (zip.readUInt32LE(i) === 0x06054b50) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) {
        throw new ZipFormatError('not a complete zip archive: its end-of-central-directory record is missing (the file is truncated or not a zip)');
    }
    const count = zip.readUInt16LE(eocd + 10);
    const cdSize = zip.readUInt32LE(eocd + 12);
    const cdOffset = zip.readUInt32LE(eocd + 16);
    if (cdOffset + cdSize > eocd) {
        throw new ZipFormatError('corrupt zip archive: the central directory lies outside the file');
    }
    const entries: ZipEntry[] = [];
    let p = cdOffset;
    for (let k = 0; k < count; k++) {
        if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) {
            throw new ZipFormatError(`corrupt zip archive: central directory entry ${k + 1} is damaged`);
        }
        const madeBy = zip.readUInt16LE(p + 4);
        const flags = zip.readUInt16LE(p + 8);
        const method = zip.readUInt16LE(p + 10);
        const crc32 = zip.readUInt32LE(p + 16);
        let compressedSize = zip.readUInt32LE(p + 20);
        let size = zip.readUInt32LE(p + 24);
        const nameLength = zip.readUInt16LE(p + 28);
        const extraLength = zip.readUInt16LE(p + 30);
        const commentLength = zip.readUInt16LE(p + 32);
        const externalAttributes = zip.readUInt32LE(p + 38);
        let localHeaderOffset = zip.readUInt32LE(p + 42);
        const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
        // ZIP64: sizes and offset set to 0xFFFFFFFF are in the extra field 0x0001, in this order.
        if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
            let x = p + 46 + nameLength;
            const xEnd = x + extraLength;
            while (x + 4 <= xEnd) {
                const id = zip.readUInt16LE(x);
                const len = zip.readUInt16LE(x + 2);
                if (id === 0x0001) {
                    let f = x + 4;
                    if (size === 0xffffffff) {
                        size = Number(zip.readBigUInt64LE(f));
                        f += 8;
                    }
                    if (compressedSize === 0xffffffff) {
                        compressedSize = Number(zip.readBigUInt64LE(f));
                        f += 8;
                    }
                    if (localHeaderOffset === 0xffffffff) {
                        localHeaderOffset = Number(zip.readBigUInt64LE(f));
                    }
                    break;
                }
                x += 4 + len;
            }
        }
        // Made by Unix (host 3): the high 16 bits of the external attributes are the file's mode; S_IFLNK is a link.
        const symlink = madeBy >> 8 === 3 && ((externalAttributes >>> 16) & 0o170000) === 0o120000;
        entries.push({ name, method, compressedSize, size, crc32, localHeaderOffset, encrypted: (flags & 1) !== 0, symlink });
        p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
}

/** Largest single output buffer of an inflate; a larger entry is inflated in pieces of this size. */
const MAX_INFLATE_CHUNK = 256 << 20;

export function readZipEntry(zip: Buffer, entry: ZipEntry, limits: ZipLimits = DEFAULT_IMPORT_LIMITS): Buffer {
    checkEntryLimits(entry, limits);
    const p = entry.localHeaderOffset;
    if (p + 30 > zip.length || zip.readUInt32LE(p) !== 0x04034b50) {
        throw new ZipFormatError(`corrupt zip archive: the local header of ${entry.name} is damaged`);
    }
    const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
    const end = start + entry.compressedSize;
    if (end > zip.length) {
        throw new ZipFormatError(`truncated zip archive: ${entry.name} needs ${end} bytes, the file has ${zip.length}`);
    }
    const data = zip.subarray(start, end);
    let out: Buffer;
    if (entry.method === 0) {
        out = data;
    } else if (entry.method === 8) {
        try {
            // One output buffer of the declared size (capped: the header may lie) instead of 16 KiB pieces joined by a copy;
            // inflating stops one byte past the declared size (the directory may lie).
            out = zlib.inflateRawSync(data, { chunkSize: Math.max(64, Math.min(entry.size + 1, MAX_INFLATE_CHUNK)), maxOutputLength: entry.size + 1 });
        } catch (error) {
            if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
                throw inflatesPastSize(entry);
            }
            throw new ZipFormatError(`corrupt zip archive: ${entry.name} does not inflate (${(error as Error).message})`);
        }
    } else {
        throw new ZipFormatError(`${entry.name} uses zip compression method ${entry.method}; only stored and deflate are supported`);
    }
    if (out.length > entry.size) {
        throw inflatesPastSize(entry);
    }
    if (out.length !== entry.size) {
        throw new ZipFormatError(`corrupt zip archive: ${entry.name} inflated to ${out.length} bytes, expected ${entry.size}`);
    }
    const crc = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
    if (crc && (crc(out) >>> 0) !== entry.crc32) {
        throw new ZipFormatError(`corrupt zip archive: ${entry.name} fails its CRC-32 check`);
    }
    return out;
}

function readRange(fd: number, position: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, fs.readSync(fd, buf, 0, length, position));
}

/** The entries of a zip file, reading only its central directory (not the whole archive). */
export function listZipFileEntries(file: string): ZipEntry[] {
    const fd = fs.openSync(file, 'r');
    try {
        const size = fs.fstatSync(fd).size;
        const tailStart = Math.max(0, size - 65557);
        const tail = readRange(fd, tailStart, size - tailStart);
        let eocd = -1;
        for (let i = tail.length - 22; i >= 0; i--) {
            if (tail.readUInt32LE(i) === 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            // listZipEntries words the error for a file without one.
            return listZipEntries(tail);
        }
        const cdOffset = tail.readUInt32LE(eocd + 16);
        if (cdOffset >= tailStart || cdOffset === 0xffffffff) {
            return listZipEntries(readRange(fd, 0, size));
        }
        // The directory and its end record, as a buffer whose offsets are shifted by cdOffset.
        const directory = readRange(fd, cdOffset, size - cdOffset);
        const shifted = Buffer.from(directory);
        const at = shifted.length - (tail.length - eocd);
        shifted.writeUInt32LE(0, at + 16);
        return listZipEntries(shifted);
    } finally {
        fs.closeSync(fd);
    }
}

/** Where an entry's compressed bytes start in the archive. */
function entryDataStart(fd: number, entry: ZipEntry): number {
    const header = readRange(fd, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) {
        throw new ZipFormatError(`corrupt zip archive: the local header of ${entry.name} is damaged`);
    }
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/**
 * Up to the first `bytes` bytes of an entry (format detection, presets), inflating only enough of its start: no CRC
 * check (that is the whole entry's, when it is read). Undefined when its start does not inflate (read it whole for the
 * error that names the problem).
 */
export function readZipFileEntryHead(file: string, entry: ZipEntry, bytes: number): Buffer | undefined {
    if (entry.encrypted || entry.symlink) {
        // Not data: reading it (streamZipEntry) gives the error that says so.
        return undefined;
    }
    const fd = fs.openSync(file, 'r');
    try {
        const start = entryDataStart(fd, entry);
        // Text deflates a few times over: a quarter of the wanted bytes is usually enough; more when it is not.
        for (let compressed = Math.max(4096, bytes >> 2); ; compressed *= 4) {
            const raw = readRange(fd, start, Math.min(compressed, entry.compressedSize));
            let head: Buffer;
            if (entry.method === 0) {
                head = raw;
            } else if (entry.method === 8) {
                try {
                    // Bounded (a zip bomb's start inflates a thousand times): past that, the stream below reads the head.
                    head = zlib.inflateRawSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(4 * bytes, 1 << 20) });
                } catch {
                    return undefined;
                }
            } else {
                return undefined;
            }
            if (head.length >= bytes || raw.length < compressed) {
                return head.subarray(0, bytes);
            }
        }
    } finally {
        fs.closeSync(fd);
    }
}

/** One entry of a zip file, reading only its bytes. */
export function readZipFileEntry(file: string, entry: ZipEntry, limits: ZipLimits = DEFAULT_IMPORT_LIMITS): Buffer {
    checkEntryLimits(entry, limits);
    const fd = fs.openSync(file, 'r');
    try {
        const start = entryDataStart(fd, entry);
        const size = fs.fstatSync(fd).size;
        const length = Math.min(entry.compressedSize, Math.max(0, size - start));
        // A small local header in front of the data, so readZipEntry checks sizes and the CRC as for a whole archive.
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        return readZipEntry(Buffer.concat([local, readRange(fd, start, length)]), { ...entry, localHeaderOffset: 0, compressedSize: entry.compressedSize }, limits);
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * The inflated bytes of one entry as they come (pieces of any size), for entries too large to hold whole.
 * Checks the size and the CRC-32 at the end, like readZipEntry, and stops as soon as it inflates past its declared size.
 */
export async function* streamZipEntry(file: string, entry: ZipEntry, limits: ZipLimits = DEFAULT_IMPORT_LIMITS): AsyncGenerator<Buffer> {
    if (entry.method !== 0 && entry.method !== 8) {
        throw new ZipFormatError(`${entry.name} uses zip compression method ${entry.method}; only stored and deflate are supported`);
    }
    checkEntryLimits(entry, limits);
    const fd = fs.openSync(file, 'r');
    let start: number;
    let size: number;
    try {
        start = entryDataStart(fd, entry);
        size = fs.fstatSync(fd).size;
    } finally {
        fs.closeSync(fd);
    }
    if (start + entry.compressedSize > size) {
        throw new ZipFormatError(`truncated zip archive: ${entry.name} needs ${start + entry.compressedSize} bytes, the file has ${size}`);
    }
    const raw = fs.createReadStream(file, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 });
    const inflate = entry.method === 0 ? undefined : raw.pipe(zlib.createInflateRaw({ chunkSize: 1 << 20 }));
    const source: AsyncIterable<Buffer> = inflate ?? raw;
    const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
    let crc = 0;
    let length = 0;
    try {
        for await (const piece of source) {
            length += piece.length;
            if (length > entry.size) {
                throw inflatesPastSize(entry);
            }
            if (crc32) {
                crc = crc32(piece, crc);
            }
            yield piece;
        }
    } catch (error) {
        if (error instanceof ZipFormatError) {
            throw error;
        }
        throw new ZipFormatError(`corrupt zip archive: ${entry.name} does not inflate (${(error as Error).message})`);
    } finally {
        // Also when the reader stops early (only the head was wanted).
        raw.destroy();
        inflate?.destroy();
    }
    if (length !== entry.size) {
        throw new ZipFormatError(`corrupt zip archive: ${entry.name} inflated to ${length} bytes, expected ${entry.size}`);
    }
    if (crc32 && (crc >>> 0) !== entry.crc32) {
        throw new ZipFormatError(`corrupt zip archive: ${entry.name} fails its CRC-32 check`);
    }
}
