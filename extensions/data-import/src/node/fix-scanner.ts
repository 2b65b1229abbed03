// *****************************************************************************
// The byte-level half of the FIX import, the same on the importing thread and in the parse workers
// (fix-parse-worker): messages found and split into fields, BodyLength (9) and CheckSum (10) checked,
// and the entries of market data messages (35=W/X) extracted into typed arrays, with their time and
// price and size digits already read. What depends on the import's state (instruments, books, writers,
// quarantine) is left to FixImporter, which applies a scan's messages in file order.
//
// A message never spans a line break, and where a message starts depends only on the bytes from there:
// a scan of bytes [from, to) holds the messages starting in that range, and the scans of consecutive
// ranges chain exactly when each one's `first` is the previous one's `next`.
//
// A message longer than the longest line an import reads (import-limits) ends there as a bad one: it
// runs to the next line break or `8=` field, and the quarantine keeps only its first bytes.
// *****************************************************************************

import { digitsAt } from './price-grid';
import { formatBytes, importLimits } from './import-limits';
import { daysFromCivil, isCivilDate, MICROS_PER_DAY } from './time-zone';

/** The FIX field delimiter, and the '|' some logs write instead. */
export const SOH = 1;
export const PIPE = 124;
/** Fields of a message kept (later ones are still checked, not kept). */
export const MAX_TAGS = 4096;
/** Bytes of a message at most (see import-limits): this thread's limit when it loaded this module. */
export const MAX_MESSAGE_BYTES = importLimits().maxLineBytes;

/** Where the message after a too long one starts: at the next line break, or the next `8=` field; the end of the buffer without. */
function afterTooLong(buf: Buffer, pos: number, delimiter: number): number {
    const nl = buf.indexOf(10, pos);
    const begin = buf.indexOf(Buffer.from([delimiter, 56, 61]), pos);
    return Math.min(nl < 0 ? buf.length : nl, begin < 0 ? buf.length : begin + 1);
}

/** Kinds of a scanned message. */
export const enum FixKind {
    /** Fails BodyLength, CheckSum or the field syntax: parsed again by the importer for the reason. */
    Bad = 0,
    /** 35=d SecurityDefinition: parsed again by the importer (definitions are few). */
    Definition = 1,
    /** Another message type: counted and skipped. */
    Other = 2,
    /** 35=W or 35=X without NoMDEntries (268). */
    NoEntries = 3,
    /** 35=X MarketDataIncrementalRefresh with its entries and symbols in the scan. */
    Incremental = 4,
    /** 35=W MarketDataSnapshotFullRefresh with its entries and symbols in the scan. */
    Snapshot = 5
}

/** Bits of `FixScan.entryFlags` above the entry type (0 bid, 1 offer, 2 trade in the low two bits). */
export const enum EntryFlag {
    /** MDPriceLevel (1023) absent or 1: top of book. */
    TopLevel = 4,
    /** The price is not plain decimal digits: `price`/`priceDecimals` hold the field's byte range, for PriceGrid.parse. */
    PriceText = 8,
    /** No MDEntrySize (271). */
    NoSize = 16,
    /** As PriceText, for the size. */
    SizeText = 32
}

/**
 * The messages starting in a range of a file's bytes (all of them, valid or not, in file order) and the entries of
 * their market data. Plain data of typed arrays (in shared memory when a worker fills them: it posts them without a
 * copy); arrays may be longer than their counts.
 */
export interface FixScan {
    /** Where the first message starts (or, with none, where the scan stopped) and where the next one after the range starts. */
    first: number;
    next: number;
    messages: number;
    /** Per message: byte offset of its start and end, kind (FixKind), and the end of its entries and symbol references. */
    start: Float64Array;
    end: Float64Array;
    kind: Uint8Array;
    entryEnd: Int32Array;
    symbolEnd: Int32Array;
    /**
     * Per market data message, its SecurityID/Symbol (55) fields in order, as indexes into `symbols`: those the
     * message's entries may use (the first 55 and every 55 after NoMDEntries) as is, others as `~index`.
     */
    symbolRef: Int32Array;
    /** Per entry (bid, offer or trade that is not a delete): type and EntryFlag bits, symbol index, time (UTC micros or NaN). */
    entryFlags: Int32Array;
    entrySymbol: Int32Array;
    time: Float64Array;
    /** Digits without the point (signed) and how many were decimals; with PriceText / SizeText, the field's start and end. */
    price: Float64Array;
    priceDecimals: Float64Array;
    size: Float64Array;
    sizeDecimals: Float64Array;
    /** The distinct symbols (55 values, latin1) of the scan. */
    symbols: string[];
}

