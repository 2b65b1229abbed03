// *****************************************************************************
// CSV -> ticks/bars, straight from the file's bytes into typed-array columns (no per-row strings:
// text is only made for rows that go to quarantine). Yields to the event loop every slice of
// lines so progress is reported and cancellation is seen.
// *****************************************************************************

import { CsvFormatOptions, DatasetErrors } from '../common/dataset-protocol';
import { DatasetWriter, ImportSink } from './dataset-writer';
import { importLimits, lineAt, lineTooLong, longLineAt } from './import-limits';
import { PriceGrid } from './price-grid';
import { TickFlags } from '@backtestr/workspace-store/lib/node';
import { TimeZone } from './time-zone';
import { dayFromFileName, TimestampParser } from './timestamp-parser';

const SLICE_LINES = 200_000;
/** A file whose first rows all fail to parse is not in the declared format: one error, not a quarantine. */
const FORMAT_PROBE_ROWS = 20;
const MAX_FIELDS = 256;
/** Lines whose field counts set a file's (the most common one among them). */
const FIELD_COUNT_ROWS = 20;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Where a piece of a file sits in it (see CsvImporter.importChunk). */
export interface ChunkPosition {
    readonly first: boolean;
    readonly last: boolean;
    /** Lines before the piece. */
    readonly lineBase: number;
    /** Bytes before the piece. */
    readonly offsetBase: number;
    /** The file's field count (CsvImporter.fileFieldCount of its first piece); the first piece finds it itself when not given. */
    readonly fields?: number;
}

const WHOLE_FILE: ChunkPosition = { first: true, last: true, lineBase: 0, offsetBase: 0 };

export interface ChunkStats {
    /** Lines of the piece (empty ones included). */
    readonly lines: number;
    readonly dataRows: number;
    readonly parseFailures: number;
    /** The first row that failed to parse: its line inside the piece and why. */
    readonly firstFailure?: { readonly line: number; readonly text: string };
}

function failureText(failure: { line: number; text: string }, lineBase: number): string {
    return `line ${lineBase + failure.line}: ${failure.text}`;
}

const yieldToEventLoop = (): Promise<void> => new Promise(resolve => setImmediate(resolve));

/** Why a row failed to parse (structural) rather than to validate. */
class RowError {
    constructor(readonly reason: string) { }
}

export class CsvImporter {
    protected readonly delimiter: number;
    protected readonly times: TimestampParser;
    protected readonly price: PriceGrid;
    protected readonly size: PriceGrid;
    protected readonly starts = new Int32Array(MAX_FIELDS);
    protected readonly ends = new Int32Array(MAX_FIELDS);
    /** Of each field of the current line: its value when it is a plain unsigned decimal, else NaN... */
    protected readonly values = new Float64Array(MAX_FIELDS);
    /** ...and its digits after the point (-1: no point). */
    protected readonly points = new Int32Array(MAX_FIELDS);
    protected readonly needFields: number;
    /** Fields each data row of the current file has (see fileFieldCount); a row with another count is quarantined. */
    protected expectedFields: number | undefined;
    /** The longest line importFile reads (see import-limits); a parse worker sets its job's. */
    maxLineBytes = importLimits().maxLineBytes;

    constructor(readonly session: ImportSink, readonly format: CsvFormatOptions, readonly writer: DatasetWriter) {
        this.delimiter = format.delimiter === '\\t' ? 9 : format.delimiter.charCodeAt(0);
        this.times = new TimestampParser(format.timestampFormat, TimeZone.of(format.timeZone));
        this.price = new PriceGrid(writer.instrument.tickSize, format.priceScale);
        this.size = new PriceGrid(writer.instrument.lotSize, 0);
        const c = format.columns;
        this.needFields = 1 + Math.max(...[c.time, c.date, c.price, c.size, c.bid, c.ask, c.bidSize, c.askSize,
            c.open, c.high, c.low, c.close, c.volume, c.exchange, c.suspicious, c.flags].filter((x): x is number => x !== undefined));
    }

    /** Imports one file's bytes; `label` names it in messages and the quarantine. */
    async importFile(label: string, fileName: string, buf: Buffer): Promise<void> {
        const long = longLineAt(buf, 0, buf.length, this.maxLineBytes);
        if (long >= 0) {
            throw lineTooLong(label, lineAt(buf, long), long, this.maxLineBytes);
        }
        const stats = await this.importChunk(label, fileName, buf, WHOLE_FILE);
        this.checkNotAllFailed(label, stats);
    }

