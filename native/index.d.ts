/**
 * The flat N-API surface of the native engine. Use it through the typed wrapper
 * `MtfEngine` in `@backtestr/engine` (extensions/engine/src/node/mtf-engine.ts).
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
    /** "HH:MM ZONE", ZONE = UTC | UTC+HH:MM | UTC-HH:MM | America/New_York; default "00:00 UTC". */
    session?: string;
}

/** Slot indexes and event flags of the state buffer (see native/README.md). */
export interface NativeLayout {
    readonly HEADER: number; readonly TF_HEADER: number; readonly RECORD: number;
    readonly H_TF_COUNT: number; readonly H_DEPTH: number; readonly H_TICKS: number; readonly H_CLOCK: number;
    readonly H_LAST_PRICE: number; readonly H_EVENT: number; readonly H_EVENT_TICK: number;
    readonly H_CLOSED_MASK: number; readonly H_CROSS_DIR: number; readonly H_CROSS_FIRST: number;
    readonly H_CROSS_COUNT: number; readonly H_TIMER_TIME: number; readonly H_TIMER_COUNT: number;
    readonly EV_BAR_CLOSE: number; readonly EV_TICK: number; readonly EV_CROSS: number;
    readonly EV_TIMER: number; readonly EV_FLUSH: number;
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
/** Validates a batch (whole, before any tick is applied) and makes it current. */
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
