import * as native from '@backtestr/native';
import type { Bar, UnixMicrosBig } from '@backtestr/plugins-sdk';
import { MtfState } from '@backtestr/plugins-sdk/host';
import { FloatBarColumns, TickBatch } from '../common/engine-columns';
import { MTF_LAYOUT } from './native-layout';
import { withSessionZone } from './time-zone-transitions';

/**
 * Bar conventions and the instrument's session; every field optional (native/index.d.ts, native/README.md).
 * A session in an IANA zone the addon does not know gets its offset table from the engine (`withSessionZone`).
 */
export type MtfEngineOptions = Omit<native.NativeEngineOptions, 'sessionZone'>;

/** What wakes JS during `process` / `run`. */
export interface MtfSubscription {
    /** Timeframes whose bar closes wake JS. */
    barClose?: string[];
    everyTick?: boolean;
    /** Price levels (of the bar price source) whose crossing wakes JS. */
    levels?: number[];
    /** Times at which JS is woken (at the first tick at or after each). */
    timers?: UnixMicrosBig[];
}

/** A bar of the state memory: the SDK's `Bar` with int64 times and its period. */
export interface MtfBar extends Omit<Bar, 'time'> {
    /** Start or end of the period, as the barTime option says. */
    readonly time: UnixMicrosBig;
    readonly start: UnixMicrosBig;
    readonly end: UnixMicrosBig;
    /** Time of the last tick in the bar. */
    readonly lastTick: UnixMicrosBig;
}

export interface MtfEvent {
    /** EV_* bits of the native layout (barClose 1, tick 2, cross 4, timer 8, flush 16). */
    readonly flags: number;
    /** Batch index of the tick that caused the stop; -1 for advanceTo / flush. */
    readonly tickIndex: number;
    /** Timeframes that completed at least one bar at this stop. */
    readonly closed: string[];
}

const L = MTF_LAYOUT;
// Slots of a bar record as plain constants (the layout object is a dictionary, slow to read per bar).
const R_OPEN = L.R_OPEN; const R_HIGH = L.R_HIGH; const R_LOW = L.R_LOW; const R_CLOSE = L.R_CLOSE; const R_VOLUME = L.R_VOLUME;
const R_TIME = L.R_TIME;

/**
 * The multi-timeframe bar state of one instrument, computed natively. State is read
 * without native calls through `f64` / `i64`, two views of the same engine memory, and
 * `state`, the SDK's reader of it (which owns the record arithmetic: offsets of the
 * partial and completed bars).
 */
export class MtfEngine {
    readonly timeframes: readonly string[];
    readonly depth: number;
    /** The state memory as float64 slots (prices, volumes, counters, flags). */
    readonly f64: Float64Array;
    /** The state memory as int64 slots (times, UTC microseconds). */
    readonly i64: BigInt64Array;
    /** The SDK's reader of the same memory: what a strategy's `ctx.mtf()` reads. */
    readonly state: MtfState;
    protected readonly handle: native.NativeEngine;
    protected batchLength = 0;

    constructor(options: MtfEngineOptions = {}) {
        this.handle = native.create(withSessionZone(options));
        this.timeframes = native.timeframes(this.handle);
        const buffer = native.stateBuffer(this.handle);
        this.f64 = new Float64Array(buffer);
        this.i64 = new BigInt64Array(buffer);
        this.state = new MtfState(buffer, L, this.timeframes);
        this.depth = this.state.depth;
    }

    /** Index of a timeframe in state order; throws for a timeframe this engine does not have. */
    indexOf(timeframe: string): number {
        return native.timeframeIndex(this.handle, timeframe);
    }

    subscribe(sub: MtfSubscription): void {
        let mask = 0;
        for (const tf of sub.barClose ?? []) {
            mask += 2 ** this.indexOf(tf);
        }
        native.subscribe(this.handle, mask, sub.everyTick === true);
        native.setLevels(this.handle, Float64Array.from(sub.levels ?? []));
        native.setTimers(this.handle, BigInt64Array.from(sub.timers ?? []));
    }

    /** Validates the whole batch (nothing is applied if it is rejected) and makes it current. */
    setBatch(batch: TickBatch): void {
        native.setBatch(this.handle, batch.time, batch.price, batch.size, batch.bid, batch.ask);
        this.batchLength = batch.time.length;
    }

    /** Processes the current batch from `from` until its end or a subscribed event; returns where to resume. */
    run(from: number): number {
        return native.run(this.handle, from);
    }

