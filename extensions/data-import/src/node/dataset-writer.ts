// *****************************************************************************
// Validation and buffering of one dataset's rows during an import. No DuckDB here: the parse
// worker threads use it too (loading DuckDB into a worker costs more than the parse it saves).
// *****************************************************************************

import { CrossedQuotePolicy, DatasetKind, DuplicatePolicy, Instrument } from '../common/dataset-protocol';
import { PriceGrid } from './price-grid';
import { TickFlags } from '@backtestr/workspace-store/lib/node';
import { MAX_TIME_US, MIN_TIME_US, timeRangeError } from './time-zone';

export const BUFFER_ROWS = 65536;

/** The reason given for a row whose time the dataset already stores (skipped or quarantined by the overlap policy). */
export const STORED_OVERLAP = 'duplicate: time range already stored for this instrument';

/**
 * Time ranges covered by stored files of a dataset: inclusive for files of earlier imports, so a
 * re-import cannot add a single tick twice; [first, last) for files of this import, so a file may
 * start at the very microsecond the previous one ended.
 */
export class RangeSet {
    protected readonly ranges: [number, number][] = [];
    protected last = 0;

    add(first: number, last: number, inclusive = true): void {
        this.ranges.push([first, inclusive ? last + 1 : last]);
        this.ranges.sort((x, y) => x[0] - y[0]);
        this.lo = Math.min(this.lo, first);
        this.hi = Math.max(this.hi, inclusive ? last + 1 : last);
    }

    protected lo = Infinity;
    protected hi = -Infinity;

    get isEmpty(): boolean {
        return this.ranges.length === 0;
    }

    get max(): number {
        return this.hi;
    }

    /** Whether a stored range starts inside [first, last]. */
    within(first: number, last: number): boolean {
        return this.ranges.some(r => r[0] >= first && r[0] <= last);
    }

    /** All ranges as [start, end) pairs (end exclusive). */
    toArray(): [number, number][] {
        return this.ranges.map(r => [r[0], r[1]]);
    }

    /** Whether t lies inside a range [start, end), or is the instant of a one-instant range. */
    contains(t: number): boolean {
        if (t < this.lo || t > this.hi) {
            return false;
        }
        const r = this.ranges[this.last];
        if (r && t >= r[0] && (t < r[1] || t === r[0])) {
            return true;
        }
        // Ranges are sorted by start and rarely overlap: scan back from the last start <= t.
        let lo = 0, hi = this.ranges.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.ranges[mid][0] <= t) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        for (let i = lo; i >= 0; i--) {
            const q = this.ranges[i];
            if (t >= q[0] && (t < q[1] || t === q[0])) {
                this.last = i;
                return true;
            }
        }
        return false;
    }
}

/** Where a DatasetWriter and the importers send rows: the import's transaction, or a worker's collector. */
export interface ImportSink {
    flushWriter(writer: DatasetWriter): void;
    /** Appends whole parsed columns (the main thread's session only). */
    appendColumns?(writer: DatasetWriter, columns: ParsedColumns, count: number): void;
    quarantine(writer: DatasetWriter | undefined, file: string, line: number, byteOffset: number, raw: string, reason: string, time?: number): void;
    progress(fileBytes: number, force?: boolean): void;
    checkCancelled(): void;
}

/** Why a tick count or lot count (NaN: unknown, when `optional`) cannot be stored exactly, or ''. */
function countError(name: string, value: number, optional: boolean): string {
    if (Number.isSafeInteger(value) || (optional && value !== value)) {
        return '';
    }
    return value !== value ? `${name}: not a number` : `${name}: out of range (${value} is not a whole number of at most 2^53 - 1 units)`;
}

/** Equal, or both unknown (NaN). */
function sameSize(a: number, b: number): boolean {
    return a === b || (a !== a && b !== b);
}

export interface DatasetWriterOptions {
    readonly duplicates: DuplicatePolicy;
    readonly outOfOrderToleranceUs: number;
    /** Quotes with bid above ask (default quarantine). */
    readonly crossedQuotes?: CrossedQuotePolicy;
    /** A quote side of 0 is that side unchanged: carried forward from the file's last one (see CsvFormatOptions.oneSidedQuotes). */
    readonly oneSidedQuotes?: boolean;
}

/** Rows of one file parsed by a worker: time plus up to five value columns, and flags. */
export interface ParsedColumns {
    readonly time: Float64Array;
    readonly a: Float64Array;
    readonly b: Float64Array;
    readonly c: Float64Array;
    readonly d: Float64Array;
    readonly e: Float64Array;
    readonly flags: Int32Array;
}