    /** One error when every data row of a file failed to parse: it is not in the declared format. */
    checkNotAllFailed(label: string, stats: Pick<ChunkStats, 'dataRows' | 'parseFailures' | 'firstFailure'>, lineBase = 0): void {
        if (stats.dataRows > 0 && stats.parseFailures === stats.dataRows) {
            throw DatasetErrors.FormatMismatch(label, `not in the declared format (${this.describe()}); ${failureText(stats.firstFailure!, lineBase)}`);
        }
    }

    /**
     * Imports a piece of a file that starts and ends at line boundaries. Line numbers and byte offsets in the
     * quarantine are `at.lineBase` / `at.offsetBase` plus the position inside the piece; the header, a byte order
     * mark and the format probe belong to the first piece.
     */
    async importChunk(label: string, fileName: string, buf: Buffer, at: ChunkPosition): Promise<ChunkStats> {
        const format = this.format;
        if (at.fields !== undefined || at.first) {
            this.expectedFields = at.fields ?? this.fileFieldCount(buf);
        }
        if (format.timestampFormat === 'ms-since-midnight') {
            this.times.fileDay = dayFromFileName(fileName) ?? dayFromFileName(label);
            if (this.times.fileDay === undefined) {
                throw DatasetErrors.FormatMismatch(label, 'milliseconds-since-midnight times need the date (YYYYMMDD) in the file name');
            }
        }
        const writer = this.writer;
        const session = this.session;
        const len = buf.length;
        let pos = 0;
        let line = 0;
        let dataRows = 0;
        let parseFailures = 0;
        let firstFailure: { line: number; text: string } | undefined;
        let headerPending = format.header && at.first;
        // UTF-8 byte order mark
        if (at.first && len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
            pos = 3;
        }
        while (pos < len) {
            let budget = SLICE_LINES;
            while (pos < len && budget-- > 0) {
                // One pass over the line finds its end and its fields, and reads each field that is a plain
                // unsigned decimal (digits and at most one point) as it goes: no second pass over those bytes.
                const lineStart = pos;
                const starts = this.starts, ends = this.ends, values = this.values, points = this.points, d = this.delimiter;
                let n = 0, fieldStart = pos, i = pos;
                let mantissa = 0, digits = 0, point = -1, plain = true;
                for (; i < len; i++) {
                    const b = buf[i];
                    const digit = b - 48;
                    if (digit >= 0 && digit <= 9) {
                        mantissa = mantissa * 10 + digit;
                        digits++;
                        if (point >= 0) {
                            point++;
                        }
                    } else if (b === d) {
                        if (n < MAX_FIELDS) {
                            starts[n] = fieldStart;
                            ends[n] = i;
                            values[n] = plain && digits > 0 && mantissa <= MAX_SAFE ? mantissa : NaN;
                            points[n] = point;
                        }
                        n++;
                        fieldStart = i + 1;
                        mantissa = 0;
                        digits = 0;
                        point = -1;
                        plain = true;
                    } else if (b === 10) {
                        break;
                    } else if (b === 46 && point < 0) {
                        point = 0;
                    } else if (b !== 13 || (i + 1 < len && buf[i + 1] !== 10)) {
                        // Anything else (a sign, a space, a quote, a letter, a second point, a CR inside the line) leaves the field to the full parsers.
                        plain = false;
                    }
                }
                let lineEnd = i;
                pos = i + 1;
                line++;
                if (lineEnd > lineStart && buf[lineEnd - 1] === 13) {
                    lineEnd--;
                }
                if (lineEnd === lineStart) {
                    continue;
                }
                if (n < MAX_FIELDS) {
                    starts[n] = fieldStart;
                    ends[n] = lineEnd > fieldStart ? lineEnd : fieldStart;
                    values[n] = plain && digits > 0 && mantissa <= MAX_SAFE ? mantissa : NaN;
                    points[n] = point;
                }
                this.fieldCount = n + 1;
                if (headerPending) {
                    headerPending = false;
                    continue;
                }
                dataRows++;
                let reason: string;
                let time = NaN;
                const result = this.parseRow(buf);
                if (result instanceof RowError) {
                    reason = result.reason;
                    parseFailures++;
                    if (!firstFailure) {
                        firstFailure = { line, text: `${reason}: "${buf.toString('utf8', lineStart, Math.min(lineEnd, lineStart + 200))}"` };
                    }
                    if (at.first && dataRows <= FORMAT_PROBE_ROWS && parseFailures === dataRows && (dataRows === FORMAT_PROBE_ROWS || (pos >= len && at.last))) {
                        throw DatasetErrors.FormatMismatch(label,
                            `not in the declared format (${this.describe()}); ${failureText(firstFailure, 0)}${this.delimiterHint(buf, lineStart, lineEnd)}`);
                    }
                } else {
                    reason = result;
                    time = this.lastTime;
                }
                if (reason) {
                    session.quarantine(writer, label, at.lineBase + line, at.offsetBase + lineStart, buf.toString('utf8', lineStart, lineEnd), reason, time);
                }
            }
            session.progress(at.offsetBase + pos);
            await yieldToEventLoop();
            session.checkCancelled();
        }
        return { lines: line, dataRows, parseFailures, firstFailure };
    }

