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
// The bytes are scanned in pieces (fix-scanner): those of a large file by parse workers (fix-parse-worker,
// the file in shared memory), while this thread applies the scanned pieces in file order (instruments,
// books, writers, quarantine), so the result is the same whichever thread scanned a piece.
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { DatasetErrors, Instrument, InstrumentSpec } from '../common/dataset-protocol';
import { CsvParseWorker, parseWorkersEnabled } from './csv-worker-pool';
import type { FixParseJob, FixParseResult } from './fix-parse-worker';
import { EntryFlag, FixKind, FixMessage, FixScan, FixScanner, MAX_MESSAGE_BYTES, parseFixMessage, PIPE, SOH } from './fix-scanner';
import { DatasetWriter, ImportSession } from './import-session';
import { InstrumentCatalog } from './instrument-catalog';
import { PriceGrid } from './price-grid';
import { TickFlags, TickRepository } from '@backtestr/workspace-store/lib/node';

export { FixMessage } from './fix-scanner';

const FORMAT_PROBE = 20;

/** Whether bytes look like FIX tag=value: starts with `<digits>=` and has a 35= field. */
export function looksLikeFix(data: Uint8Array): boolean {
    const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 4096)).toString('latin1');
    return /^\s*\d{1,5}=/.test(head) && /(^|[\x01|])35=[0-9A-Za-z]{1,2}[\x01|]/.test(head) && /(^|[\x01|])10=\d{3}[\x01|]?/.test(head);
}

/**
 * One worker thread running fix-parse-worker, answering scans in order. Kept for the life of the process
 * (unref'd: it never keeps it alive) so its JIT stays warm from one import to the next.
 */
export class FixParseWorker {
    protected static shared: (FixParseWorker | undefined)[] = [];
    protected readonly worker = new Worker(FixParseWorker.script());
    protected readonly pending = new Map<number, { resolve: (scan: FixScan) => void; reject: (e: Error) => void }>();
    protected nextId = 0;
    /** Why the thread stopped, when it did: its later scans fail at once (the importer scans those pieces itself). */
    protected failed?: Error;

    /**
     * The worker's script: beside this module when it runs from lib/, else (this module bundled into an
     * application's backend) the package's own copy.
     */
    static script(): string {
        const beside = path.join(__dirname, 'fix-parse-worker.js');
        return fs.existsSync(beside) ? beside : require.resolve('@backtestr/data-import/lib/node/fix-parse-worker.js');
    }

    static get(index: number): FixParseWorker {
        let w = FixParseWorker.shared[index];
        if (!w) {
            w = FixParseWorker.shared[index] = new FixParseWorker(index);
        }
        return w;
    }

    constructor(readonly index: number) {
        this.worker.on('message', (result: FixParseResult) => {
            const p = this.pending.get(result.id);
            this.pending.delete(result.id);
            if (result.scan) {
                p?.resolve(result.scan);
            } else {
                p?.reject(new Error(`FIX parse worker: ${result.error}`));
            }
            if (this.pending.size === 0) {
                this.worker.unref();
            }
        });
        this.worker.on('error', error => {
            this.failed = error;
            for (const p of this.pending.values()) {
                p.reject(error);
            }
            this.pending.clear();
            FixParseWorker.shared[this.index] = undefined;
        });
        // After the listeners (adding a 'message' listener refs the port again).
        this.worker.unref();
    }

    /** Scans a piece of a file in shared memory (see FixParseJob). */
    scan(job: Omit<FixParseJob, 'id'>): Promise<FixScan> {
        const id = this.nextId++;
        const result = this.failed ? Promise.reject(this.failed) : new Promise<FixScan>((resolve, reject) => {
            if (this.pending.size === 0) {
                this.worker.ref();
            }
            this.pending.set(id, { resolve, reject });
            this.worker.postMessage({ ...job, id });
        });
        // Awaited in file order, maybe never (a failed import): no unhandled rejection meanwhile.
        result.catch(() => undefined);
        return result;
    }