/** The fields of one message: tags and value bounds in the buffer. */
export class FixMessage {
    readonly tags = new Int32Array(MAX_TAGS);
    readonly starts = new Int32Array(MAX_TAGS);
    readonly ends = new Int32Array(MAX_TAGS);
    count = 0;
    start = 0;
    end = 0;

    constructor(public buf: Buffer) { }

    find(tag: number, from = 0): number {
        for (let i = from; i < this.count; i++) {
            if (this.tags[i] === tag) {
                return i;
            }
        }
        return -1;
    }

    text(i: number): string {
        return this.buf.toString('latin1', this.starts[i], this.ends[i]);
    }

    value(tag: number): string | undefined {
        const i = this.find(tag);
        return i < 0 ? undefined : this.text(i);
    }
}

/** Splits one message into fields and validates 9 and 10; sets msg.end past it. Returns an error or ''. */
export function parseFixMessage(buf: Buffer, pos: number, delimiter: number, msg: FixMessage, maxBytes = MAX_MESSAGE_BYTES): string {
    const len = buf.length;
    msg.buf = buf;
    msg.start = pos;
    const { tags, starts, ends } = msg;
    let count = 0;
    let sum = 0;
    let bodyStart = -1;
    let bodyLength = -1;
    let checksumAt = -1;
    while (pos < len) {
        const fieldStart = pos;
        let tag = 0;
        // Sum the tag, '=' and value bytes while scanning (one pass for the checksum).
        let fieldSum = 61;
        let c = buf[pos];
        // (Past the end, c is undefined: no digit.)
        while (c >= 48 && c <= 57) {
            tag = tag * 10 + (c - 48);
            fieldSum += c;
            c = buf[++pos];
        }
        if (c !== 61 || pos === fieldStart) {
            // Not tag=: skip to the end of the line and report.
            const e = buf.indexOf(10, pos);
            msg.end = e < 0 ? len : e;
            msg.count = count;
            return `malformed field at byte ${fieldStart}: expected tag=value`;
        }
        const valueStart = ++pos;
        c = buf[pos];
        // The value runs to the delimiter, a line break or the end (c undefined); bytes below 11 other than
        // those are rare, so the fast loop stops at them too and they are taken one at a time.
        for (; ;) {
            while (c > 10 && c !== delimiter) {
                fieldSum += c;
                c = buf[++pos];
            }
            if (pos >= len || c === delimiter || c === 10) {
                break;
            }
            fieldSum += c;
            c = buf[++pos];
        }
        const valueEnd = pos;
        const ended = pos >= len || c === 10;
        if (pos - msg.start > maxBytes) {
            msg.end = afterTooLong(buf, pos, delimiter);
            msg.count = Math.min(count, MAX_TAGS);
            return `message longer than ${formatBytes(maxBytes)} (the longest an import reads), its CheckSum (10) not reached: `
                + 'a message without its end, or data that is no FIX; the environment variable BACKTESTR_IMPORT_MAX_LINE_BYTES raises the limit';
        }
        if (count < MAX_TAGS) {
            tags[count] = tag;
            starts[count] = valueStart;
            ends[count] = valueEnd;
            count++;
        }
        if (tag === 10) {
            checksumAt = fieldStart;
            msg.end = ended ? pos : pos + 1;
            break;
        }
        sum += fieldSum;
        if (!ended) {
            sum += SOH; // the delimiter counts as SOH whatever it is written as
            pos++;
        }
        if (tag === 9) {
            bodyStart = pos;
            bodyLength = 0;
            for (let i = valueStart; i < valueEnd; i++) {
                const d = buf[i] - 48;
                if (d < 0 || d > 9) {
                    bodyLength = -2;
                    break;
                }
                bodyLength = bodyLength * 10 + d;
            }
        }
        if (ended) {
            msg.end = pos;
            msg.count = count;
            return 'message ends without a CheckSum (10) field';
        }
    }
    msg.count = count;
    if (checksumAt < 0) {
        msg.end = len;
        return 'message ends without a CheckSum (10) field';
    }
    if (bodyStart < 0) {
        return 'no BodyLength (9) field';
    }
    if (bodyLength === -2) {
        return 'BodyLength (9) is not a number';
    }
    if (checksumAt - bodyStart !== bodyLength) {
        return `BodyLength (9) says ${bodyLength}, the body has ${checksumAt - bodyStart} bytes`;
    }
    const i = msg.count - 1;
    let stated = NaN;
    if (msg.ends[i] - msg.starts[i] === 3) {
        const s = msg.starts[i];
        const d0 = buf[s] - 48, d1 = buf[s + 1] - 48, d2 = buf[s + 2] - 48;
        if (d0 >= 0 && d0 <= 9 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9) {
            stated = d0 * 100 + d1 * 10 + d2;
        }
    }
    if (stated !== (sum & 0xff)) {
        return `CheckSum (10) says ${msg.text(i)}, computed ${String(sum & 0xff).padStart(3, '0')}`;
    }
    return '';
}

