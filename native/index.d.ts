/**
 * The flat N-API surface of the native engine. Use it through the typed wrapper
 * `MtfEngine` in `@backtestr/engine-core` (engine-core/src/node/mtf-engine.ts).
 * The layout of the state buffer is documented in native/README.md.
 */

/** An engine instance (a tagged N-API external). */
export interface NativeEngine { readonly __nativeEngine: unique symbol }

export interface NativeEngineOptions {
    /** Default ['1m', '5m', '15m', '1H', '4H', '1D']; any `<n>s|m|H|D`. */
    timeframes?: string[];
    /** Completed bars kept per timeframe; default 1000. */
    depth?: number;
    /** Default 'last'. */
    priceSource?: 'last' | 'bid' | 'ask' | 'mid';
    /** Bar time = period start (default) or end. */
    barTime?: 'start' | 'end';
    /** Open = first tick (default) or the previous bar's close. */
    open?: 'firstTick' | 'previousClose';
    /** Periods without ticks skipped (default) or filled forward with flat bars. */
    emptyPeriods?: 'skip' | 'fillForward';
    /**
     * "HH:MM ZONE", ZONE = UTC | UTC+HH:MM | UTC-HH:MM | America/New_York (built in) or another
     * IANA zone name given with `sessionZone`; default "00:00 UTC".
     */
    session?: string;
    /**
     * The offset table of the session's zone when `sessionTableZone(session)` names one (MtfEngine
     * builds it with Node's ICU): `name` = that zone, `transitions` = pairs (UTC micros, offset
     * seconds), instants ascending; the first offset also holds before the first instant, the last
     * one after the last instant.
     */
    sessionZone?: { name: string; transitions: BigInt64Array };
}

/** Slot indexes and event flags of the state buffer (see native/README.md). */
export interface NativeLayout {
    readonly HEADER: number; readonly TF_HEADER: number; readonly RECORD: number;
    readonly H_TF_COUNT: number; readonly H_DEPTH: number; readonly H_TICKS: number; readonly H_CLOCK: number;
    readonly H_LAST_PRICE: number; readonly H_EVENT: number; readonly H_EVENT_TICK: number;
    readonly H_CLOSED_MASK: number; readonly H_CROSS_DIR: number; readonly H_CROSS_FIRST: number;
    readonly H_CROSS_COUNT: number; readonly H_TIMER_TIME: number; readonly H_TIMER_COUNT: number;
    /** Returns to JS so far; the account block at slot H_ACCOUNT (ACCOUNT_BLOCK slots, A_* order) is current when H_ACCOUNT_STOP equals it. */
    readonly H_STOPS: number; readonly H_ACCOUNT_STOP: number; readonly H_ACCOUNT: number; readonly ACCOUNT_BLOCK: number;
    readonly EV_BAR_CLOSE: number; readonly EV_TICK: number; readonly EV_CROSS: number;
    readonly EV_TIMER: number; readonly EV_FLUSH: number; readonly EV_ORDER: number;
    readonly T_MICROS: number; readonly T_DAYS: number; readonly T_COMPLETED: number;
    readonly T_HAS_PARTIAL: number; readonly T_CLOSED_AT: number;
    readonly R_OPEN: number; readonly R_HIGH: number; readonly R_LOW: number; readonly R_CLOSE: number;
    readonly R_VOLUME: number; readonly R_TICKS: number; readonly R_TIME: number; readonly R_START: number;
    readonly R_END: number; readonly R_LAST: number;
}

export function layout(): NativeLayout;
export function create(options?: NativeEngineOptions): NativeEngine;
/** The engine's state memory (V8-owned; the engine writes into it). Never transfer it. */
export function stateBuffer(engine: NativeEngine): ArrayBuffer;
/** Timeframe labels in state order (shortest first, normalised: '4h' -> '4H'). */
export function timeframes(engine: NativeEngine): string[];
export function timeframeIndex(engine: NativeEngine, label: string): number;
/**
 * Validates a batch (whole, before any tick is applied) and makes it current. The columns must be
 * views of fixed-length buffers (resizable and growable ones are refused with a TypeError) and keep
 * their buffers until the next setBatch: `run` throws if a column was detached or resized.
 */
export function setBatch(engine: NativeEngine, time: BigInt64Array, price?: Float64Array | null,
    size?: Float64Array | null, bid?: Float64Array | null, ask?: Float64Array | null): void;