    /** Drops the results of scans still running (after a failed or cancelled import). */
    abandon(): void {
        for (const p of this.pending.values()) {
            p.reject(new Error('abandoned'));
        }
        this.pending.clear();
        this.worker.unref();
    }
}

/** How FixImporter splits a file: the defaults suit any file; tests make pieces small to cross their boundaries. */
export interface FixImportTuning {
    /** Files from this size on are scanned by parse workers (when they are on), smaller ones on the importing thread. */
    parallelBytes: number;
    /** Bytes of a piece (cut after a line break, or before a message in a file without line breaks). */
    pieceBytes: number;
    /** Parse workers: 0 = CsvParseWorker.poolSize. */
    workers: number;
}

/** A resolved instrument with its grids and, once prepared, its writers. */
interface Target { instrument: Instrument; grid: PriceGrid; size: PriceGrid; trades?: DatasetWriter; quotes?: DatasetWriter; book?: Book }

interface Book { bid: number; ask: number; bidSize: number; askSize: number; changed: boolean; time: number; target: Target }

type Definition = { spec: InstrumentSpec; securityId?: string; attributes: Record<string, string> };

/** The state of the file being imported. */
interface FileState {
    readonly label: string;
    readonly buf: Buffer;
    readonly delimiter: number;
    messages: number;
    failures: number;
    firstFailure: string;
    readonly definitions: Definition[];
    sliceCount: number;
}

/** Imports the FIX files of one import (see the top of this file); instruments and books carry over from file to file. */
export class FixImporter {
    /** How files are split and scanned (see FixImportTuning). */
    static readonly tuning: FixImportTuning = { parallelBytes: 4 << 20, pieceBytes: 2 << 20, workers: 0 };

    definitions = 0;
    protected readonly defined = new Set<string>();
    /** Definitions without a usable MinPriceIncrement (969). */
    variableTick = 0;
    marketDataMessages = 0;
    skippedMessages = 0;
    protected readonly bySymbol = new Map<string, Target | null>();
    protected readonly books = new Map<number, Book>();
    protected readonly writers = new Map<string, DatasetWriter>();
    /** Scans on this thread (small files, and a piece a worker started at a place that was not a message's start). */
    protected readonly scanner = new FixScanner();
    /** Scans of pieces this thread takes from the workers' share (in shared memory, handed to the workers afterwards). */
    protected readonly stealer = new FixScanner(true);
    /** A message parsed again on this thread (definitions, failures). */
    protected readonly msg = new FixMessage(Buffer.alloc(0));
    /** The instrument of each symbol of the scan being applied, once resolved with its writers (undefined: look it up). */
    protected scanTargets: (Target | null | undefined)[] = [];
    /** Books changed by the current message (the first `touchedCount` entries). */
    protected readonly touched: Book[] = [];

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

    /** Imports one file's bytes (in shared memory for parse workers to read them, else copied there when it is large). */
    async importFile(label: string, buf: Buffer): Promise<void> {
        const delimiter = buf.subarray(0, Math.min(buf.length, 8192)).indexOf(SOH) >= 0 ? SOH : PIPE;
        this.lineBuf = buf;
        this.linePos = 0;
        this.lineNo = 1;
        const file: FileState = { label, buf, delimiter, messages: 0, failures: 0, firstFailure: '', definitions: [], sliceCount: 0 };
        const tuning = FixImporter.tuning;
        if (buf.length >= tuning.parallelBytes && parseWorkersEnabled()) {
            await this.importPieces(file);
        } else {
            let next = 0;
            while (next < buf.length) {
                const scan = this.scanner.scanRange(buf, next, next + Math.max(tuning.pieceBytes, 1), delimiter);
                await this.applyScan(file, scan);
                next = scan.next;
            }
        }
        if (file.messages > 0 && file.failures === file.messages) {
            throw DatasetErrors.FormatMismatch(label, `no valid FIX message; ${file.firstFailure}`);
        }
        await this.storeDefinitions(label, file.definitions);
        if (this.variableTick > 0) {
            this.session.warnings.push(`${label}: ${this.variableTick} definitions had no MinPriceIncrement (969=0: CME variable-tick instruments); their price grid is the DisplayFactor (9787)`);
            this.variableTick = 0;
        }
    }