/** Micros of a fraction of n digits: 10^(6-n). */
const FRACTION_SCALE = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

/** `HH:MM:SS[.f…]` -> micros, or NaN. */
export function fixTimeAt(b: Uint8Array, s: number, e: number): number {
    if (e - s < 8 || b[s + 2] !== 58 || b[s + 5] !== 58) {
        return NaN;
    }
    const h = digitsAt(b, s, 2), mi = digitsAt(b, s + 3, 2), sec = digitsAt(b, s + 6, 2);
    let us = ((h * 60 + mi) * 60 + sec) * 1_000_000;
    if (e > s + 9 && b[s + 8] === 46) {
        // Up to six fraction digits (whole numbers: the same sum as adding each digit times its power of ten).
        const end = Math.min(e, s + 15);
        let fraction = 0;
        for (let k = s + 9; k < end; k++) {
            const c = b[k] - 48;
            if (!(c >= 0 && c <= 9)) {
                return NaN;
            }
            fraction = fraction * 10 + c;
        }
        us += fraction * FRACTION_SCALE[end - s - 9];
    }
    // Digits only, and no 24:00, minute 60 or leap second (nothing a time of day can be rolled over into).
    return h >= 0 && mi >= 0 && sec >= 0 && h < 24 && mi < 60 && sec < 60 ? us : NaN;
}

/** Splits bytes into messages and extracts market data entries: see FixScan. One per thread; not reentrant. */
export class FixScanner {
    protected readonly msg: FixMessage;
    /** The symbol index of each 55 field of the current message. */
    protected readonly fieldSymbol = new Int32Array(MAX_TAGS);
    protected scan: FixScan;
    protected entries = 0;
    protected refs = 0;
    protected readonly symbolIndex = new Map<string, number>();
    protected lastSymbolStart = -1;
    protected lastSymbolEnd = -1;
    protected lastSymbol = -1;
    protected lastDateKey = -1;
    protected lastDay = NaN;
    /** TransactTime, else SendingTime, of the current message: read only when an entry has no time of its own (-1 = not yet). */
    protected messageTime = -1;

    /**
     * @param shared the arrays in shared memory (a worker's: its scans go to the importing thread without a copy, and come
     * back to be filled again); else one set of arrays reused from one scan to the next (the importing thread's).
     */
    constructor(readonly shared = false) {
        this.msg = new FixMessage(Buffer.alloc(0));
        this.scan = this.allocate(1 << 10);
    }

    /** Empty arrays for `messages` messages and twice as many entries. */
    protected allocate(messages: number): FixScan {
        const entries = 2 * messages;
        const { shared } = this;
        return {
            first: 0, next: 0, messages: 0,
            start: array(Float64Array, messages, shared), end: array(Float64Array, messages, shared), kind: array(Uint8Array, messages, shared),
            entryEnd: array(Int32Array, messages, shared), symbolEnd: array(Int32Array, messages, shared), symbolRef: array(Int32Array, entries, shared),
            entryFlags: array(Int32Array, entries, shared), entrySymbol: array(Int32Array, entries, shared), time: array(Float64Array, entries, shared),
            price: array(Float64Array, entries, shared), priceDecimals: array(Float64Array, entries, shared), size: array(Float64Array, entries, shared),
            sizeDecimals: array(Float64Array, entries, shared), symbols: []
        };
    }

