// *****************************************************************************
// FIX tag=value import: SOH- or '|'-delimited messages, one per line or concatenated.
// Every message is checked: BodyLength (9) = bytes after the 9= field up to the 10= field;
// CheckSum (10) = sum of all bytes before the 10= field mod 256, counting '|' as SOH. A message
// failing either goes to quarantine (byte offset, line, text, reason).
//   35=W MarketDataSnapshotFullRefresh and 35=X MarketDataIncrementalRefresh: entries 269=0 bid,
//     269=1 offer, 269=2 trade with 270 price, 271 size; quotes are top of book (MDPriceLevel 1023
//     absent or 1) emitted once per message per instrument when both sides are known; time from
//     272/273 MDEntryDate/Time, else 60 TransactTime, else 52 SendingTime (UTC).
//   35=d SecurityDefinition: instruments (symbol 55, or the contract 107 SecurityDesc when given;
//     tick size 969, currency 15, venue 207, security id 48, multiplier 231).
// Other message types are counted and skipped.
// *****************************************************************************

import { DatasetErrors, Instrument, InstrumentSpec } from '../common/dataset-protocol';
import { DatasetWriter, ImportSession } from './import-session';
import { InstrumentCatalog } from './instrument-catalog';
import { PriceGrid } from './price-grid';
import { TickFlags } from './schema-migrations';
import { TickRepository } from './tick-repository';
import { daysFromCivil, MICROS_PER_DAY } from './time-zone';

const SOH = 1;
const PIPE = 124;
const MAX_TAGS = 4096;
const FORMAT_PROBE = 20;

/** Whether bytes look like FIX tag=value: starts with `<digits>=` and has a 35= field. */
export function looksLikeFix(data: Uint8Array): boolean {
    const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 4096)).toString('latin1');
    return /^\s*\d{1,5}=/.test(head) && /(^|[\x01|])35=[0-9A-Za-z]{1,2}[\x01|]/.test(head) && /(^|[\x01|])10=\d{3}[\x01|]?/.test(head);
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

/** A resolved instrument with its grids and, once prepared, its writers. */
interface Target { instrument: Instrument; grid: PriceGrid; size: PriceGrid; trades?: DatasetWriter; quotes?: DatasetWriter }

interface Book { bid: number; ask: number; bidSize: number; askSize: number; changed: boolean; time: number; target: Target }

export class FixImporter {
    definitions = 0;
    protected readonly defined = new Set<string>();
    /** Definitions without a usable MinPriceIncrement (969). */
    variableTick = 0;
    marketDataMessages = 0;
    skippedMessages = 0;
    protected readonly bySymbol = new Map<string, Target | null>();
    protected readonly books = new Map<number, Book>();
    protected readonly writers = new Map<string, DatasetWriter>();

    /** The writer of an instrument's trades or quotes, without an await once known. */
    protected writerFor(instrument: Instrument, kind: 'trades' | 'quotes'): DatasetWriter | Promise<DatasetWriter> {
        const key = `${instrument.id}:${kind}`;
        const known = this.writers.get(key);
        if (known) {
            return known;
        }
        return this.session.writer(instrument, kind).then(w => {
            this.writers.set(key, w);
            return w;
        });
    }

    constructor(readonly session: ImportSession, readonly repo: TickRepository, readonly catalog: InstrumentCatalog,
        readonly given?: Partial<InstrumentSpec> & { symbol: string }) { }

