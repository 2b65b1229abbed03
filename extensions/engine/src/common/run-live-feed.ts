// *****************************************************************************
// Live state of a run for the charts: what the strategy has seen so far, pushed by the engine
// after each batch of ticks to the backend contributions bound to `RunLiveFeed`.
// Typed-array columns only (the buffers come from the strategy worker, transferred).
// *****************************************************************************

import type { RunRecord, RunTradeColumns } from '@backtestr/workspace-store';
import type { FloatBarColumns } from '@backtestr/engine-core/lib/common';

/** Bars as columns, oldest first; `time` is the period start (UTC microseconds). Prices, not tick counts. */
export type LiveBarColumns = FloatBarColumns;

/** Fills (order events of kind `filled`) as columns. */
export interface LiveFillColumns {
    readonly time: Float64Array;
    /** The run's tick number of the fill. */
    readonly seq: Float64Array;
    readonly order: Float64Array;
    readonly price: Float64Array;
    readonly qty: Float64Array;
    /** Position after the fill (signed): its change gives the side. */
    readonly position: Float64Array;
}

/** Completed bars per timeframe at most kept per progress message (older ones of a batch are skipped, see `completedCount`). */
export const LIVE_BARS_CAP = 1000;

/** The multi-timeframe state of a running strategy's engine, since the previous report. */
export interface RunLiveBars {
    /** The engine's timeframes (the strategy's), in state order. */
    readonly timeframes: readonly string[];
    /** Per timeframe: the bars completed since the previous report, the newest `LIVE_BARS_CAP` at most. */
    readonly completed: readonly LiveBarColumns[];
    /** Per timeframe: bars completed since the start of the run (a jump larger than `completed` means skipped bars). */
    readonly completedCount: Float64Array;
    /** One row per timeframe: the forming bar; `time` is NaN where no period is in progress. */
    readonly partial: LiveBarColumns;
    /** New fills since the previous report. */
    readonly fills: LiveFillColumns;
}

/** One report of a run: after a batch of ticks. */
export interface RunLiveUpdate {
    readonly ticks: number;
    /** The engine's clock (UTC microseconds) after the batch. */
    readonly time: number;
    readonly live: RunLiveBars;
    /** Trades closed since the previous report. */
    readonly trades?: RunTradeColumns;
}

/**
 * Backend contribution point (bind with `bind(RunLiveFeed).toService(...)`): called by the engine for every
 * run it starts. Called once per batch of ticks, in the engine's thread: keep it O(batch), never blocking.
 */
export const RunLiveFeed = Symbol('RunLiveFeed');
export interface RunLiveFeed {
    runStarted?(run: RunRecord): void;
    runUpdate?(runId: string, update: RunLiveUpdate): void;
    runFinished?(runId: string, status: 'finished' | 'cancelled' | 'failed'): void;
}