    /**
     * The messages starting in bytes [from, to) of `buf` (those of a piece end at the line break before `to`, or run past
     * it in a file without line breaks). `delimiter` is SOH or '|', as the whole file's. A shared scanner fills `into`
     * (a scan it returned before, handed back) when given and large enough, else new arrays.
     */
    scanRange(buf: Buffer, from: number, to: number, delimiter: number, into?: FixScan): FixScan {
        const len = buf.length;
        // Sized for the piece: messages of 128 bytes or more, two entries each; grown if that is too small.
        const guess = Math.max(1 << 10, Math.ceil((Math.min(to, len) - from) / 128));
        let scan = this.shared ? into : this.scan;
        if (!scan || scan.start.length < guess) {
            scan = this.allocate(guess);
        }
        this.scan = scan;
        scan.messages = 0;
        scan.symbols = [];
        this.entries = 0;
        this.refs = 0;
        this.symbolIndex.clear();
        this.lastSymbol = -1;
        const msg = this.msg;
        let pos = from;
        let first = -1;
        for (; ;) {
            // Skip line breaks and spaces between messages.
            while (pos < len && (buf[pos] === 10 || buf[pos] === 13 || buf[pos] === 32)) {
                pos++;
            }
            if (first < 0) {
                first = pos;
            }
            if (pos >= to || pos >= len) {
                break;
            }
            const m = scan.messages;
            if (m === scan.start.length) {
                this.growMessages();
                scan = this.scan;
            }
            scan.start[m] = pos;
            const error = parseFixMessage(buf, pos, delimiter, msg);
            let kind = FixKind.Bad;
            if (!error) {
                const typeAt = msg.find(35);
                // 'd' 100, 'W' 87, 'X' 88
                const type = typeAt < 0 || msg.ends[typeAt] - msg.starts[typeAt] !== 1 ? 0 : buf[msg.starts[typeAt]];
                kind = type === 100 ? FixKind.Definition : type === 87 || type === 88 ? this.marketData(msg, type === 87) : FixKind.Other;
                scan = this.scan;
            }
            scan.kind[m] = kind;
            scan.end[m] = msg.end;
            scan.entryEnd[m] = this.entries;
            scan.symbolEnd[m] = this.refs;
            scan.messages = m + 1;
            pos = msg.end;
        }
        scan.first = first;
        scan.next = pos;
        return scan;
    }