    /**
     * The file in pieces through the parse workers, each applied in turn on this thread while they scan the next. A piece
     * whose first message is not where the one before it ended (a cut inside a message of a file without line breaks)
     * is scanned again here from where it did end.
     */
    protected async importPieces(file: FileState): Promise<void> {
        const { buf, delimiter } = file;
        // The workers read the file where it is: in shared memory (as the import loads it), else a shared copy.
        let data: Uint8Array = buf;
        if (!(buf.buffer instanceof SharedArrayBuffer)) {
            data = new Uint8Array(new SharedArrayBuffer(buf.length));
            data.set(buf);
        }
        const tuning = FixImporter.tuning;
        // The first piece is small and scanned here, while the workers start on the next ones.
        const bounds = pieceBounds(buf, delimiter, tuning.pieceBytes, tuning.pieceBytes >> 3);
        const pool = Array.from({ length: tuning.workers > 0 ? tuning.workers : CsvParseWorker.poolSize }, (_, i) => FixParseWorker.get(i));
        const pieces = bounds.length - 1;
        // Pieces scanned (or being scanned) and not applied yet: a few per thread, so memory holds a few, never the file's.
        const limit = 3 * pool.length + 4;
        const scans: (Promise<FixScan> | FixScan | undefined)[] = [];
        const ready: boolean[] = [];
        // Scans this thread applied: their (shared) arrays are filled again with later pieces.
        const free: FixScan[] = [];
        const inFlight = pool.map(() => 0);
        let next = 1;
        let applying = 0;
        let stopped = false;
        // Each worker has a second piece queued behind the one it scans, so it never waits for this thread.
        const submit = (): void => {
            while (!stopped && next < pieces && next - applying <= limit) {
                const w = inFlight.indexOf(Math.min(...inFlight));
                if (inFlight[w] >= 2) {
                    return;
                }
                const j = next++;
                inFlight[w]++;
                const job = scans[j] = pool[w].scan({ data, from: bounds[j], to: bounds[j + 1], delimiter, into: free.pop() });
                job.then(() => {
                    ready[j] = true;
                    inFlight[w]--;
                    submit();
                }, () => undefined);
            }
        };
        try {
            let expected = 0;
            for (let k = 0; k < pieces; k++) {
                applying = k;
                submit();
                let scanned: FixScan | undefined;
                if (k > 0) {
                    // Rather than wait for the workers (each busy, with a piece queued), this thread scans the next piece itself.
                    while (!ready[k] && next < pieces && next - k <= limit && inFlight.every(n => n >= 2)) {
                        const j = next++;
                        scans[j] = this.stealer.scanRange(buf, bounds[j], bounds[j + 1], delimiter, free.pop());
                        ready[j] = true;
                        await new Promise(resolve => setImmediate(resolve));
                    }
                    try {
                        scanned = await scans[k];
                    } catch {
                        // A worker that failed (or a scan another import abandoned): scanned here instead, below.
                        scanned = undefined;
                    }
                }
                scans[k] = undefined;
                const scan = scanned && scanned.first === expected ? scanned : this.scanner.scanRange(buf, expected, bounds[k + 1], delimiter);
                await this.applyScan(file, scan);
                expected = scan.next;
                if (scanned) {
                    free.push(scanned);
                }
            }
        } finally {
            stopped = true;
            if (inFlight.some(n => n > 0)) {
                // A failed or cancelled import: the scans still running are dropped.
                pool.forEach(w => w.abandon());
            }
        }
    }

