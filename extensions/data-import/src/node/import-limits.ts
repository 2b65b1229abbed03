// *****************************************************************************
// The limits that keep an import's memory bounded whatever its input: the bytes a zip entry may
// inflate to (its declared size, a cap on that, a compression ratio) and the length of a line of
// text (a CSV row, a FIX message). Input past a limit is refused with an error naming the file,
// the entry or line, and the environment variable that raises the limit.
// *****************************************************************************

import { DatasetErrors } from '../common/dataset-protocol';

export interface ImportLimits {
    /** Bytes a zip entry may declare or inflate to: `BACKTESTR_ZIP_MAX_ENTRY_BYTES`, default 8 GiB. */
    readonly maxEntryBytes: number;
    /**
     * Uncompressed bytes per compressed byte a zip entry may have beyond its first MiB: `BACKTESTR_ZIP_MAX_RATIO`, default 200
     * (tick CSV deflates 5-15 times; a zip bomb of zeros about 1000 times).
     */
    readonly maxInflateRatio: number;
    /** Bytes of one line of a CSV file or one FIX message: `BACKTESTR_IMPORT_MAX_LINE_BYTES`, default 1 MiB. */
    readonly maxLineBytes: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = { maxEntryBytes: 8 * 1024 ** 3, maxInflateRatio: 200, maxLineBytes: 1 << 20 };

/** Below this many bytes an entry may deflate as well as it likes (a short file of repeated rows is no bomb). */
export const RATIO_FREE_BYTES = 1 << 20;

function positive(env: string | undefined, fallback: number): number {
    const n = Number(env);
    return env && n > 0 ? n : fallback;
}

/** The limits of this process: the environment's, else the defaults. Read at each import (tests and users may change them). */
export function importLimits(): ImportLimits {
    return {
        maxEntryBytes: positive(process.env.BACKTESTR_ZIP_MAX_ENTRY_BYTES, DEFAULT_IMPORT_LIMITS.maxEntryBytes),
        maxInflateRatio: positive(process.env.BACKTESTR_ZIP_MAX_RATIO, DEFAULT_IMPORT_LIMITS.maxInflateRatio),
        maxLineBytes: Math.trunc(positive(process.env.BACKTESTR_IMPORT_MAX_LINE_BYTES, DEFAULT_IMPORT_LIMITS.maxLineBytes))
    };
}

/** `1 MiB`, `8 GiB`, `512 bytes`. */
export function formatBytes(n: number): string {
    for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
        if (n >= size) {
            const v = n / size;
            return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
        }
    }
    return `${n} bytes`;
}

/**
 * Where the first line longer than `max` bytes starts in bytes [from, to) of `buf` (`from` a line's start), or -1. About
 * one step per `max` bytes, not one per line: from a line's start, the last line break within `max` bytes is the start
 * of the next line to look from; none there: that line is too long. A last line not ended by a line break counts
 * up to `to`.
 */
export function longLineAt(buf: Uint8Array, from: number, to: number, max: number): number {
    let start = from;
    while (to - start > max) {
        const nl = buf.lastIndexOf(10, start + max);
        if (nl < start) {
            return start;
        }
        start = nl + 1;
    }
    return -1;
}

/** 1-based line of byte `offset` of `buf`, counting line breaks from `from` (line `firstLine` there). */
export function lineAt(buf: Uint8Array, offset: number, from = 0, firstLine = 1): number {
    let line = firstLine;
    for (let at = buf.indexOf(10, from); at >= 0 && at < offset; at = buf.indexOf(10, at + 1)) {
        line++;
    }
    return line;
}

/** The error of a line past the limit: the import is refused (a line that long is no row, and holding it would not bound memory). */
export function lineTooLong(label: string, line: number, offset: number, max: number): Error {
    return DatasetErrors.CorruptFile(label, `line ${line} (at byte ${offset}) is longer than ${formatBytes(max)}, the longest line an import reads: `
        + 'the file is not text of one row a line (binary data, or rows without line breaks); fix the file, or raise the limit with '
        + 'the environment variable BACKTESTR_IMPORT_MAX_LINE_BYTES');
}
