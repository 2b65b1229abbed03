// *****************************************************************************
// BackTestr binary tick format (`.btb`), version 1. All integers little-endian.
//
//   offset size  field
//   0      8     magic "BTRTICKS"
//   8      2     version (1)
//   10     2     header size in bytes (records start here)
//   12     2     record size in bytes
//   14     2     field count F
//   16     1     kind: 1 = trades, 2 = quotes
//   17     7     reserved (0)
//   24     8     tick size (f64): prices are integer multiples of it
//   32     8     lot size (f64): sizes are integer multiples of it
//   40     32    symbol, UTF-8, zero padded
//   72     32    venue, UTF-8, zero padded
//   104    F*20  fields: name (16 bytes, ASCII, zero padded), type (1 byte: 1 i64, 2 i32, 3 f64),
//                reserved (1 byte), offset in the record (2 bytes)
//
// Records: trades `time_us i64, price_ticks i64, size i64 (-1 = unknown), flags i32` (28 bytes);
// quotes `time_us i64, bid_ticks i64, ask_ticks i64, bid_size i64, ask_size i64, flags i32` (44 bytes).
// A reader trusts the field table, not these defaults. A file whose record area is not a whole
// number of records was cut: the complete records import, the fragment goes to quarantine. Every
// header field is checked (an error names it and its bytes); in the records, times, prices and sizes
// are whole numbers within 2^53, and a size is at least 0 or -1 (unknown): other records go to
// quarantine naming the field.
// *****************************************************************************

import { BinaryLayout, DatasetErrors, Instrument, InstrumentSpec, TickColumns } from '../common/dataset-protocol';
import { ImportSession } from './import-session';
import { PriceGrid } from './price-grid';
import { TickRepository } from '@backtestr/workspace-store/lib/node';

export const BTB_MAGIC = 'BTRTICKS';
export const BTB_VERSION = 1;
const FIXED_HEADER = 104;
const FIELD_ENTRY = 20;
const TYPE_I64 = 1, TYPE_I32 = 2, TYPE_F64 = 3;
/** Bytes of a value of each field type of a `.btb` field table, and of a user-declared layout. */
const TYPE_BYTES: Record<string, number> = {
    [TYPE_I64]: 8, [TYPE_I32]: 4, [TYPE_F64]: 8, i64: 8, u64: 8, i32: 4, u32: 4, i16: 2, u16: 2, u8: 1, f64: 8, f32: 4
};

interface BtbField { name: string; type: number; offset: number }

export function isBinaryTickFile(data: Uint8Array): boolean {
    return data.length >= 8 && Buffer.from(data.buffer, data.byteOffset, 8).toString('latin1') === BTB_MAGIC;
}

function defaultFields(kind: 'trades' | 'quotes'): BtbField[] {
    const names = kind === 'trades' ? ['time_us', 'price_ticks', 'size'] : ['time_us', 'bid_ticks', 'ask_ticks', 'bid_size', 'ask_size'];
    const fields = names.map((name, i) => ({ name, type: TYPE_I64, offset: i * 8 }));
    fields.push({ name: 'flags', type: TYPE_I32, offset: names.length * 8 });
    return fields;
}

/** Encodes tick columns as a `.btb` file. */
export function encodeBinaryTicks(instrument: InstrumentSpec, kind: 'trades' | 'quotes', ticks: TickColumns): Buffer {
    const fields = defaultFields(kind);
    const recordSize = fields[fields.length - 1].offset + 4;
    const headerSize = FIXED_HEADER + fields.length * FIELD_ENTRY;
    const out = Buffer.alloc(headerSize + ticks.count * recordSize);
    out.write(BTB_MAGIC, 0, 'latin1');
    out.writeUInt16LE(BTB_VERSION, 8);
    out.writeUInt16LE(headerSize, 10);
    out.writeUInt16LE(recordSize, 12);
    out.writeUInt16LE(fields.length, 14);
    out.writeUInt8(kind === 'trades' ? 1 : 2, 16);
    out.writeDoubleLE(instrument.tickSize, 24);
    out.writeDoubleLE(instrument.lotSize, 32);
    out.write(instrument.symbol.slice(0, 32), 40, 'utf8');
    out.write(instrument.venue.slice(0, 32), 72, 'utf8');
    fields.forEach((f, i) => {
        const at = FIXED_HEADER + i * FIELD_ENTRY;
        out.write(f.name, at, 'latin1');
        out.writeUInt8(f.type, at + 16);
        out.writeUInt16LE(f.offset, at + 18);
    });
    const columns = kind === 'trades'
        ? [ticks.time, ticks.price!, ticks.size ?? new Float64Array(ticks.count).fill(-1)]
        : [ticks.time, ticks.bid!, ticks.ask!, ticks.size ?? new Float64Array(ticks.count).fill(-1), ticks.size ?? new Float64Array(ticks.count).fill(-1)];
    for (let r = 0; r < ticks.count; r++) {
        const base = headerSize + r * recordSize;
        for (let c = 0; c < columns.length; c++) {
            const v = columns[c][r];
            out.writeBigInt64LE(BigInt(v === v ? v : -1), base + c * 8);
        }
        out.writeInt32LE(ticks.flags[r], base + columns.length * 8);
    }
    return out;
}

