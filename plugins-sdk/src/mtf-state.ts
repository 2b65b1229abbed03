// *****************************************************************************
// Reads the engine's multi-timeframe state memory (native/README.md, "State memory
// layout") without a native call: typed-array views over the same bytes. Used by the
// strategy context and by anything that holds a copy of the state (replay, walkback).
// The one place that turns the layout's slot numbers into record offsets: the engine's
// wrapper (@backtestr/engine-core's MtfEngine) reads its bars through an MtfState too.
// The SDK depends on nothing, so the layout comes in as data (the addon's `layout()`).
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

    readonly layout: MtfStateLayout;

    constructor(buffer: ArrayBufferLike, layout: MtfStateLayout, readonly timeframes: readonly Timeframe[]) {
        // A plain object of fixed shape: the engine's layout object may be a slow (dictionary) one.
        this.layout = {
            HEADER: layout.HEADER, TF_HEADER: layout.TF_HEADER, RECORD: layout.RECORD, H_DEPTH: layout.H_DEPTH, H_TICKS: layout.H_TICKS,
            H_CLOCK: layout.H_CLOCK, H_LAST_PRICE: layout.H_LAST_PRICE, T_COMPLETED: layout.T_COMPLETED, T_HAS_PARTIAL: layout.T_HAS_PARTIAL,
            R_OPEN: layout.R_OPEN, R_HIGH: layout.R_HIGH, R_LOW: layout.R_LOW, R_CLOSE: layout.R_CLOSE, R_VOLUME: layout.R_VOLUME,
            R_TICKS: layout.R_TICKS, R_TIME: layout.R_TIME, R_START: layout.R_START, R_END: layout.R_END, R_LAST: layout.R_LAST
        };
        layout = this.layout;
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

    /**
     * The engine clock: time of the last tick (or of the closing tick at a bar-close wake-up: the host tells strategies
     * the bars' period end instead, see StrategyContext.time).
     */
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

    /** Slot of a field (T_COMPLETED, T_HAS_PARTIAL) of timeframe `tf`'s header. */
    headerSlot(tf: number, field: number): number {
        const L = this.layout;
        return L.HEADER + tf * L.TF_HEADER + field;
    }

    /** First slot of timeframe `tf`'s partial bar record (valid while T_HAS_PARTIAL is set). */
    partialSlot(tf: number): number {
        const L = this.layout;
        return L.HEADER + this.timeframes.length * L.TF_HEADER + tf * L.RECORD;
    }

    /** First slot of timeframe `tf`'s ring of `depth` completed bar records (bar number c at record c % depth). */
    ringSlot(tf: number): number {
        const L = this.layout;
        const n = this.timeframes.length;
        return L.HEADER + n * L.TF_HEADER + n * L.RECORD + tf * this.depth * L.RECORD;
    }

    /** Slot offset of timeframe `tf`'s partial bar, or -1. */
    partialOffset(tf: number): number {
        return this.f64[this.headerSlot(tf, this.layout.T_HAS_PARTIAL)] === 0 ? -1 : this.partialSlot(tf);
    }

    completedCount(tf: number): number {
        return this.f64[this.headerSlot(tf, this.layout.T_COMPLETED)];
    }

    /** Slot offset of a completed bar (`ago` 0 = newest), or -1. */
    completedOffset(tf: number, ago: number): number {
        const count = this.completedCount(tf);
        if (ago < 0 || ago >= count || ago >= this.depth) {
            return -1;
        }
        return this.ringSlot(tf) + ((count - 1 - ago) % this.depth) * this.layout.RECORD;
    }

    /** The bar time (by the run's bar-time convention) of the bar at a slot offset. */
    barTime(o: number): UnixMicros {
        return this.int(o + this.layout.R_TIME);
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

/**
 * A view whose slot offset is computed at each read: the partial bar (`ago` -1) or the
 * completed bar `ago` back. Slot numbers are kept as fields so a read is a few loads.
 * Every field is `#private` and the prototype has no `constructor`: a strategy holding a
 * view reaches its documented getters and nothing else (not the state memory, whose header
 * holds the engine's batch position: the index of the tick not applied yet).
 */
class BarViewImpl implements BarView {
    readonly #f64: Float64Array;
    readonly #state: MtfState;
    readonly #ago: number;
    readonly #flagSlot: number;
    readonly #partialSlot: number;
    readonly #ringSlot: number;
    readonly #depth: number;
    readonly #rOpen: number; readonly #rHigh: number; readonly #rLow: number; readonly #rClose: number;
    readonly #rVolume: number; readonly #rTicks: number; readonly #rTime: number; readonly #rStart: number;
    readonly #rEnd: number; readonly #rLast: number; readonly #record: number;

    constructor(state: MtfState, tf: number, ago: number) {
        const L = state.layout;
        this.#state = state;
        this.#ago = ago;
        this.#f64 = state.f64;
        this.#depth = state.depth;
        this.#record = L.RECORD;
        this.#flagSlot = state.headerSlot(tf, ago < 0 ? L.T_HAS_PARTIAL : L.T_COMPLETED);
        this.#partialSlot = state.partialSlot(tf);
        this.#ringSlot = state.ringSlot(tf);
        this.#rOpen = L.R_OPEN; this.#rHigh = L.R_HIGH; this.#rLow = L.R_LOW; this.#rClose = L.R_CLOSE; this.#rVolume = L.R_VOLUME;
        this.#rTicks = L.R_TICKS; this.#rTime = L.R_TIME; this.#rStart = L.R_START; this.#rEnd = L.R_END; this.#rLast = L.R_LAST;
        Object.freeze(this);
    }

    /** Slot offset of the bar now, -1 when it is gone or not there yet. */
    #o(): number {
        const flag = this.#f64[this.#flagSlot];
        if (this.#ago < 0) {
            return flag === 0 ? -1 : this.#partialSlot;
        }
        return this.#ago < flag && this.#ago < this.#depth ? this.#ringSlot + ((flag - 1 - this.#ago) % this.#depth) * this.#record : -1;
    }
    get open(): number { return this.#num(this.#rOpen); }
    get high(): number { return this.#num(this.#rHigh); }
    get low(): number { return this.#num(this.#rLow); }
    get close(): number { return this.#num(this.#rClose); }
    get volume(): number { return this.#num(this.#rVolume); }
    get ticks(): number { return this.#num(this.#rTicks); }
    get time(): UnixMicros { return this.#int(this.#rTime); }
    get start(): UnixMicros { return this.#int(this.#rStart); }
    get end(): UnixMicros { return this.#int(this.#rEnd); }
    get lastTick(): UnixMicros { return this.#int(this.#rLast); }
    /** NaN once the bar is gone (a partial view kept past its bar's completion). */
    #num(field: number): number {
        const o = this.#o();
        return o < 0 ? NaN : this.#f64[o + field];
    }
    #int(field: number): number {
        const o = this.#o();
        return o < 0 ? NaN : this.#state.int(o + field);
    }
    /** Whether the bar is there now (static: not a member strategies see). */
    static present(view: BarViewImpl): boolean {
        return view.#o() >= 0;
    }
    snapshot(): Bar {
        const o = this.#o();
        if (o < 0) {
            throw new Error('This bar is no longer in the engine state: snapshot() a bar while it is current.');
        }
        return this.#state.barAt(o);
    }
    toJSON(): Bar {
        return this.snapshot();
    }
}

/** One timeframe's views; `#private` like the views, so nothing but the MtfSeries members is reachable from it. */
class MtfSeriesImpl implements MtfSeries {
    readonly #state: MtfState;
    readonly #index: number;
    readonly #partialView: BarViewImpl;
    /** completedViews[k] reads bar(-(k + 1)); created on first use, then reused (no allocation per read). */
    readonly #completedViews: BarViewImpl[] = [];
    readonly timeframe: Timeframe;

    constructor(state: MtfState, timeframe: Timeframe, index: number) {
        this.#state = state;
        this.timeframe = timeframe;
        this.#index = index;
        this.#partialView = new BarViewImpl(state, index, -1);
        Object.freeze(this);
    }

    get partial(): BarView | undefined {
        return BarViewImpl.present(this.#partialView) ? this.#partialView : undefined;
    }

    bar(offset: number): BarView | undefined {
        if (!(offset < 0) || !Number.isInteger(offset)) {
            throw new RangeError(`mtf('${this.timeframe}').bar(${offset}): only completed bars can be read, bar(-1) is the last completed one;` +
                ' the forming bar is .partial and later bars do not exist yet.');
        }
        const ago = -offset - 1;
        if (this.#state.completedOffset(this.#index, ago) < 0) {
            return undefined;
        }
        let view = this.#completedViews[ago];
        if (!view) {
            view = this.#completedViews[ago] = new BarViewImpl(this.#state, this.#index, ago);
        }
        return view;
    }

    bars(n: number): Bar[] {
        const state = this.#state;
        const kept = Math.min(state.completedCount(this.#index), state.depth, Math.max(0, Math.floor(n)));
        const out: Bar[] = [];
        for (let ago = kept - 1; ago >= 0; ago--) {
            out.push(state.barAt(state.completedOffset(this.#index, ago)));
        }
        return out;
    }

    get completedCount(): number {
        return this.#state.completedCount(this.#index);
    }
}

// No way back from an instance to its class (and through it to constructing views over any memory); prototypes
// are frozen so one strategy cannot change what the getters return.
for (const proto of [BarViewImpl.prototype, MtfSeriesImpl.prototype]) {
    delete (proto as { constructor?: unknown }).constructor;
    Object.freeze(proto);
}
