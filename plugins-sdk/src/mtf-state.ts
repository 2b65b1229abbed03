// *****************************************************************************
// Reads the engine's multi-timeframe state memory (native/README.md, "State memory
// layout") without a native call: typed-array views over the same bytes. Used by the
// strategy context and by anything that holds a copy of the state (replay, walkback).
// *****************************************************************************

import { Bar, Timeframe, UnixMicros } from './types';

/** The slot numbers of the state memory (the engine's `layout()`; `MTF_LAYOUT` in the engine). */
export interface MtfStateLayout {
    readonly HEADER: number; readonly TF_HEADER: number; readonly RECORD: number;
    readonly H_DEPTH: number; readonly H_TICKS: number; readonly H_CLOCK: number; readonly H_LAST_PRICE: number;
    readonly T_COMPLETED: number; readonly T_HAS_PARTIAL: number;
    readonly R_OPEN: number; readonly R_HIGH: number; readonly R_LOW: number; readonly R_CLOSE: number;
    readonly R_VOLUME: number; readonly R_TICKS: number; readonly R_TIME: number; readonly R_START: number;
    readonly R_END: number; readonly R_LAST: number;
}

/** A bar read in place from the state memory. Live: it shows the state at the moment a field is read. */
export interface BarView extends Bar {
    /** Period start and (exclusive) end, whatever the bar-time convention. */
    readonly start: UnixMicros;
    readonly end: UnixMicros;
    /** Time of the last tick aggregated into the bar. */
    readonly lastTick: UnixMicros;
    /** An immutable copy to keep beyond the current call. */
    snapshot(): Bar;
}

/** One timeframe of the multi-timeframe state. */
export interface MtfSeries {
    readonly timeframe: Timeframe;
    /** The forming bar (the aggregation of every tick of its period so far); undefined before its first tick. */
    readonly partial: BarView | undefined;
    /**
     * A completed bar: `bar(-1)` the last completed, `bar(-2)` the one before; undefined when
     * none (or no longer kept). `bar(0)` and positive offsets would be the forming or future
     * bars: they throw (read `.partial` for the forming bar).
     */
    bar(offset: number): BarView | undefined;
    /** The last `n` completed bars (fewer if fewer are kept), oldest first, as immutable copies. */
    bars(n: number): Bar[];
    /** Bars of this timeframe completed since the run started. */
    readonly completedCount: number;
}

const TWO_32 = 4294967296;

/** Views of one engine's state memory; one per run. */
export class MtfState {
    readonly f64: Float64Array;
    /** Low and high 32-bit halves of the int64 slots: times read as numbers without a BigInt. */
    protected readonly lo: Uint32Array;
    protected readonly hi: Int32Array;
    protected readonly series = new Map<string, MtfSeriesImpl>();
    readonly depth: number;

    constructor(buffer: ArrayBufferLike, readonly layout: MtfStateLayout, readonly timeframes: readonly Timeframe[]) {
        this.f64 = new Float64Array(buffer);
        this.lo = new Uint32Array(buffer);
        this.hi = new Int32Array(buffer);
        this.depth = this.f64[layout.H_DEPTH];
        timeframes.forEach((tf, i) => this.series.set(tf, new MtfSeriesImpl(this, tf, i)));
    }

    /** An int64 slot as a number (exact below 2^53 microseconds, i.e. until the year 2255). */
    int(slot: number): number {
        return this.hi[2 * slot + 1] * TWO_32 + this.lo[2 * slot];
    }

    /** The engine clock: time of the last tick (or of the closing tick at a bar-close wake-up). */
    get clock(): UnixMicros {
        return this.int(this.layout.H_CLOCK);
    }

    get ticksApplied(): number {
        return this.f64[this.layout.H_TICKS];
    }

    /** The series of a timeframe; throws for a timeframe the run does not compute. */
    get(timeframe: Timeframe): MtfSeries {
        const s = this.series.get(timeframe);
        if (!s) {
            throw new Error(`Timeframe '${timeframe}' is not computed in this run; it has ${this.timeframes.join(', ')}.` +
                ' Declare it in the strategy\'s `timeframes`.');
        }
        return s;
    }

    /** Slot offset of timeframe `tf`'s partial bar, or -1. */
    partialOffset(tf: number): number {
        const L = this.layout;
        if (this.f64[L.HEADER + tf * L.TF_HEADER + L.T_HAS_PARTIAL] === 0) {
            return -1;
        }
        return L.HEADER + this.timeframes.length * L.TF_HEADER + tf * L.RECORD;
    }

