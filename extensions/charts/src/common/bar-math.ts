// *****************************************************************************
// Pure bar-window and cursor maths shared by the chart view and the replay backend.
// *****************************************************************************

import { ChartBarColumns } from './replay-protocol';

export const EMPTY_BARS: ChartBarColumns = {
    count: 0, time: new Float64Array(0), open: new Float64Array(0), high: new Float64Array(0),
    low: new Float64Array(0), close: new Float64Array(0), volume: new Float64Array(0)
};

/** Number of elements of the sorted `values[0, count)` that are <= `x` (the upper bound). */
export function upperBound(values: ArrayLike<number>, x: number, count = values.length): number {
    let lo = 0, hi = count;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (values[mid] <= x) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/** Index of the bar whose period contains `time` (the last bar starting at or before it), -1 before the first. */
export function barIndexAt(bars: ChartBarColumns, time: number): number {
    return upperBound(bars.time, time, bars.count) - 1;
}

/** Rows [from, to) of bar columns, copied. */
export function sliceBars(bars: ChartBarColumns, from: number, to: number): ChartBarColumns {
    const a = Math.max(0, Math.min(from, bars.count));
    const b = Math.max(a, Math.min(to, bars.count));
    return {
        count: b - a, time: bars.time.slice(a, b), open: bars.open.slice(a, b), high: bars.high.slice(a, b),
        low: bars.low.slice(a, b), close: bars.close.slice(a, b), volume: bars.volume.slice(a, b)
    };
}

/**
 * Older bars put in front of the loaded ones: rows of `older` at or after the first loaded bar
 * are dropped (a range query may overlap what is already there).
 */
export function prependBars(older: ChartBarColumns, loaded: ChartBarColumns): ChartBarColumns {
    const keep = loaded.count === 0 ? older.count : upperBound(older.time, loaded.time[0] - 1, older.count);
    const count = keep + loaded.count;
    const join = (a: Float64Array, b: Float64Array): Float64Array => {
        const out = new Float64Array(count);
        out.set(a.subarray(0, keep), 0);
        out.set(b.subarray(0, loaded.count), keep);
        return out;
    };
    return {
        count, time: join(older.time, loaded.time), open: join(older.open, loaded.open), high: join(older.high, loaded.high),
        low: join(older.low, loaded.low), close: join(older.close, loaded.close), volume: join(older.volume, loaded.volume)
    };
}

/**
 * How many older bars a panel should fetch after a scroll: when fewer than `margin` bars are left
 * to the left of the visible range and the history is not exhausted, one page (at least as
 * many bars as are visible); otherwise 0.
 */
export function olderBarsToLoad(visibleFrom: number, visibleTo: number, exhausted: boolean, margin = 50, page = 500): number {
    if (exhausted || visibleFrom >= margin) {
        return 0;
    }
    return Math.max(page, Math.ceil(visibleTo - visibleFrom));
}

/** Bars to fetch when a panel opens: enough for a few screens of its width, never the whole history. */
export function initialBarCount(widthPx: number, minBarSpacingPx = 3, screens = 3): number {
    return Math.max(200, Math.ceil(Math.max(widthPx, 100) / minBarSpacingPx) * screens);
}

/**
 * The replay cursor one bar forward or back. `completionTicks` holds, sorted, the tick index at
 * which each bar of a timeframe completed (the first tick of the next period). Forward: the next
 * completion after the cursor. Back: the tick before the newest completion at or before the cursor.
 * At the ends the cursor stays.
 */
export function stepBarCursor(completionTicks: ArrayLike<number>, count: number, cursor: number, direction: 1 | -1): number {
    if (direction > 0) {
        const next = upperBound(completionTicks, cursor, count);
        return next < count ? completionTicks[next] : cursor;
    }
    const newest = upperBound(completionTicks, cursor, count) - 1;
    return newest >= 0 ? Math.max(0, completionTicks[newest] - 1) : cursor;
}

/** The session (index into the sorted first ticks of the sessions) that holds tick `tickIndex`. */
export function sessionOfTick(sessionFirstTick: ArrayLike<number>, count: number, tickIndex: number): number {
    return Math.max(0, upperBound(sessionFirstTick, tickIndex, count) - 1);
}

/** Microseconds of a timeframe label (`1m`, `4H`, `1D`, `30s`): the SDK's grammar, re-exported for the chart code. */
export { timeframeMicros } from '@backtestr/plugins-sdk';

/** A replay speed label: `10x` (ten times real time) or `1000/s` (ticks per second). */
export function parseSpeed(label: string): { readonly realTime: number } | { readonly ticksPerSecond: number } {
    const x = /^(\d+(?:\.\d+)?)x$/.exec(label);
    if (x) {
        return { realTime: Number(x[1]) };
    }
    const t = /^(\d+)\/s$/.exec(label);
    if (t) {
        return { ticksPerSecond: Number(t[1]) };
    }
    throw new Error(`Unknown replay speed '${label}': use e.g. 1x, 10x, 100/s, 10000/s`);
}

/**
 * Ticks to advance after `elapsedMs` of playing at `ticksPerSecond`, carrying the fraction
 * over in `carry` (so 10 ticks/s at 60 frames/s advances 1 tick every 6 frames).
 */
export function ticksToAdvance(ticksPerSecond: number, elapsedMs: number, carry: number): { readonly ticks: number; readonly carry: number } {
    const exact = ticksPerSecond * elapsedMs / 1000 + carry;
    const ticks = Math.floor(exact);
    return { ticks, carry: exact - ticks };
}

/**
 * Where a line's new points differ from the drawn ones when only its tail changed: the same
 * points up to an index, then at most two changed or added points. Undefined when it must be redrawn.
 */
export function tailChange(oldTime: Float64Array, oldValue: Float64Array, time: Float64Array, value: Float64Array): number | undefined {
    const m = oldTime.length, n = time.length;
    if (m === 0 || n < m || n - m > 2) {
        return undefined;
    }
    let i = 0;
    const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));
    while (i < m && oldTime[i] === time[i] && same(oldValue[i], value[i])) {
        i++;
    }
    // only the newest drawn point may change in place (lightweight-charts updates the last point or appends)
    if (n - i > 2 || i < m - 1) {
        return undefined;
    }
    return i;
}