/** Header of a `.btb` file, validated. */
export function readBinaryHeader(label: string, data: Buffer): {
    kind: 'trades' | 'quotes'; headerSize: number; recordSize: number; tickSize: number; lotSize: number; symbol: string; venue: string; fields: BtbField[];
} {
    if (!isBinaryTickFile(data)) {
        throw DatasetErrors.FormatMismatch(label, 'not a BackTestr binary tick file (its first 8 bytes are not the magic BTRTICKS)');
    }
    const bad = (what: string): Error => DatasetErrors.CorruptFile(label, `damaged binary tick header: ${what}`);
    if (data.length < FIXED_HEADER) {
        throw bad(`the file ends at byte ${data.length}, inside the ${FIXED_HEADER}-byte fixed header (cut short)`);
    }
    const version = data.readUInt16LE(8);
    if (version !== BTB_VERSION) {
        throw DatasetErrors.FormatMismatch(label, `binary tick format version ${version} (bytes 8-9); this BackTestr reads version ${BTB_VERSION}`);
    }
    const headerSize = data.readUInt16LE(10);
    const recordSize = data.readUInt16LE(12);
    const fieldCount = data.readUInt16LE(14);
    const kindCode = data.readUInt8(16);
    if (headerSize < FIXED_HEADER + fieldCount * FIELD_ENTRY) {
        throw bad(`the header size (bytes 10-11) is ${headerSize}, less than the ${FIXED_HEADER + fieldCount * FIELD_ENTRY} bytes of the fixed header and `
            + `its table of ${fieldCount} fields (field count, bytes 14-15)`);
    }
    if (data.length < headerSize) {
        throw bad(`the file ends at byte ${data.length}, inside the ${headerSize}-byte header (header size, bytes 10-11): cut short`);
    }
    if (recordSize === 0) {
        throw bad('the record size (bytes 12-13) is 0');
    }
    if (kindCode !== 1 && kindCode !== 2) {
        throw bad(`the kind (byte 16) is ${kindCode}; 1 is trades, 2 quotes`);
    }
    const tickSize = data.readDoubleLE(24), lotSize = data.readDoubleLE(32);
    for (const [name, v, at] of [['tick size', tickSize, 24], ['lot size', lotSize, 32]] as const) {
        if (!(v > 0 && Number.isFinite(v))) {
            throw bad(`the ${name} (f64, bytes ${at}-${at + 7}) is ${v}, not a positive number`);
        }
    }
    const text = (at: number, n: number): string => data.toString('utf8', at, at + n).replace(/\0+$/, '');
    const symbol = text(40, 32);
    if (!symbol) {
        throw bad('the symbol (bytes 40-71) is empty');
    }
    const fields: BtbField[] = [];
    for (let i = 0; i < fieldCount; i++) {
        const at = FIXED_HEADER + i * FIELD_ENTRY;
        const field = { name: text(at, 16), type: data.readUInt8(at + 16), offset: data.readUInt16LE(at + 18) };
        const where = `field ${i + 1} "${field.name}" of the field table (bytes ${at}-${at + FIELD_ENTRY - 1})`;
        if (field.type !== TYPE_I64 && field.type !== TYPE_I32 && field.type !== TYPE_F64) {
            throw bad(`${where} has type ${field.type}; the types are 1 (i64), 2 (i32) and 3 (f64)`);
        }
        if (field.offset + TYPE_BYTES[field.type] > recordSize) {
            throw bad(`${where} at offset ${field.offset} (${TYPE_BYTES[field.type]} bytes) lies outside the ${recordSize}-byte record (record size, bytes 12-13)`);
        }
        fields.push(field);
    }
    return { kind: kindCode === 1 ? 'trades' : 'quotes', headerSize, recordSize, tickSize, lotSize, symbol, venue: text(72, 32), fields };
}