/** Processes the current batch from `from`; returns the index to resume from. */
export function run(engine: NativeEngine, from: number): number;
/** Bit i of barCloseMask: wake on bar closes of timeframe i. */
export function subscribe(engine: NativeEngine, barCloseMask: number, everyTick: boolean): void;
export function setLevels(engine: NativeEngine, levels: Float64Array): void;
export function setTimers(engine: NativeEngine, timers: BigInt64Array): void;
export function advanceTo(engine: NativeEngine, time: bigint): void;
export function flush(engine: NativeEngine): void;
export function reset(engine: NativeEngine): void;
/** The zone of a session spec that needs `sessionZone` (not built in), or undefined; a RangeError for a malformed spec. */
export function sessionTableZone(session: string): string | undefined;

/** Execution (simulated broker) options; see native/README.md "Execution". */
export interface NativeExecutionOptions {
    /**
     * 'trade' (default): fill at the tick price; 'quote': buy at the ask, sell at the bid;
     * 'bar': bars replayed as 4 path points each (`barPath`), stops inside a bar fill at their price.
     */
    fill?: 'trade' | 'quote' | 'bar';
    /** Resting limits fill when the market touches the limit (default) or only when it goes through it. */
    limitFill?: 'touch' | 'through';
    /** Default 0.01; limit and stop prices must be on this grid. */
    tickSize?: number;
    /** Default 1; quantities must be multiples of it. */
    lotSize?: number;
    /** Contract multiplier; default 1. */
    multiplier?: number;
    /** Default 100,000. */
    initialCash?: number;
    /** Per fill: max(minimum, perUnit * qty + perOrder + percent / 100 * notional). */
    commission?: { perUnit?: number; perOrder?: number; percent?: number; minimum?: number };
    /** Adverse slippage of market, stop and MIT fills. */
    slippage?: { kind: 'none' | 'ticks' | 'percent' | 'random'; value?: number; maxTicks?: number; seed?: number };
    /** Orders and cancels take effect this many microseconds after they are sent; default 0. */
    latencyMicros?: number;
    /** Stop the run (EV_ORDER) after a tick that caused order events. */
    wake?: boolean;
    /** Volume participation cap: fraction (0, 1] of each tick's size orders may fill; 0 (default) = no cap. Needs a size column. */
    participation?: number;
    /** Several concurrent positions per instrument, each with the id of the order that opened it. */
    hedging?: boolean;
    /** Pyramiding: most entries in one direction; 0 (default) = no limit. */
    maxEntries?: number;
    /** Leverage for the margin check (used margin = exposure / leverage <= equity); 0 (default) = no check. */
    leverage?: number;
}

/** Slot indexes and codes of the order, event, account and trade records (see native/README.md). */
export type NativeExecutionLayout = Readonly<Record<
    'ORDER_SLOTS' | 'O_ACTION' | 'O_ID' | 'O_TYPE' | 'O_SIDE' | 'O_QTY' | 'O_LIMIT' | 'O_STOP'
    | 'O_TIF' | 'O_EXPIRE' | 'O_INSTRUMENT' | 'O_TRAIL' | 'O_TRAIL_PERCENT' | 'O_PARENT' | 'O_OCO' | 'O_POSITION'
    | 'ACT_SUBMIT' | 'ACT_CANCEL' | 'ACT_MODIFY' | 'TYPE_MARKET' | 'TYPE_LIMIT' | 'TYPE_STOP' | 'TYPE_STOP_LIMIT' | 'TYPE_MIT'
    | 'TYPE_TRAIL' | 'TIF_GTC' | 'TIF_IOC' | 'TIF_FOK' | 'TIF_DAY' | 'TIF_GTD' | 'EVENT_SLOTS' | 'E_TIME'
    | 'E_ORDER' | 'E_KIND' | 'E_REASON' | 'E_TICK' | 'E_PRICE' | 'E_QTY' | 'E_COMMISSION' | 'E_REFERENCE'
    | 'E_POSITION' | 'E_REALISED' | 'E_SEQ' | 'E_POSITION_ID' | 'E_REMAINING' | 'KIND_ACCEPTED' | 'KIND_REJECTED' | 'KIND_FILLED'
    | 'KIND_CANCELLED' | 'KIND_EXPIRED' | 'KIND_TRIGGERED' | 'KIND_MODIFIED' | 'KIND_PARTIAL' | 'KIND_ACTIVATED' | 'R_OK' | 'R_BAD_QTY'
    | 'R_BAD_PRICE' | 'R_OFF_GRID' | 'R_UNKNOWN_INSTRUMENT' | 'R_UNKNOWN_ORDER' | 'R_DUPLICATE_ID' | 'R_BAD_TYPE' | 'R_BAD_SIDE' | 'R_BAD_TIF'
    | 'R_BAD_EXPIRE' | 'R_BAD_ACTION' | 'R_ORDER_DONE' | 'R_BAD_ID' | 'R_UNKNOWN_PARENT' | 'R_UNKNOWN_POSITION' | 'R_INSUFFICIENT_MARGIN' | 'R_PYRAMIDING'
    | 'R_BAD_TRAIL' | 'R_NOT_HEDGING' | 'R_MARKET' | 'R_LIMIT_RESTING' | 'R_LIMIT_MARKETABLE' | 'R_STOP' | 'R_STOP_GAP' | 'R_MIT'
    | 'R_TRAIL' | 'R_STOP_PATH' | 'R_CANCEL_REQUEST' | 'R_IOC_UNFILLED' | 'R_FOK_UNFILLED' | 'R_DAY_END' | 'R_GTD_EXPIRY' | 'R_STOP_TRIGGERED'
    | 'R_OCO' | 'R_PARENT_FILLED' | 'R_PARENT_CANCELLED' | 'R_IOC_REMAINDER' | 'R_POSITION_CLOSED' | 'R_MODIFIED' | 'ACCOUNT_SLOTS' | 'A_CASH'
    | 'A_EQUITY' | 'A_POSITION' | 'A_AVG_PRICE' | 'A_REALISED' | 'A_UNREALISED' | 'A_COMMISSION' | 'A_MARK' | 'A_OPEN_ORDERS'
    | 'A_EVENTS' | 'A_FILLS' | 'A_SLIPPAGE' | 'A_TRADES' | 'A_INITIAL_CASH' | 'A_USED_MARGIN' | 'A_POSITIONS' | 'TRADE_SLOTS'
    | 'T_ENTRY_TIME' | 'T_EXIT_TIME' | 'T_SIDE' | 'T_QTY' | 'T_ENTRY_PRICE' | 'T_EXIT_PRICE' | 'T_PNL' | 'T_COMMISSION'
    | 'T_MAE' | 'T_MFE' | 'T_BARS' | 'T_SLIPPAGE' | 'T_POSITION' | 'POSITION_SLOTS' | 'P_ID' | 'P_SIDE'
    | 'P_QTY' | 'P_AVG_PRICE' | 'P_UNREALISED' | 'P_ENTRY_TIME', number>>;