    completedCount(tf: number): number {
        const L = this.layout;
        return this.f64[L.HEADER + tf * L.TF_HEADER + L.T_COMPLETED];
    }

    /** Slot offset of a completed bar (`ago` 0 = newest), or -1. */
    completedOffset(tf: number, ago: number): number {
        const L = this.layout;
        const count = this.completedCount(tf);
        if (ago < 0 || ago >= count || ago >= this.depth) {
            return -1;
        }
        const n = this.timeframes.length;
        return L.HEADER + n * L.TF_HEADER + n * L.RECORD + (tf * this.depth + (count - 1 - ago) % this.depth) * L.RECORD;
    }

    /** An immutable copy of the bar at a slot offset. */
    barAt(o: number): Bar {
        const L = this.layout;
        const f = this.f64;
        return Object.freeze({
            time: this.int(o + L.R_TIME), open: f[o + L.R_OPEN], high: f[o + L.R_HIGH], low: f[o + L.R_LOW],
            close: f[o + L.R_CLOSE], volume: f[o + L.R_VOLUME], ticks: f[o + L.R_TICKS]
        });
    }
}

/** A view whose slot offset is computed at each read (the partial bar, or the bar `ago` back). */
class BarViewImpl implements BarView {
    constructor(protected readonly state: MtfState, protected readonly tf: number, protected readonly ago: number) { }

    protected get o(): number {
        return this.ago < 0 ? this.state.partialOffset(this.tf) : this.state.completedOffset(this.tf, this.ago);
    }
    get open(): number { return this.num(this.state.layout.R_OPEN); }
    get high(): number { return this.num(this.state.layout.R_HIGH); }
    get low(): number { return this.num(this.state.layout.R_LOW); }
    get close(): number { return this.num(this.state.layout.R_CLOSE); }
    get volume(): number { return this.num(this.state.layout.R_VOLUME); }
    get ticks(): number { return this.num(this.state.layout.R_TICKS); }
    get time(): UnixMicros { return this.int(this.state.layout.R_TIME); }
    get start(): UnixMicros { return this.int(this.state.layout.R_START); }
    get end(): UnixMicros { return this.int(this.state.layout.R_END); }
    get lastTick(): UnixMicros { return this.int(this.state.layout.R_LAST); }
    /** NaN once the bar is gone (a partial view kept past its bar's completion). */
    protected num(field: number): number {
        const o = this.o;
        return o < 0 ? NaN : this.state.f64[o + field];
    }
    protected int(field: number): number {
        const o = this.o;
        return o < 0 ? NaN : this.state.int(o + field);
    }
    snapshot(): Bar {
        return this.state.barAt(this.o);
    }
    toJSON(): Bar {
        return this.snapshot();
    }
}

class MtfSeriesImpl implements MtfSeries {
    protected readonly partialView: BarViewImpl;
    /** completedViews[k] reads bar(-(k + 1)); created on first use, then reused (no allocation per read). */
    protected readonly completedViews: BarViewImpl[] = [];

    constructor(protected readonly state: MtfState, readonly timeframe: Timeframe, protected readonly index: number) {
        this.partialView = new BarViewImpl(state, index, -1);
    }

    get partial(): BarView | undefined {
        return this.state.partialOffset(this.index) < 0 ? undefined : this.partialView;
    }

    bar(offset: number): BarView | undefined {
        if (!(offset < 0) || !Number.isInteger(offset)) {
            throw new RangeError(`mtf('${this.timeframe}').bar(${offset}): only completed bars can be read, bar(-1) is the last completed one;` +
                ' the forming bar is .partial and later bars do not exist yet.');
        }
        const ago = -offset - 1;
        if (this.state.completedOffset(this.index, ago) < 0) {
            return undefined;
        }
        let view = this.completedViews[ago];
        if (!view) {
            view = this.completedViews[ago] = new BarViewImpl(this.state, this.index, ago);
        }
        return view;
    }

    bars(n: number): Bar[] {
        const kept = Math.min(this.state.completedCount(this.index), this.state.depth, Math.max(0, Math.floor(n)));
        const out: Bar[] = [];
        for (let ago = kept - 1; ago >= 0; ago--) {
            out.push(this.state.barAt(this.state.completedOffset(this.index, ago)));
        }
        return out;
    }

    get completedCount(): number {
        return this.state.completedCount(this.index);
    }
}
