#!/usr/bin/env node
// @ts-check
// Zip reading: our zip-reader (lib/node/zip-reader, Node's zlib) against the libraries on the registry that
// could replace it: yauzl (streaming, Node's zlib too) and fflate (pure JS). Reads one real Lean zip of
// ../shared/data (whole and streamed) and a large synthetic one (streamed: an entry too large to hold whole),
// counting the rows (newlines) of what inflates. Prints inflated MB/s and rows/s: figures, not assertions.
// Generated files go to os.tmpdir().
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const lib = path.join(__dirname, '..', 'lib', 'node');
const { listZipFileEntries, readZipFileEntry, streamZipEntry } = require(path.join(lib, 'zip-reader'));
const { defaultDataDir } = require(path.join(lib, 'sample-workspace'));

const RUNS = Number(process.env.BENCH_RUNS) || 3;
const SYNTHETIC_MB = Number(process.env.BENCH_ZIP_MB) || 512;

/** @param {string} name */
function optional(name) {
    try {
        return require(name);
    } catch {
        return undefined;
    }
}
const yauzl = optional('yauzl');
const fflate = optional('fflate');

/** @param {Uint8Array} piece */
function newlines(piece) {
    let n = 0;
    for (let at = piece.indexOf(10); at >= 0; at = piece.indexOf(10, at + 1)) {
        n++;
    }
    return n;
}

/** @typedef {{ bytes: number, rows: number }} Count */

/** @returns {Promise<Count>} */
async function oursStreamed(file) {
    const [entry] = listZipFileEntries(file);
    const count = { bytes: 0, rows: 0 };
    for await (const piece of streamZipEntry(file, entry)) {
        count.bytes += piece.length;
        count.rows += newlines(piece);
    }
    return count;
}

/** @returns {Promise<Count>} */
async function oursWhole(file) {
    const [entry] = listZipFileEntries(file);
    const data = readZipFileEntry(file, entry);
    return { bytes: data.length, rows: newlines(data) };
}

/**
 * yauzl's own inflating stream (zlib's default 16 KiB pieces), or with `decompress: false` its raw bytes piped
 * into an inflater of 1 MiB pieces as ours uses (then yauzl no longer checks the entry's size: that is left to us).
 * @returns {Promise<Count>}
 */
function yauzlStreamed(file, rawInflate = false) {
    return new Promise((resolve, reject) => {
        yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (error, zip) => {
            if (error) {
                return reject(error);
            }
            zip.once('entry', entry => zip.openReadStream(entry, rawInflate ? { decompress: false } : {}, (e, raw) => {
                if (e) {
                    return reject(e);
                }
                const stream = rawInflate ? raw.pipe(zlib.createInflateRaw({ chunkSize: 1 << 20 })) : raw;
                const count = { bytes: 0, rows: 0 };
                stream.on('data', piece => {
                    count.bytes += piece.length;
                    count.rows += newlines(piece);
                });
                stream.on('error', reject);
                stream.on('end', () => {
                    zip.close();
                    resolve(count);
                });
            }));
            zip.readEntry();
        });
    });
}

/** @returns {Promise<Count>} */
async function yauzlWhole(file) {
    const pieces = [];
    await new Promise((resolve, reject) => {
        yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (error, zip) => {
            if (error) {
                return reject(error);
            }
            zip.once('entry', entry => zip.openReadStream(entry, (e, stream) => {
                if (e) {
                    return reject(e);
                }
                stream.on('data', piece => pieces.push(piece));
                stream.on('error', reject);
                stream.on('end', () => {
                    zip.close();
                    resolve(undefined);
                });
            }));
            zip.readEntry();
        });
    });
    const data = Buffer.concat(pieces);
    return { bytes: data.length, rows: newlines(data) };
}

/** fflate's streaming Unzip over the file read in 1 MiB pieces. @returns {Promise<Count>} */
async function fflateStreamed(file) {
    const count = { bytes: 0, rows: 0 };
    const unzip = new fflate.Unzip();
    unzip.register(fflate.UnzipInflate);
    unzip.onfile = f => {
        f.ondata = (error, piece) => {
            if (error) {
                throw error;
            }
            count.bytes += piece.length;
            count.rows += newlines(piece);
        };
        f.start();
    };
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
        unzip.push(chunk);
    }
    unzip.push(new Uint8Array(0), true);
    return count;
}

/** @returns {Promise<Count>} */
async function fflateWhole(file) {
    const files = fflate.unzipSync(fs.readFileSync(file));
    const data = Object.values(files)[0];
    return { bytes: data.length, rows: newlines(data) };
}

/**
 * A zip of one deflated entry of about `mb` MB of Lean-like trade rows, written as it deflates (never held whole):
 * the local header's sizes are patched in afterwards.
 */
