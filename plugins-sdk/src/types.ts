// *****************************************************************************
// Plain data the engine hands to strategies and indicators. Immutable once emitted.
// *****************************************************************************

/**
 * Microseconds since 1970-01-01T00:00:00Z, as the engine and the storage keep time (int64 there): a JS
 * number, exact below 2^53 (the year 2255). The one declaration; the extensions re-export it.
 */
export type UnixMicros = number;

/** The same instant as a bigint: the native engine's int64 slots and its BigInt64Array columns. */
export type UnixMicrosBig = bigint;

/** A timeframe string: a positive multiple of s, m, H or D, e.g. '1m', '15m', '4H', '1D'. */
export type Timeframe = string;

export interface Bar {
    /** Start of the bar's period (the default bar-time convention). */
    readonly time: UnixMicros;
    readonly open: number;
    readonly high: number;
    readonly low: number;
    readonly close: number;
    readonly volume: number;
    /** Number of ticks aggregated into the bar. */
    readonly ticks: number;
}

export type BarField = 'open' | 'high' | 'low' | 'close' | 'volume';