const TIME_UNIT_TO_US: Record<BinaryLayout['timeUnit'], number> = { s: 1e6, ms: 1e3, us: 1, ns: 1e-3 };

function reader(type: string, little: boolean): (d: DataView, at: number) => number {
    switch (type) {
        case 'i64': case '1': return (d, at) => Number(d.getBigInt64(at, little));
        case 'u64': return (d, at) => Number(d.getBigUint64(at, little));
        case 'i32': case '2': return (d, at) => d.getInt32(at, little);
        case 'u32': return (d, at) => d.getUint32(at, little);
        case 'i16': return (d, at) => d.getInt16(at, little);
        case 'u16': return (d, at) => d.getUint16(at, little);
        case 'u8': return (d, at) => d.getUint8(at);
        case 'f64': case '3': return (d, at) => d.getFloat64(at, little);
        case 'f32': return (d, at) => d.getFloat32(at, little);
        default: throw DatasetErrors.InvalidOptions(`Unknown binary field type ${type}`);
    }
}

/** Imports our `.btb` files, or fixed-record files of a user-declared layout. */
export class BinaryTickImporter {
    constructor(readonly session: ImportSession, readonly repo: TickRepository, readonly instrument: Instrument,
        readonly given?: Partial<InstrumentSpec>, readonly layout?: BinaryLayout) { }