export interface WriterState {
    readonly prevTime: number;
    readonly prevA: number;
    readonly prevB: number;
    readonly prevC: number;
    readonly prevD: number;
    /** One-sided quotes: the file's last bid and ask with their sizes (NaN: not seen yet). */
    readonly lastBid: number;
    readonly lastBidSize: number;
    readonly lastAsk: number;
    readonly lastAskSize: number;
}

export interface ParsedStats {
    readonly count: number;
    readonly first: number;
    readonly last: number;
    readonly repeats: number;
    readonly needsResort: boolean;
}

/** Validates and buffers the rows of one dataset (instrument + kind) of an import. */
export class DatasetWriter {
    readonly priceGrid: PriceGrid;
    readonly sizeGrid: PriceGrid;
    readonly time = new Float64Array(BUFFER_ROWS);
    readonly a = new Float64Array(BUFFER_ROWS);
    readonly b = new Float64Array(BUFFER_ROWS);
    readonly c = new Float64Array(BUFFER_ROWS);
    readonly d = new Float64Array(BUFFER_ROWS);
    readonly e = new Float64Array(BUFFER_ROWS);
    readonly flags = new Int32Array(BUFFER_ROWS);
    count = 0;

    rows = 0;
    quarantined = 0;
    repeats = 0;
    minTime = Infinity;
    maxTime = -Infinity;
    needsResort = false;
    fileRows = 0;
    fileQuarantined = 0;
    /** Rows left out (overlap policy `skip`): in all, and of the current file. */
    skipped = 0;
    fileSkipped = 0;
    fileFirst = Infinity;
    fileLast = -Infinity;
    touchedInFile = false;

    /** Earliest time of the rows of this file up to its first accepted one (for joining pieces parsed apart). */
    headMin = Infinity;
    protected prevTime = -Infinity;
    protected prevA = NaN;
    protected prevB = NaN;
    protected prevC = NaN;
    protected prevD = NaN;
    protected lastBid = NaN;
    protected lastBidSize = NaN;
    protected lastAsk = NaN;
    protected lastAskSize = NaN;

    constructor(
        readonly session: ImportSink,
        readonly instrument: Instrument,
        readonly kind: DatasetKind,
        readonly stored: RangeSet,
        readonly storedMax: number,
        readonly options: DatasetWriterOptions,
        /** For bars: timeframe and the side the prices are (`bid`, `trade`...). */
        readonly timeframe = '',
        readonly side = 'trade'
    ) {
        this.priceGrid = new PriceGrid(instrument.tickSize);
        this.sizeGrid = new PriceGrid(instrument.lotSize);
    }

    startFile(): void {
        this.fileRows = 0;
        this.fileQuarantined = 0;
        this.fileSkipped = 0;
        this.fileFirst = Infinity;
        this.fileLast = -Infinity;
        this.touchedInFile = false;
        this.headMin = Infinity;
        // Each file is checked for order on its own; files out of order with each other are re-sorted.
        this.prevTime = -Infinity;
        this.prevA = this.prevB = this.prevC = this.prevD = NaN;
        // A one-sided file starts with both sides unknown: yesterday's closing quote is not carried into today's file.
        this.lastBid = this.lastBidSize = this.lastAsk = this.lastAskSize = NaN;
    }

    /** Common time checks; returns a quarantine reason or ''. */
    protected checkTime(t: number): string {
        if (t !== t) {
            return 'unparseable time';
        }
        if (!(t >= MIN_TIME_US && t < MAX_TIME_US) || !Number.isInteger(t)) {
            return `time: ${timeRangeError(t)}`;
        }
        if (this.fileRows === 0 && t < this.headMin) {
            this.headMin = t;
        }
        if (t < this.prevTime) {
            if (this.prevTime - t > this.options.outOfOrderToleranceUs) {
                return `out of order: ${(this.prevTime - t) / 1000} ms before the previous row`;
            }
            this.needsResort = true;
        }
        if (!this.stored.isEmpty && this.stored.contains(t)) {
            return STORED_OVERLAP;
        }
        return '';
    }

    protected accept(t: number, flags: number): void {
        const i = this.count;
        this.time[i] = t;
        this.flags[i] = flags;
        this.prevTime = t;
        if (t < this.minTime) {
            this.minTime = t;
        }
        if (t > this.maxTime) {
            this.maxTime = t;
        }
        if (t < this.fileFirst) {
            this.fileFirst = t;
        }
        if (t > this.fileLast) {
            this.fileLast = t;
        }
        this.rows++;
        this.fileRows++;
        this.touchedInFile = true;
        if (++this.count === BUFFER_ROWS) {
            this.session.flushWriter(this);
        }
    }