    /**
     * The field count of a file's data rows: the most common one among its first FIELD_COUNT_ROWS non-empty data lines
     * (of its first piece `buf`; the header and a byte order mark skipped), the earliest seen on a tie. Not the first
     * row's alone: that row may be the odd one. Undefined when the piece has no data line.
     */
    fileFieldCount(buf: Uint8Array): number | undefined {
        const d = this.delimiter;
        let pos = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
        let headerPending = this.format.header;
        const tally = new Map<number, number>();
        let best: number | undefined, bestCount = 0, rows = 0;
        while (pos < buf.length && rows < FIELD_COUNT_ROWS) {
            let end = buf.indexOf(10, pos);
            if (end < 0) {
                end = buf.length;
            }
            const lineEnd = end > pos && buf[end - 1] === 13 ? end - 1 : end;
            if (lineEnd > pos) {
                if (headerPending) {
                    headerPending = false;
                } else {
                    let n = 1;
                    for (let i = pos; i < lineEnd; i++) {
                        if (buf[i] === d) {
                            n++;
                        }
                    }
                    const count = (tally.get(n) ?? 0) + 1;
                    tally.set(n, count);
                    if (count > bestCount) {
                        best = n;
                        bestCount = count;
                    }
                    rows++;
                }
            }
            pos = end + 1;
        }
        return best;
    }

    protected lastTime = NaN;

    protected fieldCount = 0;