async function syntheticZip(file, mb) {
    const fd = fs.openSync(file, 'w');
    const name = Buffer.from('synthetic_trade.csv');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(name.length, 26);
    fs.writeSync(fd, local);
    fs.writeSync(fd, name);
    const deflate = zlib.createDeflateRaw({ level: 6 });
    let compressed = 0;
    let size = 0;
    let crc = 0;
    deflate.on('data', piece => {
        fs.writeSync(fd, piece);
        compressed += piece.length;
    });
    const done = new Promise(resolve => deflate.on('end', resolve));
    let t = 14400000;
    let price = 1674100;
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    while (size < mb * 1048576) {
        const rows = [];
        for (let i = 0; i < 20000; i++) {
            t += Math.floor(random() * 40);
            price += Math.round((random() - 0.5) * 4) * 100;
            rows.push(`${t},${price},${100 * (1 + Math.floor(random() * 5))},${'PTQZDK'[Math.floor(random() * 6)]},${random() < 0.9 ? '00000000' : '20002000'},0\n`);
        }
        const piece = Buffer.from(rows.join(''));
        size += piece.length;
        crc = zlib.crc32(piece, crc);
        if (!deflate.write(piece)) {
            await new Promise(resolve => deflate.once('drain', resolve));
        }
    }
    deflate.end();
    await done;
    const header = Buffer.alloc(16);
    header.writeUInt32LE(crc >>> 0, 0);
    header.writeUInt32LE(compressed, 4);
    header.writeUInt32LE(size, 8);
    fs.writeSync(fd, header.subarray(0, 12), 0, 12, 14);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    const cdOffset = 30 + name.length + compressed;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(46 + name.length, 12);
    end.writeUInt32LE(cdOffset, 16);
    fs.writeSync(fd, Buffer.concat([central, name, end]), 0, 46 + name.length + 22, cdOffset);
    fs.closeSync(fd);
}

async function measure(label, file, read) {
    const mbs = [];
    const rowsPerSecond = [];
    let last;
    for (let r = 0; r < RUNS; r++) {
        const t0 = process.hrtime.bigint();
        last = await read(file);
        const s = Number(process.hrtime.bigint() - t0) / 1e9;
        mbs.push(last.bytes / 1048576 / s);
        rowsPerSecond.push(last.rows / s);
    }
    const range = (xs, f) => `${f(Math.min(...xs))}-${f(Math.max(...xs))}`;
    process.stdout.write(`${label}: ${range(mbs, x => x.toFixed(0))} MB/s inflated, ${range(rowsPerSecond, x => (x / 1e6).toFixed(2) + 'M')} rows/s `
        + `(${(last.bytes / 1048576).toFixed(1)} MB, ${last.rows} rows; min-max of ${RUNS})\n`);
}

async function main() {
    process.stdout.write(`zip reading; load average ${os.loadavg().map(x => x.toFixed(2)).join(' ')}; yauzl ${yauzl ? 'found' : 'not installed'}, `
        + `fflate ${fflate ? 'found' : 'not installed'}\n`);
    const readers = [
        ['ours, streamed (streamZipEntry)', oursStreamed], ['ours, whole (readZipFileEntry)', oursWhole],
        ...yauzl ? [['yauzl, streamed (openReadStream)', yauzlStreamed], ['yauzl raw + zlib 1 MiB pieces, streamed', f => yauzlStreamed(f, true)],
            ['yauzl, whole (stream joined)', yauzlWhole]] : [],
        ...fflate ? [['fflate, streamed (Unzip + UnzipInflate)', fflateStreamed], ['fflate, whole (unzipSync)', fflateWhole]] : []
    ];
    const dataDir = defaultDataDir();
    const real = dataDir && path.join(dataDir, 'spy-trades-2013-10', '20131008_trade.zip');
    if (real && fs.existsSync(real)) {
        for (const [label, read] of readers) {
            await measure(`real ${path.basename(real)}, ${label}`, real, read);
        }
    } else {
        process.stdout.write('real Lean zip: ../shared/data not found, skipped\n');
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-zip-bench-'));
    try {
        const big = path.join(work, 'synthetic.zip');
        await syntheticZip(big, SYNTHETIC_MB);
        process.stdout.write(`synthetic zip: ${(fs.statSync(big).size / 1048576).toFixed(0)} MB deflated\n`);
        // Only the streamed readers: an entry this large is what streaming is for.
        for (const [label, read] of readers.filter(([l]) => l.includes('streamed'))) {
            await measure(`synthetic ${SYNTHETIC_MB} MB, ${label}`, big, read);
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

main().catch(error => {
    process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
});
