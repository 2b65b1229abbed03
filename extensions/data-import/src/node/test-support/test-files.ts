// Helpers of the data-import tests: temporary folders, databases and zip files (written to os.tmpdir()).

import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { listZipEntries, readZipEntry } from '../zip-reader';

/** Temporary folders and databases, and the test instrument, are the workspace store's test support. */
export { tempDatabase, tempDir, testInstrument } from '@backtestr/workspace-store/lib/node';

/** ../shared/data, where the real market data lives (never copied into the repository). */
export const SHARED_DATA = process.env.BACKTESTR_DATA_DIR ?? path.resolve(__dirname, '../../../../../../shared/data');

/** A zip archive (deflate) holding the given entries. */
export function makeZip(entries: Record<string, Buffer | string>): Buffer {
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (const [name, content] of Object.entries(entries)) {
        const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
        const compressed = zlib.deflateRawSync(data);
        const nameBytes = Buffer.from(name);
        const crc = (zlib as unknown as { crc32(d: Uint8Array): number }).crc32(data) >>> 0;
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(20, 4);
        local.writeUInt16LE(8, 8);
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(compressed.length, 18);
        local.writeUInt32LE(data.length, 22);
        local.writeUInt16LE(nameBytes.length, 26);
        const central = Buffer.alloc(46);
        central.writeUInt32LE(0x02014b50, 0);
        central.writeUInt16LE(20, 4);
        central.writeUInt16LE(20, 6);
        central.writeUInt16LE(8, 10);
        central.writeUInt32LE(crc, 16);
        central.writeUInt32LE(compressed.length, 20);
        central.writeUInt32LE(data.length, 24);
        central.writeUInt16LE(nameBytes.length, 28);
        central.writeUInt32LE(offset, 42);
        locals.push(local, nameBytes, compressed);
        centrals.push(central, nameBytes);
        offset += 30 + nameBytes.length + compressed.length;
    }
    const cd = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Object.keys(entries).length, 8);
    end.writeUInt16LE(Object.keys(entries).length, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, cd, end]);
}

/** The text of the single entry of a real zip file. */
export function unzipText(file: string): string {
    const zip = fs.readFileSync(file);
    return readZipEntry(zip, listZipEntries(zip)[0]).toString('latin1');
}