    /** Parses and stores the row whose fields the line scan found; returns '' when stored, a validation reason, or a RowError. */
    protected parseRow(buf: Buffer): string | RowError {
        const starts = this.starts, ends = this.ends;
        const n = this.fieldCount;
        if (n < this.needFields) {
            return new RowError(`expected ${this.needFields} fields separated by '${this.format.delimiter}', found ${n}`);
        }
        if (n > MAX_FIELDS) {
            return new RowError(`more than ${MAX_FIELDS} fields`);
        }
        const expected = this.expectedFields;
        if (expected !== undefined && n !== expected) {
            return new RowError(`expected ${expected} fields separated by '${this.format.delimiter}' like the other rows, found ${n}`
                + (n > expected ? ' (a delimiter inside a value, such as a thousands separator?)' : ''));
        }
        const c = this.format.columns;
        const plainTime = c.date === undefined && this.points[c.time] < 0 ? this.values[c.time] : NaN;
        const t = plainTime === plainTime ? this.times.fromInteger(plainTime, buf, starts[c.time], ends[c.time])
            : c.date !== undefined
                ? this.times.parse(buf, starts[c.time], ends[c.time], starts[c.date], ends[c.date])
                : this.times.parse(buf, starts[c.time], ends[c.time]);
        this.lastTime = t;
        if (t !== t) {
            return new RowError(this.times.error ? `time: ${this.times.error}` : 'unparseable time');
        }
        const w = this.writer;
        switch (this.format.kind) {
            case 'trades': {
                const price = this.field(buf, c.price!, this.price);
                if (price !== price) {
                    return new RowError(`price: ${this.price.error}`);
                }
                // An empty size field is an unknown size (what the CSV export writes for one).
                let size = NaN;
                if (c.size !== undefined && this.ends[c.size] > this.starts[c.size]) {
                    size = this.field(buf, c.size, this.size);
                    if (size !== size) {
                        return new RowError(`size: ${this.size.error}`);
                    }
                }
                const flags = this.vendorFlags(buf);
                if (flags !== flags) {
                    return new RowError('flags: not a whole number from 0 to 2^31 - 1');
                }
                return w.addTrade(t, price, size, flags);
            }
            case 'quotes': {
                const bid = this.field(buf, c.bid!, this.price);
                if (bid !== bid) {
                    return new RowError(`bid: ${this.price.error}`);
                }
                const ask = this.field(buf, c.ask!, this.price);
                if (ask !== ask) {
                    return new RowError(`ask: ${this.price.error}`);
                }
                // An empty size field is an unknown size (what the CSV export writes for one).
                let bidSize = NaN, askSize = NaN;
                if (c.bidSize !== undefined && this.ends[c.bidSize] > this.starts[c.bidSize]) {
                    bidSize = this.field(buf, c.bidSize, this.size);
                    if (bidSize !== bidSize) {
                        return new RowError(`bid size: ${this.size.error}`);
                    }
                }
                if (c.askSize !== undefined && this.ends[c.askSize] > this.starts[c.askSize]) {
                    askSize = this.field(buf, c.askSize, this.size);
                    if (askSize !== askSize) {
                        return new RowError(`ask size: ${this.size.error}`);
                    }
                }
                const flags = this.vendorFlags(buf);
                if (flags !== flags) {
                    return new RowError('flags: not a whole number from 0 to 2^31 - 1');
                }
                return w.addQuote(t, bid, ask, bidSize, askSize, flags);
            }
            case 'bars': {
                const o = this.field(buf, c.open!, this.price);
                const h = this.field(buf, c.high!, this.price);
                const l = this.field(buf, c.low!, this.price);
                const cl = this.field(buf, c.close!, this.price);
                if (o !== o || h !== h || l !== l || cl !== cl) {
                    return new RowError(`open/high/low/close: ${this.price.error}`);
                }
                let volume = 0;
                if (c.volume !== undefined) {
                    volume = this.field(buf, c.volume, this.size);
                    if (volume !== volume) {
                        return new RowError(`volume: ${this.size.error}`);
                    }
                }
                return w.addBar(t, o, h, l, cl, volume);
            }
        }
    }

    /**
     * The vendor's exchange code and suspicious mark of the current row, as tick flags; or the stored flags a
     * `flags` column holds (BackTestr's own CSV export), NaN when that is not a whole number in 0..2^31-1.
     */
    protected vendorFlags(buf: Buffer): number {
        const c = this.format.columns, starts = this.starts, ends = this.ends;
        let flags = 0;
        if (c.flags !== undefined) {
            const v = this.values[c.flags];
            if (!(this.points[c.flags] < 0 && v <= 0x7fffffff)) {
                return NaN;
            }
            flags = v;
        }
        if (c.exchange !== undefined && ends[c.exchange] > starts[c.exchange]) {
            flags |= (buf[starts[c.exchange]] & 0xff) << TickFlags.EXCHANGE_SHIFT;
        }
        if (c.suspicious !== undefined && buf[starts[c.suspicious]] === 49) {
            flags |= TickFlags.SUSPICIOUS;
        }
        return flags;
    }

    protected field(buf: Buffer, index: number, grid: PriceGrid): number {
        const plain = this.values[index];
        if (plain === plain) {
            // What grid.parse computes for digits[.digits], without reading the bytes again.
            const point = this.points[index];
            return grid.toTicks(plain, (point < 0 ? 0 : point) + grid.scale);
        }
        let s = this.starts[index], e = this.ends[index];
        if (e - s >= 2 && buf[s] === 34 && buf[e - 1] === 34) {
            s++;
            e--;
        }
        return grid.parse(buf, s, e);
    }

    describe(): string {
        const f = this.format;
        return `${f.kind}, '${f.delimiter === '\t' ? '\\t' : f.delimiter}'-delimited, ${f.timestampFormat} times`;
    }

    protected delimiterHint(buf: Buffer, s: number, e: number): string {
        const text = buf.toString('latin1', s, e);
        for (const d of [',', ';', '\t', '|']) {
            if (d !== this.format.delimiter && text.split(d).length >= this.needFields) {
                return ` (the file looks '${d === '\t' ? '\\t' : d}'-delimited)`;
            }
        }
        return '';
    }
}