    /**
     * Applies the messages of a scan in order: the sequential half of the import. The messages that need no waiting go
     * through applyMessages (synchronous: its loop runs without the costs of an async function's); the others here.
     */
    protected async applyScan(file: FileState, scan: FixScan): Promise<void> {
        this.scanTargets = new Array<Target | null | undefined>(scan.symbols.length);
        let m = 0;
        while (m < scan.messages) {
            this.paused = false;
            m = this.applyMessages(file, scan, m);
            if (this.paused) {
                this.session.progress(scan.end[m - 1]);
                await new Promise(resolve => setImmediate(resolve));
                this.session.checkCancelled();
            } else if (m < scan.messages) {
                // Market data after definitions to store first, or referring to instruments or writers not known yet.
                file.messages++;
                this.marketDataMessages++;
                if (file.definitions.length > 0) {
                    await this.storeDefinitions(file.label, file.definitions.splice(0));
                }
                if (scan.kind[m] === FixKind.NoEntries) {
                    this.noEntries(file, scan, m);
                } else {
                    if (!this.resolved(scan, m)) {
                        await this.prepare(scan, m);
                    }
                    if (this.resolved(scan, m)) {
                        this.marketData(file, scan, m);
                    }
                }
                m++;
                if (++file.sliceCount === 100_000) {
                    file.sliceCount = 0;
                    this.session.progress(scan.end[m - 1]);
                    await new Promise(resolve => setImmediate(resolve));
                    this.session.checkCancelled();
                }
            }
        }
    }

    /** Set by applyMessages when it stopped for the import to report progress and let other work in. */
    protected paused = false;

    /**
     * Applies messages `m`, `m + 1`... of a scan until one needs waiting for (market data after definitions not stored
     * yet, or whose instruments or writers are not known yet: not counted, nothing changed) or every 100,000 messages
     * (`paused`); returns the index of the next message.
     */
    protected applyMessages(file: FileState, scan: FixScan, m: number): number {
        const { buf, label, delimiter } = file;
        const msg = this.msg;
        for (; m < scan.messages; m++) {
            const kind = scan.kind[m];
            if (kind >= FixKind.NoEntries && (file.definitions.length > 0 || (kind !== FixKind.NoEntries && !this.resolved(scan, m)))) {
                return m;
            }
            const start = scan.start[m];
            file.messages++;
            if (kind === FixKind.Bad) {
                const error = parseFixMessage(buf, start, delimiter, msg);
                file.failures++;
                const line = this.lineAt(start);
                if (!file.firstFailure) {
                    file.firstFailure = `message at byte ${start} (line ${line}): ${error}`;
                }
                if (file.messages <= FORMAT_PROBE && file.failures === file.messages && (file.messages === FORMAT_PROBE || msg.end >= buf.length)) {
                    throw DatasetErrors.FormatMismatch(label, `not valid FIX tag=value; ${file.firstFailure}`);
                }
                this.session.quarantine(undefined, label, line, start, this.raw(buf, start, msg.end), error);
                continue;
            }
            if (kind === FixKind.Definition) {
                parseFixMessage(buf, start, delimiter, msg);
                const def = this.definition(msg);
                if (def) {
                    file.definitions.push(def);
                } else {
                    this.session.quarantine(undefined, label, this.lineAt(start), start, this.raw(buf, start, msg.end), 'SecurityDefinition without a symbol (55 or 107)');
                }
            } else if (kind === FixKind.Other) {
                this.skippedMessages++;
            } else {
                this.marketDataMessages++;
                if (kind === FixKind.NoEntries) {
                    this.noEntries(file, scan, m);
                } else {
                    this.marketData(file, scan, m);
                }
            }
            if (++file.sliceCount === 100_000) {
                file.sliceCount = 0;
                this.paused = true;
                return m + 1;
            }
        }
        return m;
    }

