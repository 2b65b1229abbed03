// *****************************************************************************
// The ticks a backtest runs on: a dataset named by symbol (and venue, kind), streamed out of
// the workspace database in batches of whole days as typed-array columns with decimal prices.
// Bound in the backend only (inject `BacktestData`); the CLI constructs `BacktestDataImpl`.
// *****************************************************************************

import { DatasetKind, DatasetSummary, Instrument, UnixMicros } from './workspace-store-protocol';

export const BacktestData = Symbol('BacktestData');

/** One batch: int64 µs times, decimal prices; every column its own buffer (ready to transfer to a worker). */
export interface PriceBatch {
    readonly time: BigInt64Array;
    readonly price?: Float64Array;
    readonly bid?: Float64Array;
    readonly ask?: Float64Array;
    readonly size?: Float64Array;
}

/** Imported bars (kind `bars`) in time order: bar start times as int64 µs, decimal prices. */
export interface OhlcBatch {
    readonly time: BigInt64Array;
    readonly open: Float64Array;
    readonly high: Float64Array;
    readonly low: Float64Array;
    readonly close: Float64Array;
    readonly volume: Float64Array;
}

export interface BacktestDataset {
    readonly instrument: Instrument;
    readonly dataset: DatasetSummary;
}

export interface BacktestData {
    /**
     * The tick dataset of `symbol` (`SYMBOL` or `SYMBOL@venue`): of `kind` when given, else trades when there are
     * any, else quotes. Throws an error that names what is missing and what the workspace has.
     */
    resolve(symbol: string, kind?: DatasetKind): Promise<BacktestDataset>;
    /** The dataset's ticks in [from, to), in time order. */
    streamTicks(dataset: BacktestDataset, options?: { from?: UnixMicros; to?: UnixMicros; batchRows?: number }): AsyncIterable<PriceBatch>;
    /** Bars of `timeframe` (1m..1D) of any dataset in [from, to): imported bars, or the bar cache of its ticks. */
    readBars(dataset: BacktestDataset, timeframe: string, from?: UnixMicros, to?: UnixMicros): Promise<OhlcBatch>;
    /** The bars of a `bars` dataset in [from, to), in batches of whole 30-day windows. */
    streamBars(dataset: BacktestDataset, options?: { from?: UnixMicros; to?: UnixMicros }): AsyncIterable<OhlcBatch>;
}
