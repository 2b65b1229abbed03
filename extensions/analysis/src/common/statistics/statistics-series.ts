// *****************************************************************************
// Series for the charts and exports beside the figures: the drawdown (underwater) curve,
// the daily closes and returns, and a histogram of trade P&L. Same definitions as the
// statistics (STATISTICS.md); columns in, columns out.
// *****************************************************************************

import { tradingDayIndex } from './statistics-calendar';
import { EquityColumns, UnixMicros } from './statistics-types';

export interface DrawdownSeries {
    /** Running peak - equity at each sample (>= 0). */
    readonly drawdown: Float64Array;
    /** (running peak - equity) / running peak at each sample (>= 0); the peak starts at the initial capital. */
    readonly drawdownPercent: Float64Array;
}

export function drawdownSeries(equity: EquityColumns, initialCapital: number): DrawdownSeries {
    const n = equity.equity.length;
    const drawdown = new Float64Array(n);
    const drawdownPercent = new Float64Array(n);
    let peak = initialCapital;
    for (let i = 0; i < n; i++) {
        const e = equity.equity[i];
        if (e > peak) {
            peak = e;
        }
        drawdown[i] = peak - e;
        drawdownPercent[i] = (peak - e) / peak;
    }
    return { drawdown, drawdownPercent };
}

export interface DailySeries {
    /** Trading day index (days since 1970-01-01; the day starts at UTC midnight + dayBoundaryOffset). */
    readonly day: Float64Array;
    /** Time of the day's last equity sample. */
    readonly time: Float64Array;
    /** The day's close: its last equity sample. */
    readonly close: Float64Array;
    /** close / previous close - 1 (the first over the initial capital). */
    readonly dailyReturn: Float64Array;
}

export function dailySeries(equity: EquityColumns, initialCapital: number, dayBoundaryOffset: UnixMicros = 0): DailySeries {
    const days: number[] = [];
    const times: number[] = [];
    const closes: number[] = [];
    const n = equity.time.length;
    for (let i = 0; i < n; i++) {
        const day = tradingDayIndex(equity.time[i], dayBoundaryOffset);
        if (days.length === 0 || days[days.length - 1] !== day) {
            days.push(day);
            times.push(0);
            closes.push(0);
        }
        times[times.length - 1] = equity.time[i];
        closes[closes.length - 1] = equity.equity[i];
    }
    const dailyReturn = new Float64Array(closes.length);
    for (let i = 0; i < closes.length; i++) {
        dailyReturn[i] = closes[i] / (i === 0 ? initialCapital : closes[i - 1]) - 1;
    }
    return { day: Float64Array.from(days), time: Float64Array.from(times), close: Float64Array.from(closes), dailyReturn };
}

export interface Histogram {
    /** Lower edge of each bin; bin i covers [edges[i], edges[i + 1]), the last bin includes its upper edge. */
    readonly edges: Float64Array;
    readonly counts: Int32Array;
}

/** Equal-width histogram of values (e.g. trade P&L) over [min, max]; one bin when all values are equal. */
export function histogram(values: ArrayLike<number>, bins: number): Histogram {
    if (!(bins >= 1) || !Number.isInteger(bins)) {
        throw new RangeError(`bins must be a positive integer, got ${bins}`);
    }
    if (values.length === 0) {
        return { edges: new Float64Array(0), counts: new Int32Array(0) };
    }
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
        min = Math.min(min, values[i]);
        max = Math.max(max, values[i]);
    }
    const k = max > min ? bins : 1;
    const width = (max - min) / k;
    const edges = new Float64Array(k + 1);
    for (let b = 0; b <= k; b++) {
        edges[b] = b === k ? max : min + b * width;
    }
    const counts = new Int32Array(k);
    for (let i = 0; i < values.length; i++) {
        const b = width > 0 ? Math.min(k - 1, Math.floor((values[i] - min) / width)) : 0;
        counts[b]++;
    }
    return { edges, counts };
}
