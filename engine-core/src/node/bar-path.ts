// *****************************************************************************
// The bar-data model's intrabar path (native/README.md, "Bar data"): each bar replayed as 4
// points (open, nearer extreme, farther extreme, close) at the bar's time, volume split evenly.
// Used by bar-data runs, the replay of a bars dataset and the benches.
// *****************************************************************************

import * as native from '@backtestr/native';
import { BarBatch, BarPrices, TickBatch } from '../common/engine-columns';

/** The path's prices (4 per bar) and sizes (volume / 4), computed natively. */
export function barPath(bars: BarPrices): { price: Float64Array; size: Float64Array } {
    const n = bars.open.length;
    const price = new Float64Array(4 * n);
    const size = new Float64Array(4 * n);
    native.barPath(bars.open, bars.high, bars.low, bars.close, bars.volume, price, size);
    return { price, size };
}

/** Each bar's time 4 times: the times of its path points (int64 for the engine, float64 for searching). */
export function barPathTimes(time: BigInt64Array): BigInt64Array;
export function barPathTimes(time: Float64Array): Float64Array;
export function barPathTimes(time: BigInt64Array | Float64Array): BigInt64Array | Float64Array {
    const n = time.length;
    if (time instanceof BigInt64Array) {
        const out = new BigInt64Array(4 * n);
        for (let i = 0; i < n; i++) {
            out.fill(time[i], 4 * i, 4 * i + 4);
        }
        return out;
    }
    const out = new Float64Array(4 * n);
    for (let i = 0; i < n; i++) {
        out.fill(time[i], 4 * i, 4 * i + 4);
    }
    return out;
}

/** The tick batch a run takes for bars (configure `fill: 'bar'`). */
export function barTicks(bars: BarBatch): TickBatch {
    return { time: barPathTimes(bars.time), ...barPath(bars) };
}