    protected noEntries(file: FileState, scan: FixScan, m: number): void {
        const start = scan.start[m];
        this.session.quarantine(undefined, file.label, this.lineAt(start), start, this.raw(file.buf, start, scan.end[m]), 'market data without NoMDEntries (268)');
    }

    /** Upserts collected definitions (before market data that may refer to them, and at the end of a file). */
    protected async storeDefinitions(label: string, definitions: { spec: InstrumentSpec; securityId?: string; attributes: Record<string, string> }[]): Promise<void> {
        if (definitions.length === 0) {
            return;
        }
        await this.repo.upsertInstruments(definitions);
        this.scanTargets.fill(undefined);
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

    /** Resolves the instruments and writers market data message `m` of a scan refers to (the slow path). */
    protected async prepare(scan: FixScan, m: number): Promise<void> {
        for (let r = m > 0 ? scan.symbolEnd[m - 1] : 0; r < scan.symbolEnd[m]; r++) {
            const ref = scan.symbolRef[r];
            const symbol = scan.symbols[ref < 0 ? ~ref : ref];
            const target = this.bySymbol.get(symbol) ?? await this.instrumentFor(symbol);
            if (target) {
                target.trades = await this.writerFor(target.instrument, 'trades');
                target.quotes = await this.writerFor(target.instrument, 'quotes');
            }
        }
        this.scanTargets.fill(undefined);
    }

    /** A message's text for the quarantine: its first MAX_MESSAGE_BYTES bytes (a bad message may run far). */
    protected raw(buf: Buffer, start: number, end: number): string {
        return buf.toString('latin1', start, Math.min(end, start + MAX_MESSAGE_BYTES)).replace(/\x01/g, '|');
    }

    /** Splits one message into fields and validates 9 and 10; sets msg.end past it. Returns an error or ''. */
    parseMessage(buf: Buffer, pos: number, delimiter: number, msg: FixMessage): string {
        return parseFixMessage(buf, pos, delimiter, msg);
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

    /** The instrument of symbol `index` of a scan: undefined when not resolved yet, null when unknown; cached once it has its writers. */
    protected targetOf(scan: FixScan, index: number): Target | null | undefined {
        let target = this.scanTargets[index];
        if (target === undefined) {
            target = this.bySymbol.get(scan.symbols[index]);
            if (target === null || (target && target.trades && target.quotes)) {
                this.scanTargets[index] = target;
            }
        }
        return target;
    }

    /** Whether the instruments and writers market data message `m` of a scan refers to are known (else prepare() first). */
    protected resolved(scan: FixScan, m: number): boolean {
        for (let r = m > 0 ? scan.symbolEnd[m - 1] : 0; r < scan.symbolEnd[m]; r++) {
            const ref = scan.symbolRef[r];
            if (ref >= 0) {
                const target = this.targetOf(scan, ref);
                if (target === undefined || (target && (!target.trades || !target.quotes))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Applies 35=W/X message `m` of a scan, its instruments and writers resolved. */
    protected marketData(file: FileState, scan: FixScan, m: number): void {
        const { buf, label } = file;
        const offset = scan.start[m];
        const snapshot = scan.kind[m] === FixKind.Snapshot;
        const targets = this.scanTargets;
        const touched = this.touched;
        let touchedCount = 0;
        for (let e = m > 0 ? scan.entryEnd[m - 1] : 0; e < scan.entryEnd[m]; e++) {
            const flags = scan.entryFlags[e];
            const type = flags & 3;
            // Resolved (see resolved()): the message's first symbol or a 55 inside the group.
            const target = targets[scan.entrySymbol[e]];
            if (!target) {
                this.session.quarantine(undefined, label, this.lineAt(offset), offset, this.raw(buf, offset, scan.end[m]),
                    `unknown instrument ${scan.symbols[scan.entrySymbol[e]]}: import its SecurityDefinition (35=d) first or give its tick size`);
                return;
            }
            const time = scan.time[e];
            const grid = target.grid;
            const price = flags & EntryFlag.PriceText ? grid.parse(buf, scan.price[e], scan.priceDecimals[e]) : ticks(grid, scan.price[e], scan.priceDecimals[e]);
            const lots = target.size;
            const size = flags & EntryFlag.NoSize ? NaN
                : flags & EntryFlag.SizeText ? lots.parse(buf, scan.size[e], scan.sizeDecimals[e]) : ticks(lots, scan.size[e], scan.sizeDecimals[e]);
            // A size the entry has must parse: NaN stands for no MDEntrySize (271) only.
            const badSize = size !== size && !(flags & EntryFlag.NoSize);
            if (price !== price || time !== time || badSize) {
                const writer = type === 2 ? target.trades! : target.quotes!;
                this.session.quarantine(writer, label, this.lineAt(offset), offset, this.raw(buf, offset, scan.end[m]),
                    price !== price ? `price: ${grid.error}` : badSize ? `size: ${lots.error}` : 'unparseable time');
                continue;
            }
            if (type === 2) {
                const writer = target.trades!;
                const reason = writer.addTrade(time, price, size, snapshot ? TickFlags.SNAPSHOT : 0);
                if (reason) {
                    this.session.quarantine(writer, label, this.lineAt(offset), offset, this.raw(buf, offset, scan.end[m]), reason, time);
                }
                continue;
            }
            if (!(flags & EntryFlag.TopLevel)) {
                continue;
            }
            // One book per instrument (symbols resolving to the same instrument share it), kept by each symbol's target.
            let book = target.book;
            if (!book) {
                book = this.books.get(target.instrument.id);
                if (!book) {
                    book = { bid: NaN, ask: NaN, bidSize: NaN, askSize: NaN, changed: false, time: NaN, target };
                    this.books.set(target.instrument.id, book);
                }
                target.book = book;
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
                this.session.quarantine(writer, label, this.lineAt(offset), offset, this.raw(buf, offset, scan.end[m]), reason, book.time);
            }
        }
    }
}

/** Ticks of a decimal's digits and decimals on a grid: PriceGrid.toTicks, without the call when they are the grid's own units. */
function ticks(grid: PriceGrid, digits: number, decimals: number): number {
    // A whole number of at most 2^53 (see FixScanner.decimal): toTicks would return it as it is.
    return decimals + grid.scale === grid.tickExponent && grid.tickMantissa === 1 ? digits : grid.toTicks(digits, decimals + grid.scale);
}

/**
 * Where the pieces of a file begin and end (first 0, last its length): the first about `firstBytes`, the others about
 * `pieceBytes`, cut after a line break (a message never spans one), else, in a file without line breaks near the cut,
 * before the next `8=` field that follows a delimiter (a message's start unless a malformed message runs over it: see
 * importPieces).
 */
export function pieceBounds(buf: Buffer, delimiter: number, pieceBytes: number, firstBytes = pieceBytes): number[] {
    const bounds = [0];
    const len = buf.length;
    const messageStart = Buffer.from([delimiter, 56, 61]);
    let lineBreaks = true;
    for (let at = 0, size = firstBytes; len - at > size; size = pieceBytes) {
        const target = at + size;
        let cut = -1;
        if (lineBreaks) {
            const nl = buf.indexOf(10, target);
            lineBreaks = nl >= 0;
            cut = nl >= 0 && nl - target < pieceBytes ? nl + 1 : -1;
        }
        if (cut < 0) {
            const next = buf.indexOf(messageStart, target);
            cut = next < 0 ? -1 : next + 1;
        }
        if (cut < 0 || cut >= len) {
            break;
        }
        bounds.push(cut);
        at = cut;
    }
    bounds.push(len);
    return bounds;
}