    /** A trade; price in ticks, size in lots (NaN when unknown). Returns a quarantine reason, or '' when stored. */
    addTrade(t: number, price: number, size: number, flags: number): string {
        const reason = this.checkTime(t);
        if (reason) {
            return reason;
        }
        const range = countError('price', price, false) || countError('size', size, true);
        if (range) {
            return range;
        }
        if (!(price > 0)) {
            return 'non-positive price';
        }
        if (size < 0) {
            return 'negative size';
        }
        if (t === this.prevTime && price === this.prevA && sameSize(size, this.prevB) && flags === this.prevC) {
            if (this.options.duplicates === 'quarantine') {
                return 'duplicate of the previous row';
            }
            flags |= TickFlags.REPEAT;
            this.repeats++;
        } else {
            this.prevA = price;
            this.prevB = size;
            this.prevC = flags;
        }
        const i = this.count;
        this.a[i] = price;
        this.b[i] = size;
        this.accept(t, flags);
        return '';
    }

    /** A quote; prices in ticks, sizes in lots (NaN when unknown). */
    addQuote(t: number, bid: number, ask: number, bidSize: number, askSize: number, flags: number): string {
        const reason = this.checkTime(t);
        if (reason) {
            return reason;
        }
        const range = countError('bid', bid, false) || countError('ask', ask, false) || countError('bid size', bidSize, true)
            || countError('ask size', askSize, true);
        if (range) {
            return range;
        }
        if (this.options.oneSidedQuotes && (bid === 0) !== (ask === 0)) {
            const carried = this.carrySide(bid, ask, bidSize, askSize);
            if (typeof carried === 'string') {
                return carried;
            }
            ({ bid, ask, bidSize, askSize } = carried);
            flags |= carried.bidCarried ? TickFlags.BID_CARRIED : TickFlags.ASK_CARRIED;
        }
        if (!(bid > 0) || !(ask > 0)) {
            return 'non-positive price';
        }
        if (this.options.oneSidedQuotes) {
            this.lastBid = bid;
            this.lastBidSize = bidSize;
            this.lastAsk = ask;
            this.lastAskSize = askSize;
        }
        if (bid > ask) {
            if (this.options.crossedQuotes !== 'keep') {
                return 'crossed quote: bid above ask';
            }
            flags |= TickFlags.CROSSED;
        }
        if (bidSize < 0 || askSize < 0) {
            return 'negative size';
        }
        if (bid === ask) {
            flags |= TickFlags.LOCKED;
        }
        if (t === this.prevTime && bid === this.prevA && ask === this.prevB && sameSize(bidSize, this.prevC) && sameSize(askSize, this.prevD)) {
            if (this.options.duplicates === 'quarantine') {
                return 'duplicate of the previous row';
            }
            flags |= TickFlags.REPEAT;
            this.repeats++;
        } else {
            this.prevA = bid;
            this.prevB = ask;
            this.prevC = bidSize;
            this.prevD = askSize;
        }
        const i = this.count;
        this.a[i] = bid;
        this.b[i] = ask;
        this.c[i] = bidSize;
        this.d[i] = askSize;
        this.accept(t, flags);
        return '';
    }

    /**
     * The two sides of a one-sided quote row (one side 0): the 0 side, with its size, is the last one of this file.
     * Before that side was seen in the file the row cannot be a quote: a quarantine reason. The side that came is
     * remembered even when the row is then quarantined (crossed, say): it is still the vendor's latest on that side.
     */
    protected carrySide(bid: number, ask: number, bidSize: number, askSize: number):
        { bid: number; ask: number; bidSize: number; askSize: number; bidCarried: boolean } | string {
        const bidCarried = bid === 0;
        if (bidCarried ? !(ask > 0) : !(bid > 0)) {
            return 'non-positive price';
        }
        if (bidCarried ? this.lastBid !== this.lastBid : this.lastAsk !== this.lastAsk) {
            if (bidCarried) {
                this.lastAsk = ask;
                this.lastAskSize = askSize;
            } else {
                this.lastBid = bid;
                this.lastBidSize = bidSize;
            }
            // A piece of a file parsed on its own lacks the sides of the rows before it: it cannot be joined (see canJoin).
            this.headMin = -Infinity;
            return `one-sided quote: no ${bidCarried ? 'bid' : 'ask'} seen yet in this file`;
        }
        return bidCarried
            ? { bid: this.lastBid, bidSize: this.lastBidSize, ask, askSize, bidCarried }
            : { bid, bidSize, ask: this.lastAsk, askSize: this.lastAskSize, bidCarried };
    }