    async importFile(label: string, buf: Buffer): Promise<void> {
        const delimiter = buf.subarray(0, Math.min(buf.length, 8192)).indexOf(SOH) >= 0 ? SOH : PIPE;
        const msg = new FixMessage(buf);
        const len = buf.length;
        let pos = 0;
        this.lineBuf = buf;
        this.linePos = 0;
        this.lineNo = 1;
        let messages = 0, failures = 0;
        let firstFailure = '';
        const definitions: { spec: InstrumentSpec; securityId?: string; attributes: Record<string, string> }[] = [];
        let sliceCount = 0;
        while (pos < len) {
            // Skip line breaks and spaces between messages.
            while (pos < len && (buf[pos] === 10 || buf[pos] === 13 || buf[pos] === 32)) {
                pos++;
            }
            if (pos >= len) {
                break;
            }
            const start = pos;
            const error = this.parseMessage(buf, pos, delimiter, msg);
            pos = msg.end;
            messages++;
            if (error) {
                failures++;
                const line = this.lineAt(start);
                if (!firstFailure) {
                    firstFailure = `message at byte ${start} (line ${line}): ${error}`;
                }
                if (messages <= FORMAT_PROBE && failures === messages && (messages === FORMAT_PROBE || pos >= len)) {
                    throw DatasetErrors.FormatMismatch(label, `not valid FIX tag=value; ${firstFailure}`);
                }
                this.session.quarantine(undefined, label, line, start, this.raw(buf, start, msg.end), error);
                continue;
            }
            const typeAt = msg.find(35);
            // 'd' 100, 'W' 87, 'X' 88
            const type = typeAt < 0 || msg.ends[typeAt] - msg.starts[typeAt] !== 1 ? 0 : buf[msg.starts[typeAt]];
            if (type === 100) {
                const def = this.definition(msg);
                if (def) {
                    definitions.push(def);
                } else {
                    this.session.quarantine(undefined, label, this.lineAt(start), start, this.raw(buf, start, msg.end), 'SecurityDefinition without a symbol (55 or 107)');
                }
            } else if (type === 87 || type === 88) {
                this.marketDataMessages++;
                if (definitions.length > 0) {
                    await this.storeDefinitions(label, definitions.splice(0));
                }
                if (!this.marketData(msg, type === 87, label, start)) {
                    await this.prepare(msg);
                    this.marketData(msg, type === 87, label, start);
                }
            } else {
                this.skippedMessages++;
            }
            if (++sliceCount === 100_000) {
                sliceCount = 0;
                this.session.progress(pos);
                await new Promise(resolve => setImmediate(resolve));
                this.session.checkCancelled();
            }
        }
        if (messages > 0 && failures === messages) {
            throw DatasetErrors.FormatMismatch(label, `no valid FIX message; ${firstFailure}`);
        }
        await this.storeDefinitions(label, definitions);
        if (this.variableTick > 0) {
            this.session.warnings.push(`${label}: ${this.variableTick} definitions had no MinPriceIncrement (969=0: CME variable-tick instruments); their price grid is the DisplayFactor (9787)`);
            this.variableTick = 0;
        }
    }

    /** Upserts collected definitions (before market data that may refer to them, and at the end of a file). */
    protected async storeDefinitions(label: string, definitions: { spec: InstrumentSpec; securityId?: string; attributes: Record<string, string> }[]): Promise<void> {
        if (definitions.length === 0) {
            return;
        }
        await this.repo.upsertInstruments(definitions);
        this.lastTarget = undefined;
        for (const d of definitions) {
            this.bySymbol.delete(d.spec.symbol);
            this.defined.add(`${d.spec.symbol}@${d.spec.venue}`);
        }
        this.definitions += definitions.length;
        this.session.instrumentsDefined = this.defined.size;
    }

    protected lineBuf?: Buffer;
    protected linePos = 0;
    protected lineNo = 1;

    /** 1-based line of a byte offset, counted lazily (offsets only grow within a file). */
    protected lineAt(offset: number): number {
        const buf = this.lineBuf!;
        for (; ;) {
            const nl = buf.indexOf(10, this.linePos);
            if (nl < 0 || nl >= offset) {
                break;
            }
            this.lineNo++;
            this.linePos = nl + 1;
        }
        return this.lineNo;
    }

    /** Resolves the instruments and writers a market data message refers to (the slow path). */
    protected async prepare(msg: FixMessage): Promise<void> {
        for (let i = 0; i < msg.count; i++) {
            if (msg.tags[i] === 55) {
                const symbol = msg.text(i);
                const target = this.bySymbol.get(symbol) ?? await this.instrumentFor(symbol);
                if (target) {
                    target.trades = await this.writerFor(target.instrument, 'trades');
                    target.quotes = await this.writerFor(target.instrument, 'quotes');
                }
            }
        }
    }

    protected raw(buf: Buffer, start: number, end: number): string {
        return buf.toString('latin1', start, end).replace(/\x01/g, '|');
    }

