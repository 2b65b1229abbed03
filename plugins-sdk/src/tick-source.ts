// *****************************************************************************
// What a strategy run consumes: ticks as column batches, never row objects.
// *****************************************************************************

/**
 * One batch of ticks as columns of equal length, sorted by time (ascending, also across
 * batches). `time` is int64 microseconds UTC; prices are decimal prices (not tick counts).
 * Trades fill `price` (and `size`); quotes fill `bid` and `ask` (and may fill `size`).
 */
export interface TickBatch {
    readonly time: BigInt64Array;
    readonly price?: Float64Array;
    readonly size?: Float64Array;
    readonly bid?: Float64Array;
    readonly ask?: Float64Array;
}

/** Where a run's ticks come from: batches in time order, pulled one at a time (a DuckDB stream, a file, an array in tests). */
export type TickSource = AsyncIterable<TickBatch> | Iterable<TickBatch>;

/** The column names of a batch, in a fixed order (the order they are transferred in). */
export const TICK_COLUMNS = ['time', 'price', 'size', 'bid', 'ask'] as const;
