// *****************************************************************************
// The column types the native engine takes and gives: ticks (the SDK's TickBatch), bars with
// int64 times (the bar-data fill model's input) and bars with float64 times (what the charts,
// the replay and a run's live feed carry). Columns, never row objects.
// *****************************************************************************

import type { TickBatch } from '@backtestr/plugins-sdk';

/** One batch of ticks as columns, times sorted ascending: the SDK's `TickBatch` (plugins-sdk/src/tick-source.ts). */
export type { TickBatch };

/** OHLC bars with int64 times (UTC microseconds): the bar-data fill model's input (`fill: 'bar'`). */
export interface BarBatch {
    time: BigInt64Array;
    open: Float64Array;
    high: Float64Array;
    low: Float64Array;
    close: Float64Array;
    volume?: Float64Array;
}

/** The prices (and volumes) of bars, without their times: what the intrabar path is made of. */
export type BarPrices = Omit<BarBatch, 'time'>;

/** Bars as float64 columns, oldest first; `time` is exact UTC microseconds (below 2^53). Prices, not tick counts. */
export interface FloatBarColumns {
    readonly time: Float64Array;
    readonly open: Float64Array;
    readonly high: Float64Array;
    readonly low: Float64Array;
    readonly close: Float64Array;
    readonly volume: Float64Array;
}