    /** Splits one message into fields and validates 9 and 10; sets msg.end past it. Returns an error or ''. */
    parseMessage(buf: Buffer, pos: number, delimiter: number, msg: FixMessage): string {
        const len = buf.length;
        msg.count = 0;
        msg.start = pos;
        let sum = 0;
        let bodyStart = -1;
        let bodyLength = -1;
        let checksumAt = -1;
        let error = '';
        while (pos < len) {
            const fieldStart = pos;
            let tag = 0;
            // Sum the tag, '=' and value bytes while scanning (one pass for the checksum).
            let fieldSum = 61;
            let c = buf[pos];
            while (c >= 48 && c <= 57 && pos < len) {
                tag = tag * 10 + (c - 48);
                fieldSum += c;
                c = buf[++pos];
            }
            if (c !== 61 || pos === fieldStart) {
                // Not tag=: skip to the end of the line or the next delimiter and report.
                let e = pos;
                while (e < len && buf[e] !== 10) {
                    e++;
                }
                msg.end = e;
                return error || `malformed field at byte ${fieldStart}: expected tag=value`;
            }
            const valueStart = ++pos;
            c = buf[pos];
            while (pos < len && c !== delimiter && c !== 10) {
                fieldSum += c;
                c = buf[++pos];
            }
            const valueEnd = pos;
            const ended = pos >= len || c === 10;
            if (tag === 10) {
                checksumAt = fieldStart;
                msg.end = ended ? pos : pos + 1;
                if (msg.count < MAX_TAGS) {
                    msg.tags[msg.count] = tag;
                    msg.starts[msg.count] = valueStart;
                    msg.ends[msg.count] = valueEnd;
                    msg.count++;
                }
                break;
            }
            if (msg.count < MAX_TAGS) {
                msg.tags[msg.count] = tag;
                msg.starts[msg.count] = valueStart;
                msg.ends[msg.count] = valueEnd;
                msg.count++;
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
                return 'message ends without a CheckSum (10) field';
            }
        }
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

    protected definition(msg: FixMessage): { spec: InstrumentSpec; securityId?: string; attributes: Record<string, string> } | undefined {
        const product = msg.value(55);
        const contract = msg.value(107);
        let tick = Number(msg.value(969));
        const symbol = contract ?? product;
        if (!symbol) {
            return undefined;
        }
        const attributes: Record<string, string> = {};
        if (!(tick > 0)) {
            // CME sends 969=0 for variable-tick instruments (user-defined spreads, some options). Their
            // prices are integers in price units scaled by DisplayFactor (9787), so the display factor
            // (at most 1) is a grid every such price lies on. Recorded, and reported by the import.
            const display = Number(msg.value(9787));
            tick = display > 0 ? Math.min(display, 1) : 0.0001;
            attributes.tickSizeSource = `969 is ${msg.value(969) ?? 'absent'}; grid ${tick} taken from ${display > 0 ? 'DisplayFactor (9787)' : 'a default'}`;
            this.variableTick++;
        }
        const cfi = msg.value(461) ?? '';
        const assetClass = cfi.startsWith('F') ? 'future' : cfi.startsWith('O') ? 'option' : (msg.value(167) ?? 'future').toLowerCase();
        const venue = msg.value(207) ?? 'fix';
        const base = this.catalog.lookup(symbol, venue);
        for (const [tag, name] of [[55, 'product'], [200, 'maturityMonthYear'], [9787, 'displayFactor'], [1147, 'unitOfMeasureQty'], [996, 'unitOfMeasure'], [461, 'cfiCode']] as const) {
            const v = msg.value(tag);
            if (v !== undefined) {
                attributes[name] = v;
            }
        }
        return {
            spec: {
                symbol, venue, assetClass, description: contract && product ? `${product} ${msg.value(200) ?? ''}`.trim() : undefined,
                tickSize: tick, lotSize: 1, multiplier: Number(msg.value(231)) > 0 ? Number(msg.value(231)) : 1,
                currency: msg.value(15) ?? 'USD', timeZone: base?.timeZone ?? 'America/Chicago', session: base?.session ?? '17:00-16:00'
            },
            securityId: msg.value(48),
            attributes
        };
    }

    protected async instrumentFor(symbol: string): Promise<Target | null> {
        let entry = this.bySymbol.get(symbol);
        if (entry !== undefined) {
            return entry;
        }
        let instrument = await this.repo.findInstrument(symbol);
        if (!instrument) {
            const rows = await this.repo.db.all('SELECT symbol FROM instruments WHERE security_id = $1 LIMIT 1', [symbol]);
            if (rows.length) {
                instrument = await this.repo.findInstrument(String(rows[0].symbol));
            }
        }
        if (!instrument && this.given && this.given.symbol.toUpperCase() === symbol.toUpperCase() && this.given.tickSize) {
            const spec = this.catalog.lookup(symbol, this.given.venue);
            instrument = await this.repo.upsertInstrument({
                symbol: this.given.symbol, venue: this.given.venue ?? spec?.venue ?? 'fix', assetClass: this.given.assetClass ?? spec?.assetClass ?? 'unknown',
                tickSize: this.given.tickSize, lotSize: this.given.lotSize ?? 1, multiplier: this.given.multiplier ?? 1,
                currency: this.given.currency ?? 'USD', timeZone: this.given.timeZone ?? 'UTC', session: this.given.session ?? '24h'
            });
        }
        entry = instrument ? { instrument, grid: new PriceGrid(instrument.tickSize), size: new PriceGrid(instrument.lotSize) } : null;
        this.bySymbol.set(symbol, entry);
        return entry;
    }

    /** UTC micros of `YYYYMMDD-HH:MM:SS[.fff…]`, or NaN. */
    protected utcTimestamp(msg: FixMessage, i: number): number {
        const b = msg.buf, s = msg.starts[i], e = msg.ends[i];
        if (e - s < 17 || b[s + 8] !== 45) {
            return NaN;
        }
        const day = this.dateAt(b, s);
        const t = this.timeAt(b, s + 9, e);
        return day !== day || t !== t ? NaN : day * MICROS_PER_DAY + t;
    }

    protected dateAt(b: Buffer, s: number): number {
        let y = 0, m = 0, d = 0;
        for (let k = 0; k < 4; k++) {
            y = y * 10 + b[s + k] - 48;
        }
        m = (b[s + 4] - 48) * 10 + b[s + 5] - 48;
        d = (b[s + 6] - 48) * 10 + b[s + 7] - 48;
        if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31 && y > 1900)) {
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

    protected lastDateKey = -1;
    protected lastDay = NaN;

    /** `HH:MM:SS[.f…]` -> micros. */
    protected timeAt(b: Buffer, s: number, e: number): number {
        if (e - s < 8 || b[s + 2] !== 58 || b[s + 5] !== 58) {
            return NaN;
        }
        const h = (b[s] - 48) * 10 + b[s + 1] - 48;
        const mi = (b[s + 3] - 48) * 10 + b[s + 4] - 48;
        const sec = (b[s + 6] - 48) * 10 + b[s + 7] - 48;
        let us = ((h * 60 + mi) * 60 + sec) * 1_000_000;
        if (e > s + 9 && b[s + 8] === 46) {
            let scale = 100_000;
            for (let k = s + 9; k < e && scale >= 1; k++) {
                us += (b[k] - 48) * scale;
                scale /= 10;
            }
        }
        return us === us && h < 24 && mi < 60 && sec <= 60 ? us : NaN;
    }

    /** Applies a 35=W/X message; false (having changed nothing) when an instrument or writer must be prepared first. */
    protected marketData(msg: FixMessage, snapshot: boolean, label: string, offset: number): boolean {
        const headerSymbolAt = msg.find(55);
        this.messageTime = -1;
        const groupAt = msg.find(268);
        if (groupAt < 0) {
            this.session.quarantine(undefined, label, this.lineAt(offset), offset, this.raw(msg.buf, msg.start, msg.end), 'market data without NoMDEntries (268)');
            return true;
        }
        // Resolve every symbol and writer before changing anything, so a retry after prepare() is clean.
        for (let k = groupAt; k < msg.count; k++) {
            if (msg.tags[k] === 55 || k === groupAt) {
                const at = msg.tags[k] === 55 ? k : headerSymbolAt;
                if (at < 0) {
                    continue;
                }
                const target = this.symbolTarget(msg, at);
                if (target === undefined || (target && (!target.trades || !target.quotes))) {
                    return false;
                }
                this.fieldTargets[at] = target;
            }
        }
        // Entries start at each 269 (W) or 279 (X) tag after 268.
        const startTag = snapshot ? 269 : (msg.find(279, groupAt) >= 0 ? 279 : 269);
        const touched = this.touched;
        let touchedCount = 0;
        let i = msg.find(startTag, groupAt);
        while (i >= 0 && i < msg.count) {
            const next = msg.find(startTag, i + 1);
            const end = next < 0 ? msg.count : next;
            let type = -1, priceAt = -1, sizeAt = -1, symbolAt = headerSymbolAt, dateAt = -1, timeAt = -1, level = 1, action = 0;
            for (let k = i; k < end; k++) {
                switch (msg.tags[k]) {
                    case 269: type = msg.buf[msg.starts[k]] - 48; break;
                    case 270: priceAt = k; break;
                    case 271: sizeAt = k; break;
                    case 55: symbolAt = k; break;
                    case 272: dateAt = k; break;
                    case 273: timeAt = k; break;
                    case 1023: level = Number(msg.text(k)); break;
                    case 279: action = msg.buf[msg.starts[k]] - 48; break;
                }
            }
            i = next;
            if (type < 0 || type > 2 || priceAt < 0 || symbolAt < 0 || action === 2) {
                continue; // other entry types (index values, volumes...), deletes
            }
            // Resolved above: the header symbol or a 55 inside the group.
            const target = this.fieldTargets[symbolAt];
            if (!target) {
                this.session.quarantine(undefined, label, this.lineAt(offset), offset, this.raw(msg.buf, msg.start, msg.end),
                    `unknown instrument ${msg.text(symbolAt)}: import its SecurityDefinition (35=d) first or give its tick size`);
                return true;
            }
            let time: number;
            if (timeAt >= 0) {
                const day = dateAt >= 0 ? this.dateAt(msg.buf, msg.starts[dateAt]) : Math.floor(this.fallbackTime(msg) / MICROS_PER_DAY);
                const t = this.timeAt(msg.buf, msg.starts[timeAt], msg.ends[timeAt]);
                time = day === day && t === t ? day * MICROS_PER_DAY + t : NaN;
            } else {
                time = this.fallbackTime(msg);
            }
            const price = target.grid.parse(msg.buf, msg.starts[priceAt], msg.ends[priceAt]);
            const size = sizeAt >= 0 ? target.size.parse(msg.buf, msg.starts[sizeAt], msg.ends[sizeAt]) : NaN;
            if (price !== price || time !== time) {
                const writer = type === 2 ? target.trades! : target.quotes!;
                this.session.quarantine(writer, label, this.lineAt(offset), offset, this.raw(msg.buf, msg.start, msg.end),
                    price !== price ? `price: ${target.grid.error}` : 'unparseable time');
                continue;
            }
            if (type === 2) {
                const writer = target.trades!;
                const reason = writer.addTrade(time, price, size, snapshot ? TickFlags.SNAPSHOT : 0);
                if (reason) {
                    this.session.quarantine(writer, label, this.lineAt(offset), offset, this.raw(msg.buf, msg.start, msg.end), reason, time);
                }
                continue;
            }
            if (level !== 1) {
                continue;
            }
            let book = this.books.get(target.instrument.id);
            if (!book) {
                book = { bid: NaN, ask: NaN, bidSize: NaN, askSize: NaN, changed: false, time: NaN, target };
                this.books.set(target.instrument.id, book);
            }
            if (type === 0) {
                book.bid = price;
                book.bidSize = size;
            } else {
                book.ask = price;
                book.askSize = size;
            }
            book.time = time;
            if (!book.changed) {
                book.changed = true;
                book.target = target;
                touched[touchedCount++] = book;
            }
        }
        for (let k = 0; k < touchedCount; k++) {
            const book = touched[k];
            book.changed = false;
            if (book.bid !== book.bid || book.ask !== book.ask) {
                continue;
            }
            const writer = book.target.quotes!;
            const reason = writer.addQuote(book.time, book.bid, book.ask, book.bidSize, book.askSize, snapshot ? TickFlags.SNAPSHOT : 0);
            if (reason) {
                this.session.quarantine(writer, label, this.lineAt(offset), offset, this.raw(msg.buf, msg.start, msg.end), reason, book.time);
            }
        }
        return true;
    }

    /** The instrument of each symbol field of the current message, by field index (set before the entries are read). */
    protected readonly fieldTargets: (Target | null)[] = new Array<Target | null>(MAX_TAGS).fill(null);
    /** Books changed by the current message (the first `touchedCount` entries). */
    protected readonly touched: Book[] = [];
    /** TransactTime, else SendingTime, of the current message: parsed only when an entry has no time of its own (-1 = not yet). */
    protected messageTime = -1;

    protected fallbackTime(msg: FixMessage): number {
        if (this.messageTime === -1) {
            const transact = msg.find(60);
            const at = transact >= 0 ? transact : msg.find(52);
            this.messageTime = at >= 0 ? this.utcTimestamp(msg, at) : NaN;
        }
        return this.messageTime;
    }

    protected lastSymbolStart = -1;
    protected lastSymbolEnd = -1;
    protected lastSymbolBuf?: Buffer;
    protected lastTarget: Target | null | undefined;

    /** The instrument of the symbol field at index `at`: cached by bytes, undefined when not resolved yet, null when unknown. */
    protected symbolTarget(msg: FixMessage, at: number): Target | null | undefined {
        const s = msg.starts[at], e = msg.ends[at];
        const last = this.lastSymbolBuf;
        if (last && this.lastTarget !== undefined && e - s === this.lastSymbolEnd - this.lastSymbolStart) {
            let same = true;
            for (let k = 0; k < e - s; k++) {
                if (msg.buf[s + k] !== last[this.lastSymbolStart + k]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return this.lastTarget;
            }
        }
        const target = this.bySymbol.get(msg.text(at));
        if (target !== undefined) {
            this.lastSymbolBuf = msg.buf;
            this.lastSymbolStart = s;
            this.lastSymbolEnd = e;
            this.lastTarget = target;
        }
        return target;
    }
}
