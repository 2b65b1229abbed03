// *****************************************************************************
// The native MTF engine as the replay uses it: ticks in, bars out as columns.
// A thin wrapper over the flat API of @backtestr/native (the layout is native/README.md's).
// *****************************************************************************

import * as native from '@backtestr/native';
import { ChartBarColumns, PriceSource } from '../common/replay-protocol';

export const MTF_LAYOUT: native.NativeLayout = native.layout();
const L = MTF_LAYOUT;
const TWO_32 = 4294967296;

/** Ticks ready for the engine: int64 times, prices (not tick counts). */
export interface EngineTicks {
    readonly time: BigInt64Array;
    readonly price?: Float64Array;
    readonly bid?: Float64Array;
    readonly ask?: Float64Array;
    readonly size?: Float64Array;
}

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
    pushRecord(engine: ReplayEngine, offset: number): void {
        this.reserve(1);
        const f = engine.f64;
        const i = this.count++;
        this.time[i] = engine.int(offset + L.R_TIME);
        this.open[i] = f[offset + L.R_OPEN];
        this.high[i] = f[offset + L.R_HIGH];
        this.low[i] = f[offset + L.R_LOW];
        this.close[i] = f[offset + L.R_CLOSE];
        this.volume[i] = f[offset + L.R_VOLUME];
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

export class ReplayEngine {
    readonly timeframes: readonly string[];
    readonly depth: number;
    readonly f64: Float64Array;
    protected readonly lo: Uint32Array;
    protected readonly hi: Int32Array;
    protected readonly handle: native.NativeEngine;

    constructor(options: ReplayEngineOptions) {
        this.handle = native.create({
            timeframes: [...options.timeframes], priceSource: options.priceSource, depth: options.depth ?? 1000, session: options.session
        });
        this.timeframes = native.timeframes(this.handle);
        const buffer = native.stateBuffer(this.handle);
        this.f64 = new Float64Array(buffer);
        this.lo = new Uint32Array(buffer);
        this.hi = new Int32Array(buffer);
        this.depth = this.f64[L.H_DEPTH];
    }

    indexOf(timeframe: string): number {
        return native.timeframeIndex(this.handle, timeframe);
    }

    /** An int64 slot as a number. */
    int(slot: number): number {
        return this.hi[2 * slot + 1] * TWO_32 + this.lo[2 * slot];
    }

    /** Wake on bar closes of every timeframe. */
    subscribeAllBarCloses(): void {
        native.subscribe(this.handle, 2 ** this.timeframes.length - 1, false);
    }

    reset(): void {
        native.reset(this.handle);
    }

    /** Applies ticks [from, to) of `ticks` without waking JS (the engine must have no subscriptions). */
    apply(ticks: EngineTicks, from: number, to: number): void {
        if (to <= from) {
            return;
        }
        const cut = <T extends BigInt64Array | Float64Array>(a: T | undefined): T | undefined => a?.subarray(from, to) as T | undefined;
        native.setBatch(this.handle, cut(ticks.time)!, cut(ticks.price), cut(ticks.size), cut(ticks.bid), cut(ticks.ask));
        let i = 0;
        const n = to - from;
        do {
            i = native.run(this.handle, i);
        } while (i < n);
    }

    /** Makes a whole batch current; `run` then processes it. */
    setBatch(ticks: EngineTicks): void {
        native.setBatch(this.handle, ticks.time, ticks.price, ticks.size, ticks.bid, ticks.ask);
    }

    run(from: number): number {
        return native.run(this.handle, from);
    }

    get eventFlags(): number {
        return this.f64[L.H_EVENT];
    }

    get eventTick(): number {
        return this.f64[L.H_EVENT_TICK];
    }

    get closedMask(): number {
        return this.f64[L.H_CLOSED_MASK];
    }

    get ticksApplied(): number {
        return this.f64[L.H_TICKS];
    }

    completedCount(tf: number): number {
        return this.f64[L.HEADER + tf * L.TF_HEADER + L.T_COMPLETED];
    }

    partialOffset(tf: number): number {
        if (this.f64[L.HEADER + tf * L.TF_HEADER + L.T_HAS_PARTIAL] === 0) {
            return -1;
        }
        return L.HEADER + this.timeframes.length * L.TF_HEADER + tf * L.RECORD;
    }

    /** Slot offset of completed bar number `c` (from 0, since creation or reset), or -1 if no longer kept. */
    completedOffsetOf(tf: number, c: number): number {
        const count = this.completedCount(tf);
        if (c < 0 || c >= count || c < count - this.depth) {
            return -1;
        }
        const n = this.timeframes.length;
        return L.HEADER + n * L.TF_HEADER + n * L.RECORD + (tf * this.depth + c % this.depth) * L.RECORD;
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

/** Tick counts to prices as the CLI's tick source does: the nearest double of the decimal price. */
export function tickScale(tickSize: number): { mantissa: number; divisor: number } {
    let exponent = 0;
    while (exponent < 15 && Math.abs(Math.round(tickSize * 10 ** exponent) - tickSize * 10 ** exponent) > 1e-9 * 10 ** exponent) {
        exponent++;
    }
    return { mantissa: Math.round(tickSize * 10 ** exponent), divisor: 10 ** exponent };
}

export function ticksToPrices(ticks: Float64Array, tickSize: number): Float64Array {
    const { mantissa, divisor } = tickScale(tickSize);
    const out = new Float64Array(ticks.length);
    for (let i = 0; i < ticks.length; i++) {
        out[i] = ticks[i] * mantissa / divisor;
    }
    return out;
}

/**
 * Bars (prices) as the engine replays a bars dataset (ExecutionEngine.barTicks): each bar as its
 * intrabar path of four points (open, nearer extreme, farther extreme, close) at the bar's time,
 * volume split evenly.
 */
export function barPathTicks(time: Float64Array, open: Float64Array, high: Float64Array, low: Float64Array, close: Float64Array,
    volume: Float64Array): { time: Float64Array; price: Float64Array; size: Float64Array } {
    const n = time.length;
    const price = new Float64Array(4 * n);
    const size = new Float64Array(4 * n);
    native.barPath(open, high, low, close, volume, price, size);
    const times = new Float64Array(4 * n);
    for (let i = 0; i < n; i++) {
        times.fill(time[i], 4 * i, 4 * i + 4);
    }
    return { time: times, price, size };
}

/** Float64 microseconds (exact integers) to int64. */
export function toInt64Micros(time: Float64Array): BigInt64Array {
    const out = new BigInt64Array(time.length);
    const words = new Uint32Array(out.buffer);
    for (let i = 0; i < time.length; i++) {
        const t = time[i];
        const hi = Math.floor(t / TWO_32);
        words[2 * i] = t - hi * TWO_32;
        words[2 * i + 1] = hi;
    }
    return out;
}
