// *****************************************************************************
// Pure maths of live updates: growing bar columns, appending pushed bars without duplicates,
// fills and trades by their running totals.
// *****************************************************************************

import type { RunTradeColumns } from '@backtestr/workspace-store';
import type { LiveBarColumns, LiveFillColumns } from '@backtestr/engine';
import { ChartBarColumns } from './replay-protocol';

const BAR_KEYS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export const FILL_KEYS = ['time', 'seq', 'order', 'price', 'qty', 'position'] as const;
export const TRADE_KEYS = ['side', 'qty', 'entryTime', 'exitTime', 'entryPrice', 'exitPrice', 'pnl', 'commission', 'slippage', 'mae', 'mfe', 'barsHeld'] as const;

/** Columns that grow by appending (capacity doubles), read as `ChartBarColumns` through `view()`. */
export class GrowingBars {
    protected cols: Record<typeof BAR_KEYS[number], Float64Array>;
    count = 0;

    constructor(capacity = 256) {
        this.cols = { time: new Float64Array(capacity), open: new Float64Array(capacity), high: new Float64Array(capacity),
            low: new Float64Array(capacity), close: new Float64Array(capacity), volume: new Float64Array(capacity) };
    }

    /** Appends the rows of `bars` [from, to). */
    append(bars: LiveBarColumns | ChartBarColumns, from: number, to: number): void {
        const n = Math.max(0, to - from);
        if (this.count + n > this.cols.time.length) {
            const capacity = Math.max(this.cols.time.length * 2, this.count + n);
            for (const k of BAR_KEYS) {
                const grown = new Float64Array(capacity);
                grown.set(this.cols[k].subarray(0, this.count));
                this.cols[k] = grown;
            }
        }
        for (const k of BAR_KEYS) {
            this.cols[k].set(bars[k].subarray(from, to), this.count);
        }
        this.count += n;
    }

    /** Keeps the newest `keep` rows. */
    trimTo(keep: number): void {
        const drop = this.count - keep;
        if (drop <= 0) {
            return;
        }
        for (const k of BAR_KEYS) {
            this.cols[k].copyWithin(0, drop, this.count);
        }
        this.count = keep;
    }

    get lastTime(): number {
        return this.count > 0 ? this.cols.time[this.count - 1] : -Infinity;
    }

    /** The rows as columns (views of the current storage: valid until the next append or trim). */
    view(): ChartBarColumns {
        const c = this.cols;
        const n = this.count;
        return { count: n, time: c.time.subarray(0, n), open: c.open.subarray(0, n), high: c.high.subarray(0, n),
            low: c.low.subarray(0, n), close: c.close.subarray(0, n), volume: c.volume.subarray(0, n) };
    }

    /** A copy of the newest `n` rows. */
    tail(n: number): ChartBarColumns {
        const from = Math.max(0, this.count - n);
        const c = this.cols;
        return { count: this.count - from, time: c.time.slice(from, this.count), open: c.open.slice(from, this.count), high: c.high.slice(from, this.count),
            low: c.low.slice(from, this.count), close: c.close.slice(from, this.count), volume: c.volume.slice(from, this.count) };
    }
}

/** Index of the first row of `bars` later than `after` (bars are in time order): rows before it are already shown. */
export function firstNewBar(bars: { readonly time: Float64Array }, count: number, after: number): number {
    let i = 0;
    while (i < count && bars.time[i] <= after) {
        i++;
    }
    return i;
}

/** Rows of `c` [from, to) joined after the rows of `a` (fills or trades columns). */
export function concatColumns<K extends string>(keys: readonly K[], a: Record<K, Float64Array>, b: Record<K, Float64Array>, from = 0): Record<K, Float64Array> {
    const out = {} as Record<K, Float64Array>;
    for (const k of keys) {
        const n = a[k].length, m = b[k].length - from;
        const col = new Float64Array(n + Math.max(0, m));
        col.set(a[k], 0);
        if (m > 0) {
            col.set(b[k].subarray(from), n);
        }
        out[k] = col;
    }
    return out;
}

export function emptyFills(): LiveFillColumns {
    return concatColumns(FILL_KEYS, emptyOf(FILL_KEYS), emptyOf(FILL_KEYS));
}

export function emptyTrades(): RunTradeColumns {
    return concatColumns(TRADE_KEYS, emptyOf(TRADE_KEYS), emptyOf(TRADE_KEYS));
}

function emptyOf<K extends string>(keys: readonly K[]): Record<K, Float64Array> {
    const out = {} as Record<K, Float64Array>;
    keys.forEach(k => out[k] = new Float64Array(0));
    return out;
}

/**
 * Rows of pushed columns the receiver does not hold yet: `total` counts every row so far, the pushed
 * ones are the last `pushed` of them, the receiver holds `known`. Returns the index of the first new row.
 */
export function newRowsFrom(total: number, pushed: number, known: number): number {
    return Math.min(pushed, Math.max(0, known - (total - pushed)));
}
