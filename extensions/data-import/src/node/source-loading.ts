// *****************************************************************************
// Reading the bytes of an import's files: the head (format detection, presets), a content hash read
// in pieces, and whole files loaded into shared memory and hashed by a parse worker (FIX, binary).
// *****************************************************************************

import * as crypto from 'crypto';
import * as fs from 'fs';
import { CsvParseWorker } from './csv-worker-pool';
import { contentHash, SourceFile } from './import-sources';

/** The first bytes of a file or zip entry (format detection and presets need only its first line). */
export function readHead(source: SourceFile, bytes = 1 << 16): Promise<Buffer> {
    return source.head(bytes);
}

/** The content hash of a file or zip entry, read in pieces. */
export async function hashSource(source: SourceFile): Promise<string> {
    const hash = crypto.createHash('sha1');
    for await (const piece of source.stream()) {
        hash.update(piece);
    }
    return hash.digest('hex');
}

/**
 * A whole file or zip entry in shared memory, with its content hash computed by a parse worker while this thread goes on
 * with the bytes (the FIX and binary importers read them on this thread): the hash costs this thread nothing. Without
 * parse workers (`BACKTESTR_IMPORT_WORKERS=0`), an ordinary load hashed here.
 */
export function loadHashed(source: SourceFile, whole?: Buffer): { data: Buffer; hash: Promise<string> } {
    if (process.env.BACKTESTR_IMPORT_WORKERS === '0') {
        const loaded = whole ?? source.load();
        return { data: loaded, hash: Promise.resolve(contentHash(loaded)) };
    }
    let data: Buffer;
    if (source.entryName === undefined && !whole) {
        const fd = fs.openSync(source.path, 'r');
        try {
            const size = fs.fstatSync(fd).size;
            data = Buffer.from(new SharedArrayBuffer(size));
            let at = 0;
            while (at < size) {
                const n = fs.readSync(fd, data, at, size - at, at);
                if (n === 0) {
                    break;
                }
                at += n;
            }
            data = data.subarray(0, at);
        } finally {
            fs.closeSync(fd);
        }
    } else {
        const loaded = whole ?? source.load();
        data = Buffer.from(new SharedArrayBuffer(loaded.length));
        loaded.copy(data);
    }
    const hash = CsvParseWorker.get(0).parse({ hashOf: data }).then(result => result.hash!);
    hash.catch(() => undefined);
    return { data, hash };
}