export function executionLayout(): NativeExecutionLayout;
/** Replaces the broker's options; only before the first order (or after reset). */
export function configureExecution(engine: NativeEngine, options?: NativeExecutionOptions): void;
/** Order commands, ORDER_SLOTS slots each (O_EXPIRE is an int64 slot), sent at the engine clock; returns how many. */
export function submit(engine: NativeEngine, orders: Float64Array): number;
/** Copies events from index `from` into `out` (whole EVENT_SLOTS records); returns how many. E_TIME is int64. */
export function readEvents(engine: NativeEngine, from: number, out: Float64Array): number;
/** Copies closed trades from index `from` into `out` (whole TRADE_SLOTS records); returns how many. Times are int64. */
export function readTrades(engine: NativeEngine, from: number, out: Float64Array): number;
/** Writes the account (ACCOUNT_SLOTS numbers) into `out`. */
export function readAccount(engine: NativeEngine, out: Float64Array): void;
/** Copies the open positions (POSITION_SLOTS each, P_ENTRY_TIME int64) into `out`; returns how many. */
export function readPositions(engine: NativeEngine, out: Float64Array): number;
/**
 * Bar-data model: writes each bar's intrabar path (open, nearer extreme, farther extreme,
 * close; 4 points per bar) into `price` and volume / 4 into `size`; returns the point count.
 */
export function barPath(open: Float64Array, high: Float64Array, low: Float64Array, close: Float64Array,
    volume: Float64Array | undefined, price: Float64Array, size: Float64Array): number;

/**
 * Resolves DuckDB's C API from the libduckdb that @duckdb/node-bindings loaded in this process (never loads a
 * second copy; throws when it is not loaded). Call once before `duckdbCopyResult`.
 */
export function duckdbAttach(libraryPath: string): void;

/**
 * Copies column i of every chunk of a materialized DuckDB result (node-bindings' external, the `result` of a
 * DuckDBMaterializedResult) into `targets[i]` from element `offset`; undefined targets are skipped. DOUBLE ->
 * Float64Array (NULL -> NaN), INTEGER -> Int32Array (NULL -> 0), BIGINT -> BigInt64Array (NULL -> 0) or Float64Array
 * (exact below 2^53, NULL -> NaN). Returns the rows copied.
 */
export function duckdbCopyResult(result: unknown, offset: number, targets: readonly (Float64Array | Int32Array | BigInt64Array | undefined)[]): number;