    /** Extracts the entries and symbols of a valid 35=W/X message; returns its kind. */
    protected marketData(msg: FixMessage, snapshot: boolean): FixKind {
        const { tags, starts, ends } = msg;
        const count = msg.count;
        let groupAt = 0;
        while (groupAt < count && tags[groupAt] !== 268) {
            groupAt++;
        }
        if (groupAt === count) {
            return FixKind.NoEntries;
        }
        this.messageTime = -1;
        const buf = msg.buf;
        // The symbols: the first 55 (the message's own, or the first entry's) and those after 268 can be an entry's.
        // Entries start at each 269 (W) or 279 (X) tag after 268.
        const fieldSymbol = this.fieldSymbol;
        let headerSymbol = -1;
        let updates = false;
        for (let k = 0; k < count; k++) {
            const tag = tags[k];
            if (tag === 55) {
                const index = fieldSymbol[k] = this.symbolAt(buf, starts[k], ends[k]);
                if (headerSymbol < 0) {
                    headerSymbol = index;
                    this.addRef(index);
                } else {
                    this.addRef(k > groupAt ? index : ~index);
                }
            } else if (tag === 279 && k > groupAt) {
                updates = true;
            }
        }
        const startTag = snapshot || !updates ? 269 : 279;
        let i = groupAt + 1;
        while (i < count && tags[i] !== startTag) {
            i++;
        }
        while (i < count) {
            let type = -1, priceAt = -1, sizeAt = -1, symbol = headerSymbol, dateAt = -1, timeAt = -1, levelAt = -1, action = 0;
            let k = i;
            do {
                switch (tags[k]) {
                    case 269: type = buf[starts[k]] - 48; break;
                    case 270: priceAt = k; break;
                    case 271: sizeAt = k; break;
                    case 55: symbol = fieldSymbol[k]; break;
                    case 272: dateAt = k; break;
                    case 273: timeAt = k; break;
                    case 1023: levelAt = k; break;
                    case 279: action = buf[starts[k]] - 48; break;
                }
                k++;
            } while (k < count && tags[k] !== startTag);
            i = k;
            if (type < 0 || type > 2 || priceAt < 0 || symbol < 0 || action === 2) {
                continue; // other entry types (index values, volumes...), deletes
            }
            const e = this.entries;
            if (e === this.scan.entryFlags.length) {
                this.growEntries();
            }
            const scan = this.scan;
            let flags = type;
            if (levelAt < 0 || this.level(buf, starts[levelAt], ends[levelAt]) === 1) {
                flags |= EntryFlag.TopLevel;
            }
            if (!this.decimal(buf, starts[priceAt], ends[priceAt], scan.price, scan.priceDecimals, e)) {
                flags |= EntryFlag.PriceText;
            }
            if (sizeAt < 0) {
                flags |= EntryFlag.NoSize;
            } else if (!this.decimal(buf, starts[sizeAt], ends[sizeAt], scan.size, scan.sizeDecimals, e)) {
                flags |= EntryFlag.SizeText;
            }
            let time: number;
            if (timeAt >= 0) {
                const day = dateAt >= 0 ? this.dateAt(buf, starts[dateAt]) : Math.floor(this.fallbackTime(msg) / MICROS_PER_DAY);
                const t = fixTimeAt(buf, starts[timeAt], ends[timeAt]);
                time = day === day && t === t ? day * MICROS_PER_DAY + t : NaN;
            } else {
                time = this.fallbackTime(msg);
            }
            scan.entryFlags[e] = flags;
            scan.entrySymbol[e] = symbol;
            scan.time[e] = time;
            this.entries = e + 1;
        }
        return snapshot ? FixKind.Snapshot : FixKind.Incremental;
    }

    /** MDPriceLevel as the importer reads it (`Number` of the text). */
    protected level(buf: Buffer, s: number, e: number): number {
        return e - s === 1 && buf[s] >= 48 && buf[s] <= 57 ? buf[s] - 48 : Number(buf.toString('latin1', s, e));
    }

    /**
     * Plain decimal digits in [s, e) (spaces around, a sign and a point allowed) into `digits[at]`, `decimals[at]`, as
     * PriceGrid.parse reads them before it applies the grid; anything else (exponents, errors) leaves the bytes to
     * PriceGrid.parse: false, with the range stored instead.
     */
    protected decimal(buf: Buffer, s: number, e: number, digits: Float64Array, decimals: Float64Array, at: number): boolean {
        // The common case first: digits with at most one point, nothing else.
        let mantissa = 0, count = 0, point = -1, i = s;
        for (; i < e; i++) {
            const c = buf[i] - 48;
            if (c >= 0 && c <= 9) {
                mantissa = mantissa * 10 + c;
                count++;
            } else if (c === -2 && point < 0) {
                point = count;
            } else {
                break;
            }
        }
        if (i === e && count > 0 && mantissa <= 9007199254740991) {
            digits[at] = mantissa;
            decimals[at] = point < 0 ? 0 : count - point;
            return true;
        }
        return this.signedDecimal(buf, s, e, digits, decimals, at);
    }

