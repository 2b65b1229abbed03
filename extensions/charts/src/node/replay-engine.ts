// *****************************************************************************
// The native MTF engine as the replay uses it: ticks in, bars out as columns. The engine, the
// conversions and the bar path are @backtestr/engine-core's; this file adds the replay's own reads.
// *****************************************************************************

import { MtfEngine, TickBatch } from '@backtestr/engine-core';
import { ChartBarColumns, PriceSource } from '../common/replay-protocol';

export interface ReplayEngineOptions {
    readonly timeframes: readonly string[];
    readonly priceSource: PriceSource;
    readonly depth?: number;
    readonly session?: string;
}

/** Growable bar columns (oldest first). */
export class BarColumnsBuilder {
    count = 0;
    time: Float64Array = new Float64Array(64);
    open: Float64Array = new Float64Array(64);
    high: Float64Array = new Float64Array(64);
    low: Float64Array = new Float64Array(64);
    close: Float64Array = new Float64Array(64);
    volume: Float64Array = new Float64Array(64);

    reserve(n: number): void {
        if (this.count + n <= this.time.length) {
            return;
        }
        const capacity = Math.max(this.time.length * 2, this.count + n);
        const grow = (a: Float64Array): Float64Array => {
            const b = new Float64Array(capacity);
            b.set(a.subarray(0, this.count));
            return b;
        };
        this.time = grow(this.time);
        this.open = grow(this.open);
        this.high = grow(this.high);
        this.low = grow(this.low);
        this.close = grow(this.close);
        this.volume = grow(this.volume);
    }

    /** Appends the bar record at slot `offset` of an engine's state. */
    pushRecord(engine: MtfEngine, offset: number): void {
        this.reserve(1);
        engine.copyBar(offset, this, this.count++);
    }

    pushNone(): void {
        this.reserve(1);
        const i = this.count++;
        this.time[i] = NaN;
        this.open[i] = this.high[i] = this.low[i] = this.close[i] = this.volume[i] = NaN;
    }

    /** Appends rows [from, to) of other columns. */
    pushRows(other: ChartBarColumns, from: number, to: number): void {
        const n = Math.max(0, to - from);
        this.reserve(n);
        const at = this.count;
        this.time.set(other.time.subarray(from, to), at);
        this.open.set(other.open.subarray(from, to), at);
        this.high.set(other.high.subarray(from, to), at);
        this.low.set(other.low.subarray(from, to), at);
        this.close.set(other.close.subarray(from, to), at);
        this.volume.set(other.volume.subarray(from, to), at);
        this.count += n;
    }

    /** Exactly sized copies. */
    build(): ChartBarColumns {
        const n = this.count;
        return {
            count: n, time: this.time.slice(0, n), open: this.open.slice(0, n), high: this.high.slice(0, n),
            low: this.low.slice(0, n), close: this.close.slice(0, n), volume: this.volume.slice(0, n)
        };
    }
}

/** The engine of a replay: every bar close of every timeframe, batches applied without waking JS. */
export class ReplayEngine extends MtfEngine {
    constructor(options: ReplayEngineOptions) {
        super({ timeframes: [...options.timeframes], priceSource: options.priceSource, depth: options.depth ?? 1000, session: options.session });
    }

    /** Wake on bar closes of every timeframe. */
    subscribeAllBarCloses(): void {
        this.subscribe({ barClose: [...this.timeframes] });
    }

    /** Applies ticks [from, to) of `ticks` without waking JS (the engine must have no subscriptions). */
    apply(ticks: TickBatch, from: number, to: number): void {
        if (to <= from) {
            return;
        }
        const cut = <T extends BigInt64Array | Float64Array>(a: T | undefined): T | undefined => a?.subarray(from, to) as T | undefined;
        this.setBatch({ time: cut(ticks.time)!, price: cut(ticks.price), size: cut(ticks.size), bid: cut(ticks.bid), ask: cut(ticks.ask) });
        let i = 0;
        const n = to - from;
        do {
            i = this.run(i);
        } while (i < n);
    }

    /** Slot offset of completed bar number `c` (from 0, since creation or reset), or -1 if no longer kept. */
    completedOffsetOf(tf: number, c: number): number {
        return this.completedOffset(tf, this.completedCount(tf) - 1 - c);
    }

    /** Appends the newest `n` kept completed bars of timeframe index `tf` to `out`, oldest first. */
    pushNewest(tf: number, n: number, out: BarColumnsBuilder): void {
        const count = this.completedCount(tf);
        const take = Math.min(n, count, this.depth);
        for (let c = count - take; c < count; c++) {
            out.pushRecord(this, this.completedOffsetOf(tf, c));
        }
    }
}
