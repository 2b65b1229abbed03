// Test support: writes a .tgz entry by entry (ustar headers), so that a spec can make archives
// `npm pack` never would: setuid modes, links out of the package, `../` and absolute paths.
import * as fs from 'fs';
import * as zlib from 'zlib';

export interface TgzEntry {
    /** The path as stored, e.g. `package/index.js`, `package/../escape`, `/tmp/x`. */
    readonly path: string;
    readonly type?: 'file' | 'directory' | 'symlink' | 'hardlink';
    readonly mode?: number;
    readonly content?: string;
    /** A link's target. */
    readonly linkpath?: string;
}

const TYPE_FLAGS = { file: '0', hardlink: '1', symlink: '2', directory: '5' } as const;

function header(entry: TgzEntry, size: number): Buffer {
    const block = Buffer.alloc(512);
    const text = (value: string, offset: number, length: number): void => {
        if (Buffer.byteLength(value) > length) {
            throw new Error(`tgz-writer: '${value}' is longer than ${length} bytes (ustar field at ${offset}).`);
        }
        block.write(value, offset, length, 'utf8');
    };
    const octal = (value: number, offset: number, length: number): void => text(value.toString(8).padStart(length - 1, '0') + '\0', offset, length);
    const type = entry.type ?? 'file';
    text(entry.path, 0, 100);
    octal(entry.mode ?? (type === 'directory' ? 0o755 : 0o644), 100, 8);
    octal(process.getuid?.() ?? 0, 108, 8);
    octal(process.getgid?.() ?? 0, 116, 8);
    octal(size, 124, 12);
    octal(Math.floor(Date.UTC(2024, 0, 2) / 1000), 136, 12);
    text(TYPE_FLAGS[type], 156, 1);
    text(entry.linkpath ?? '', 157, 100);
    text('ustar\u000000', 257, 8);
    block.fill(' ', 148, 156);
    const sum = block.reduce((a, b) => a + b, 0);
    text(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
    return block;
}

export function writeTgz(file: string, entries: readonly TgzEntry[]): string {
    const blocks: Buffer[] = [];
    for (const entry of entries) {
        const data = Buffer.from(entry.type === undefined || entry.type === 'file' ? entry.content ?? '' : '', 'utf8');
        blocks.push(header(entry, data.length), data, Buffer.alloc((512 - data.length % 512) % 512));
    }
    blocks.push(Buffer.alloc(1024));
    fs.writeFileSync(file, zlib.gzipSync(Buffer.concat(blocks)));
    return file;
}