    /** As decimal, with spaces around and a sign allowed. */
    protected signedDecimal(buf: Buffer, s: number, e: number, digits: Float64Array, decimals: Float64Array, at: number): boolean {
        let i = s, end = e;
        while (i < end && buf[i] === 32) {
            i++;
        }
        while (end > i && buf[end - 1] === 32) {
            end--;
        }
        let negative = false;
        if (i < end && (buf[i] === 45 || buf[i] === 43)) {
            negative = buf[i] === 45;
            i++;
        }
        let mantissa = 0, count = 0, places = 0, point = false;
        for (; i < end; i++) {
            const c = buf[i] - 48;
            if (c >= 0 && c <= 9) {
                mantissa = mantissa * 10 + c;
                count++;
                if (point) {
                    places++;
                }
            } else if (c === -2 && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (i < end || count === 0 || mantissa > 9007199254740991) {
            digits[at] = s;
            decimals[at] = e;
            return false;
        }
        digits[at] = negative ? -mantissa : mantissa;
        decimals[at] = places;
        return true;
    }

    /** The index in the scan's symbols of the latin1 text of [s, e). */
    protected symbolAt(buf: Buffer, s: number, e: number): number {
        const ls = this.lastSymbolStart;
        if (this.lastSymbol >= 0 && e - s === this.lastSymbolEnd - ls) {
            let k = 0;
            while (k < e - s && buf[s + k] === buf[ls + k]) {
                k++;
            }
            if (k === e - s) {
                this.lastSymbolStart = s;
                this.lastSymbolEnd = e;
                return this.lastSymbol;
            }
        }
        const text = buf.toString('latin1', s, e);
        let index = this.symbolIndex.get(text);
        if (index === undefined) {
            index = this.scan.symbols.length;
            this.scan.symbols.push(text);
            this.symbolIndex.set(text, index);
        }
        this.lastSymbolStart = s;
        this.lastSymbolEnd = e;
        this.lastSymbol = index;
        return index;
    }

    protected addRef(ref: number): void {
        if (this.refs === this.scan.symbolRef.length) {
            const grown = array(Int32Array, this.refs * 2, this.shared);
            grown.set(this.scan.symbolRef);
            this.scan.symbolRef = grown;
        }
        this.scan.symbolRef[this.refs++] = ref;
    }

    protected growMessages(): void {
        const s = this.scan;
        const n = s.start.length * 2;
        s.start = grow(s.start, n);
        s.end = grow(s.end, n);
        s.kind = grow(s.kind, n);
        s.entryEnd = grow(s.entryEnd, n);
        s.symbolEnd = grow(s.symbolEnd, n);
    }

    protected growEntries(): void {
        const s = this.scan;
        const n = s.entryFlags.length * 2;
        s.entryFlags = grow(s.entryFlags, n);
        s.entrySymbol = grow(s.entrySymbol, n);
        s.time = grow(s.time, n);
        s.price = grow(s.price, n);
        s.priceDecimals = grow(s.priceDecimals, n);
        s.size = grow(s.size, n);
        s.sizeDecimals = grow(s.sizeDecimals, n);
    }

    /** UTC micros of `YYYYMMDD-HH:MM:SS[.fff…]`, or NaN. */
    protected utcTimestamp(msg: FixMessage, i: number): number {
        const b = msg.buf, s = msg.starts[i], e = msg.ends[i];
        if (e - s < 17 || b[s + 8] !== 45) {
            return NaN;
        }
        const day = this.dateAt(b, s);
        const t = fixTimeAt(b, s + 9, e);
        return day !== day || t !== t ? NaN : day * MICROS_PER_DAY + t;
    }

    /** Days since 1970-01-01 of `YYYYMMDD` at `s`, or NaN. */
    protected dateAt(b: Uint8Array, s: number): number {
        const y = digitsAt(b, s, 4), m = digitsAt(b, s + 4, 2), d = digitsAt(b, s + 6, 2);
        if (!(y > 1900 && isCivilDate(y, m, d))) {
            return NaN;
        }
        // Consecutive messages nearly always share their date.
        const key = (y * 100 + m) * 100 + d;
        if (key !== this.lastDateKey) {
            this.lastDateKey = key;
            this.lastDay = daysFromCivil(y, m, d);
        }
        return this.lastDay;
    }

    protected fallbackTime(msg: FixMessage): number {
        if (this.messageTime === -1) {
            const transact = msg.find(60);
            const at = transact >= 0 ? transact : msg.find(52);
            this.messageTime = at >= 0 ? this.utcTimestamp(msg, at) : NaN;
        }
        return this.messageTime;
    }
}

type NumberArray = Float64Array | Int32Array | Uint8Array;

/** A typed array of `n` elements, in shared memory or not. */
function array<T extends NumberArray>(type: { new(buffer: ArrayBufferLike): T; readonly BYTES_PER_ELEMENT: number }, n: number, shared: boolean): T {
    const bytes = n * type.BYTES_PER_ELEMENT;
    return new type(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/** `a` in a longer array of the same kind (shared when it was). */
function grow<T extends NumberArray>(a: T, n: number): T {
    const b = array(a.constructor as { new(buffer: ArrayBufferLike): T; readonly BYTES_PER_ELEMENT: number }, n, a.buffer instanceof SharedArrayBuffer);
    b.set(a);
    return b;
}