    /** An imported bar (open time). */
    addBar(t: number, open: number, high: number, low: number, close: number, volume: number): string {
        const reason = this.checkTime(t);
        if (reason) {
            return reason;
        }
        if (t === this.prevTime) {
            return 'duplicate bar time';
        }
        const range = countError('open', open, false) || countError('high', high, false) || countError('low', low, false)
            || countError('close', close, false) || countError('volume', volume, true);
        if (range) {
            return range;
        }
        if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
            return 'non-positive price';
        }
        if (high < Math.max(open, close, low) || low > Math.min(open, close)) {
            return 'inconsistent bar: high/low do not bound open/close';
        }
        if (volume < 0) {
            return 'negative volume';
        }
        const i = this.count;
        this.a[i] = open;
        this.b[i] = high;
        this.c[i] = low;
        this.d[i] = close;
        this.e[i] = volume !== volume ? 0 : volume;
        this.accept(t, 0);
        return '';
    }

    /** Overlaps [first, last] any stored range or a file of this import? (checked before taking a worker's result) */
    overlaps(first: number, last: number): boolean {
        return this.stored.contains(first) || this.stored.contains(last) || this.stored.within(first, last);
    }

    /** Takes the accepted rows of a whole file parsed elsewhere (a worker), with its statistics. */
    takeParsed(columns: ParsedColumns, stats: ParsedStats): void {
        this.session.flushWriter(this);
        this.session.appendColumns?.(this, columns, stats.count);
        this.rows += stats.count;
        this.fileRows += stats.count;
        this.repeats += stats.repeats;
        this.needsResort ||= stats.needsResort;
        if (stats.count > 0) {
            this.minTime = Math.min(this.minTime, stats.first);
            this.maxTime = Math.max(this.maxTime, stats.last);
            this.fileFirst = Math.min(this.fileFirst, stats.first);
            this.fileLast = Math.max(this.fileLast, stats.last);
            this.touchedInFile = true;
        }
    }

    /** What validation of the next row depends on: the previous accepted row. */
    get state(): WriterState {
        return {
            prevTime: this.prevTime, prevA: this.prevA, prevB: this.prevB, prevC: this.prevC, prevD: this.prevD,
            lastBid: this.lastBid, lastBidSize: this.lastBidSize, lastAsk: this.lastAsk, lastAskSize: this.lastAskSize
        };
    }

    /** Continues after rows validated elsewhere (a piece of this file parsed by a worker). */
    resume(state: WriterState): void {
        ({
            prevTime: this.prevTime, prevA: this.prevA, prevB: this.prevB, prevC: this.prevC, prevD: this.prevD,
            lastBid: this.lastBid, lastBidSize: this.lastBidSize, lastAsk: this.lastAsk, lastAskSize: this.lastAskSize
        } = state);
    }

    /**
     * Whether the accepted rows of a piece parsed on its own (from a fresh state) are exactly what validating it
     * after this writer's rows gives, once `joinFirstRow` has run. True when every row up to the piece's first accepted
     * one is later than the previous accepted row, or, for ticks kept as repeats, at the same time. Never when a
     * one-sided quote of the piece waited for a side (headMin -Infinity): the rows before the piece had it.
     */
    canJoin(headMin: number): boolean {
        if (headMin === Infinity || headMin > this.prevTime) {
            return true;
        }
        return headMin === this.prevTime && this.kind !== 'bars' && this.options.duplicates === 'keep';
    }

    /** Flags the first accepted row of a joined piece as a repeat when it repeats this writer's last row. */
    joinFirstRow(columns: ParsedColumns, count: number): void {
        if (count === 0 || columns.time[0] !== this.prevTime) {
            return;
        }
        const repeat = this.kind === 'trades'
            ? columns.a[0] === this.prevA && sameSize(columns.b[0], this.prevB) && columns.flags[0] === this.prevC
            : columns.a[0] === this.prevA && columns.b[0] === this.prevB && sameSize(columns.c[0], this.prevC) && sameSize(columns.d[0], this.prevD);
        if (repeat) {
            columns.flags[0] |= TickFlags.REPEAT;
            this.repeats++;
        }
    }

    noteQuarantined(): void {
        this.quarantined++;
        this.fileQuarantined++;
        this.touchedInFile = true;
    }

    /** A row left out because the dataset already stores its time (overlap policy `skip`). */
    noteSkipped(): void {
        this.skipped++;
        this.fileSkipped++;
        this.touchedInFile = true;
    }
}