    /**
     * Processes a whole batch, calling `onEvent` at every subscribed event with the index
     * where processing resumes; the handler reads the state (and `event()`) as it needs.
     */
    process(batch: TickBatch, onEvent?: (resumeIndex: number) => void): void {
        this.setBatch(batch);
        const n = this.batchLength;
        const f = this.f64;
        const h = this.handle;
        let i = 0;
        do {
            i = native.run(h, i);
            if (onEvent && (i < n || f[L.H_EVENT] !== 0)) {
                onEvent(i);
            }
        } while (i < n);
    }

    /** The clock moves to `time` without a tick (e.g. session close): ended bars complete. */
    advanceTo(time: UnixMicrosBig): void {
        native.advanceTo(this.handle, time);
    }

    /** End of data: completes every partial bar; the engine takes no more ticks until `reset`. */
    flush(): void {
        native.flush(this.handle);
    }

    reset(): void {
        native.reset(this.handle);
    }

    /** The last stop's event, read from the state header. */
    event(): MtfEvent {
        const mask = this.f64[L.H_CLOSED_MASK];
        return {
            flags: this.f64[L.H_EVENT],
            tickIndex: this.eventTick,
            closed: this.timeframes.filter((_, i) => Math.floor(mask / 2 ** i) % 2 === 1),
        };
    }

    /** EV_* bits of the last stop (0 when the last run ended without an event). */
    get eventFlags(): number {
        return this.f64[L.H_EVENT];
    }

    /** Batch index of the tick that caused the last stop; -1 for advanceTo / flush. */
    get eventTick(): number {
        return this.f64[L.H_EVENT_TICK];
    }

    get ticksProcessed(): number {
        return this.f64[L.H_TICKS];
    }

    get clock(): UnixMicrosBig {
        return this.i64[L.H_CLOCK];
    }

    /** Completed bars of timeframe index `tf` since creation. */
    completedCount(tf: number): number {
        return this.state.completedCount(tf);
    }

    /** Slot offset of the partial bar of timeframe index `tf`, or -1 when none is in progress. */
    partialOffset(tf: number): number {
        return this.state.partialOffset(tf);
    }

    /** Slot offset of a completed bar (`ago` 0 = newest), or -1 when it is not (or no longer) kept. */
    completedOffset(tf: number, ago = 0): number {
        return this.state.completedOffset(tf, ago);
    }

    /** The two 32-bit words (low first) of the clock's int64 slot, as a view: copied without a conversion. */
    clockWords(): Int32Array {
        return new Int32Array(this.f64.buffer, L.H_CLOCK * 8, 2);
    }

    /** Copies the bar at a slot offset into row `row` of float64 columns (the time as a number, no BigInt). */
    copyBar(offset: number, into: FloatBarColumns, row: number): void {
        const f = this.f64;
        into.time[row] = this.state.int(offset + R_TIME);
        into.open[row] = f[offset + R_OPEN];
        into.high[row] = f[offset + R_HIGH];
        into.low[row] = f[offset + R_LOW];
        into.close[row] = f[offset + R_CLOSE];
        into.volume[row] = f[offset + R_VOLUME];
    }

    /** A copy of the bar at a slot offset. */
    barAt(offset: number): MtfBar {
        const f = this.f64;
        const t = this.i64;
        return {
            open: f[offset + L.R_OPEN], high: f[offset + L.R_HIGH], low: f[offset + L.R_LOW],
            close: f[offset + L.R_CLOSE], volume: f[offset + L.R_VOLUME], ticks: f[offset + L.R_TICKS],
            time: t[offset + L.R_TIME], start: t[offset + L.R_START], end: t[offset + L.R_END],
            lastTick: t[offset + L.R_LAST],
        };
    }

    partial(timeframe: string): MtfBar | undefined {
        const o = this.partialOffset(this.indexOf(timeframe));
        return o < 0 ? undefined : this.barAt(o);
    }

    completed(timeframe: string, ago = 0): MtfBar | undefined {
        const o = this.completedOffset(this.indexOf(timeframe), ago);
        return o < 0 ? undefined : this.barAt(o);
    }

    /** The completed bars still kept for a timeframe, oldest first. */
    history(timeframe: string): MtfBar[] {
        const tf = this.indexOf(timeframe);
        const kept = Math.min(this.completedCount(tf), this.depth);
        const out: MtfBar[] = [];
        for (let ago = kept - 1; ago >= 0; ago--) {
            out.push(this.barAt(this.completedOffset(tf, ago)));
        }
        return out;
    }
}
