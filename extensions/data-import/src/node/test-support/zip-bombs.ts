// Helpers of the import-limits tests: zip bombs built at test time (never stored in the repository), and an import run
// in a child process of its own, for its peak memory.

import { fork } from 'child_process';
import * as path from 'path';
import * as zlib from 'zlib';
import { CsvFormatOptions } from '../../common/dataset-protocol';

const MIB = 1 << 20;

/**
 * Raw deflate data that inflates to `mib` MiB of `byte`, in about 1 KiB a MiB: one MiB deflated and fully flushed
 * (it refers to nothing before it) repeated, then an empty final block. 4 GiB of zeros take 4 MiB.
 */
export function deflatedRepeat(mib: number, byte = 0): Buffer {
    const block = zlib.deflateRawSync(Buffer.alloc(MIB, byte), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
    const out = Buffer.alloc(block.length * mib + 2);
    for (let i = 0; i < mib; i++) {
        block.copy(out, i * block.length);
    }
    // BFINAL=1, fixed Huffman, end of block.
    out[out.length - 2] = 0x03;
    out[out.length - 1] = 0x00;
    return out;
}

/**
 * A zip of one deflated entry whose directory (and local header) declares `declaredSize` uncompressed bytes, true or not
 * (a lying directory), in ZIP64 form when that is 4 GiB or more. The CRC-32 is 0 unless given: a bomb is refused before it counts.
 */
export function zipOfDeflated(name: string, deflated: Buffer, declaredSize: number, crc = 0): Buffer {
    const nameBytes = Buffer.from(name);
    const zip64 = declaredSize >= 0xffffffff;
    const extra = Buffer.alloc(zip64 ? 12 : 0);
    if (zip64) {
        extra.writeUInt16LE(0x0001, 0);
        extra.writeUInt16LE(8, 2);
        extra.writeBigUInt64LE(BigInt(declaredSize), 4);
    }
    const size32 = zip64 ? 0xffffffff : declaredSize;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(size32, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(45, 4);
    central.writeUInt16LE(zip64 ? 45 : 20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(size32, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(extra.length, 30);
    const localBytes = 30 + nameBytes.length + extra.length + deflated.length;
    const cd = Buffer.concat([central, nameBytes, extra]);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(localBytes, 16);
    return Buffer.concat([local, nameBytes, extra, deflated, cd, end]);
}

/** What an import in a child process did: its error (undefined: it succeeded) and its peak resident memory. */
export interface ChildImport {
    readonly error?: { code?: number; message: string };
    readonly rows?: number;
    readonly maxRssBytes: number;
}

/** Imports `paths` in a child process of its own (see import-child) with the default limits unless `env` says otherwise. */
export function importInChild(paths: string[], csv: CsvFormatOptions, env: Record<string, string> = {}): Promise<ChildImport> {
    return new Promise((resolve, reject) => {
        const child = fork(path.join(__dirname, 'import-child.js'), [JSON.stringify({ paths, csv })], {
            env: { ...process.env, BACKTESTR_ZIP_MAX_ENTRY_BYTES: '', BACKTESTR_ZIP_MAX_RATIO: '', BACKTESTR_IMPORT_MAX_LINE_BYTES: '', ...env },
            stdio: ['ignore', 'inherit', 'inherit', 'ipc']
        });
        let answer: ChildImport | undefined;
        child.on('message', message => answer = message as ChildImport);
        child.on('error', reject);
        child.on('exit', (code, signal) => answer ? resolve(answer) : reject(new Error(`the import child exited with ${signal ?? code} before answering`)));
    });
}