    async importFile(label: string, data: Buffer): Promise<void> {
        let kind: 'trades' | 'quotes';
        let headerSize: number, recordSize: number, little = true;
        let get: Record<string, ((d: DataView, at: number) => number) | undefined> = {};
        let offsets: Record<string, number> = {};
        let scales: Record<string, number> = {};
        let timeToUs = 1;
        let onGrid = true;
        /** Of our own files: the field table's name of each field read (for the quarantine's reasons). */
        const fileNames: Record<string, string> = {};
        if (isBinaryTickFile(data)) {
            const h = readBinaryHeader(label, data);
            if (Math.abs(h.tickSize - this.instrument.tickSize) > 1e-12) {
                throw DatasetErrors.FormatMismatch(label, `holds prices on a grid of ${h.tickSize}, ${this.instrument.symbol} uses ${this.instrument.tickSize}`);
            }
            ({ kind, headerSize, recordSize } = h);
            const names: Record<string, string> = { time_us: 'time', price_ticks: 'price', size: 'size', bid_ticks: 'bid', ask_ticks: 'ask', bid_size: 'bidSize', ask_size: 'askSize', flags: 'flags' };
            for (const f of h.fields) {
                const n = names[f.name];
                if (n) {
                    fileNames[n] = f.name;
                    get[n] = reader(String(f.type), true);
                    offsets[n] = f.offset;
                }
            }
        } else if (this.layout) {
            const l = this.layout;
            kind = l.kind;
            headerSize = l.headerBytes;
            recordSize = l.recordSize;
            little = l.littleEndian;
            timeToUs = TIME_UNIT_TO_US[l.timeUnit];
            onGrid = false;
            for (const f of l.fields) {
                const bytes = TYPE_BYTES[f.type];
                if (bytes === undefined) {
                    throw DatasetErrors.InvalidOptions(`Field ${f.name} of the binary layout has type ${f.type}; the types are ${Object.keys(TYPE_BYTES).filter(t => !/\d/.test(t)).join(', ')}`);
                }
                if (!Number.isInteger(f.offset) || f.offset < 0 || f.offset + bytes > recordSize) {
                    throw DatasetErrors.InvalidOptions(`Field ${f.name} at offset ${f.offset} (${bytes} bytes) lies outside the ${recordSize}-byte record`);
                }
                get[f.name] = reader(f.type, little);
                offsets[f.name] = f.offset;
                scales[f.name] = f.scale ?? 1;
            }
        } else {
            throw DatasetErrors.FormatMismatch(label, 'is not a BackTestr binary tick file; declare its record layout to import it');
        }
        if (!get.time || (kind === 'trades' ? !get.price : !get.bid || !get.ask)) {
            throw DatasetErrors.FormatMismatch(label, `the record layout has no ${kind === 'trades' ? 'time and price' : 'time, bid and ask'} fields`);
        }
        if (!(recordSize > 0) || !(headerSize >= 0) || data.length < headerSize) {
            throw DatasetErrors.CorruptFile(label, `the file has ${data.length} bytes, fewer than its ${headerSize}-byte header (or the layout's record size ${recordSize} is not positive)`);
        }
        const writer = await this.session.writer(this.instrument, kind);
        const priceGrid = new PriceGrid(this.instrument.tickSize);
        const sizeGrid = new PriceGrid(this.instrument.lotSize);
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        const body = data.length - headerSize;
        const records = Math.floor(body / recordSize);
        const value = (name: string, at: number, grid: PriceGrid | undefined): number => {
            const g = get[name];
            if (!g) {
                return NaN;
            }
            const raw = g(view, at + offsets[name]);
            if (onGrid || !grid) {
                return raw;
            }
            return grid.fromNumber(raw / scales[name]);
        };
        const ownFields = kind === 'trades' ? ['time', 'price', 'size'] : ['time', 'bid', 'ask', 'bidSize', 'askSize'];
        /** Of our own files: why record `r` at `at` is not storable, naming the field; '' when it is. */
        const ownProblem = (r: number, at: number): string => {
            for (const n of ownFields) {
                if (!get[n]) {
                    continue;
                }
                const v = value(n, at, undefined);
                const size = n === 'size' || n === 'bidSize' || n === 'askSize';
                if (!Number.isSafeInteger(v) || (size && v < -1)) {
                    return `${fileNames[n]}: ${v} ${size && v < -1 ? 'is negative (the only negative size is -1, unknown)' : 'is not a whole number within 2^53'} `
                        + `(record ${r + 1} at byte ${at})`;
                }
            }
            return '';
        };
        for (let r = 0; r < records; r++) {
            const at = headerSize + r * recordSize;
            const own = onGrid ? ownProblem(r, at) : '';
            if (own) {
                const time = value('time', at, undefined);
                this.session.quarantine(writer, label, -1, at, data.toString('hex', at, at + recordSize), own, Number.isSafeInteger(time) ? time : NaN);
                continue;
            }
            // Below a microsecond: toward the earlier one, as the CSV epoch formats do.
            const t = onGrid ? value('time', at, undefined) : Math.floor(value('time', at, undefined) * timeToUs);
            let reason: string;
            const flags = get.flags ? value('flags', at, undefined) | 0 : 0;
            if (kind === 'trades') {
                const price = value('price', at, priceGrid);
                let size = value('size', at, sizeGrid);
                if (onGrid && size < 0) {
                    size = NaN;
                }
                // A size the layout has must be on the lot grid and in range (our own files say -1 for unknown).
                reason = price !== price ? `price: ${priceGrid.error}` : !onGrid && get.size && size !== size ? `size: ${sizeGrid.error}`
                    : writer.addTrade(t, price, size, flags);
            } else {
                const bid = value('bid', at, priceGrid), ask = value('ask', at, priceGrid);
                let bs = value('bidSize', at, sizeGrid), as = value('askSize', at, sizeGrid);
                if (onGrid) {
                    bs = bs < 0 ? NaN : bs;
                    as = as < 0 ? NaN : as;
                }
                const badSize = onGrid ? '' : get.bidSize && bs !== bs ? 'bid size' : get.askSize && as !== as ? 'ask size' : '';
                reason = bid !== bid || ask !== ask ? `price: ${priceGrid.error}` : badSize ? `${badSize}: ${sizeGrid.error}`
                    : writer.addQuote(t, bid, ask, bs, as, flags);
            }
            if (reason) {
                this.session.quarantine(writer, label, -1, at, data.toString('hex', at, at + recordSize), reason, t);
            }
            if ((r & 0x3ffff) === 0x3ffff) {
                this.session.progress(at);
                await new Promise(resolve => setImmediate(resolve));
                this.session.checkCancelled();
            }
        }
        const rest = body - records * recordSize;
        if (rest > 0) {
            const at = headerSize + records * recordSize;
            this.session.quarantine(writer, label, -1, at, data.toString('hex', at, data.length),
                `truncated record: the file ends ${rest} bytes into a ${recordSize}-byte record`);
            this.session.warnings.push(`${label}: the file was cut mid-record at byte ${at}; ${records} complete records imported, the ${rest}-byte fragment quarantined`);
        }
    }
}
