// *****************************************************************************
// Walkback over one dataset. One indexing pass with the native engine records, per
// timeframe, every completed bar and the tick that completed it, and where each engine
// session (1D period) starts. The state at any tick k is then rebuilt from that index
// (the completed bars before k's session: the snapshot) plus a re-simulation by the real
// engine of k's session from its first tick to k. Every step, forward or back, costs at
// most one session of ticks; none starts from the beginning of the data.
// *****************************************************************************

import type { BarColumns, TickColumns } from '@backtestr/workspace-store';
import { isTimeframe, parseTimeframe } from '@backtestr/plugins-sdk';
import { sessionOfTick, stepBarCursor, upperBound } from '../common/bar-math';
import { ChartBarColumns, DEFAULT_SESSION, PriceSource, ReplayFrame, UnixMicros, defaultPriceSource } from '../common/replay-protocol';
import { barPath, barPathTimes, MTF_LAYOUT, TickBatch, tickScale, ticksToPrices, toInt64Micros } from '@backtestr/engine-core';
import { BarColumnsBuilder, ReplayEngine } from './replay-engine';

const DAY = 86_400_000_000;

/** Where the replay reads ticks from (the workspace database through DatasetService, or a test database). */
export interface ReplayTickSource {
    readonly kind: 'trades' | 'quotes' | 'bars';
    readonly tickSize: number;
    readonly firstTime: UnixMicros;
    readonly lastTime: UnixMicros;
    /** Ticks with `from <= time < to`, in stored order, prices in tick counts (trades and quotes). */
    readTicks(from: UnixMicros, to: UnixMicros): Promise<TickColumns>;
    /** Imported bars with `from <= time < to`, prices in tick counts (kind `bars`). */
    readBars?(from: UnixMicros, to: UnixMicros): Promise<BarColumns>;
}

export interface ReplaySessionOptions {
    /** Timeframes the frames list, in that order (intraday or 1D). */
    readonly timeframes: readonly string[];
    /** Session start "HH:MM ZONE" of the engine; default its own (UTC midnight). */
    readonly session?: string;
    /** Price that builds the bars; default the engine's for the data kind (`last`, quotes `bid`). */
    readonly priceSource?: PriceSource;
    /** Further timeframes the engine keeps (a run's own set); frames list only `timeframes`. */
    readonly engineTimeframes?: readonly string[];
    /** Completed bars the re-simulating engine keeps; the largest window a frame can ask for. */
    readonly depth?: number;
}

/** Session ticks ready for the engine, with float times for searching. */
interface SessionTicks extends TickBatch {
    readonly times: Float64Array;
    readonly count: number;
}

export class ReplaySession {
    readonly timeframes: readonly string[];
    readonly priceSource: PriceSource;
    readonly session: string;
    readonly maxWindow: number;
    protected readonly engine: ReplayEngine;
    /** Engine timeframe index of each requested timeframe. */
    protected readonly engineIndex: number[];
    /** Per engine timeframe: completed bars of the whole data and the tick that completed each. */
    protected bars: ChartBarColumns[] = [];
    protected completionTicks: Float64Array[] = [];
    protected sessionFirstTick = new Float64Array(0);
    protected sessionFirstTime = new Float64Array(0);
    protected sessionCount = 0;
    protected totalTicks = 0;
    protected readonly cache = new Map<number, SessionTicks>();
    protected readonly cacheSize = 4;

    constructor(protected readonly source: ReplayTickSource, options: ReplaySessionOptions) {
        for (const tf of options.timeframes) {
            if (isTimeframe(tf) && parseTimeframe(tf).days > 1) {
                throw new Error(`Replay timeframe ${tf}: multi-day timeframes are not supported (use intraday ones or 1D).`);
            }
        }
        this.timeframes = [...options.timeframes];
        // bars are replayed along their path: one price per point, as the engine runs them
        this.priceSource = source.kind === 'bars' ? 'last' : options.priceSource ?? defaultPriceSource(source.kind);
        this.session = options.session ?? DEFAULT_SESSION;
        this.maxWindow = options.depth ?? 1000;
        const engineTimeframes = [...new Set([...options.timeframes, ...options.engineTimeframes ?? [], '1D'])];
        this.engine = new ReplayEngine({ timeframes: engineTimeframes, priceSource: this.priceSource, depth: this.maxWindow, session: this.session });
        this.engineIndex = this.timeframes.map(tf => this.engine.indexOf(tf));
    }

    get engineTimeframes(): readonly string[] {
        return this.engine.timeframes;
    }

    get tickCount(): number {
        return this.totalTicks;
    }

    get sessions(): number {
        return this.sessionCount;
    }

    /** Engine-ready ticks of [from, to): int64 times, prices. */
    protected async read(from: number, to: number): Promise<SessionTicks> {
        const scale = tickScale(this.source.tickSize);
        if (this.source.kind === 'bars') {
            const b = await this.source.readBars!(from, to);
            const p = (a: Float64Array): Float64Array => ticksToPrices(a, scale);
            const { price, size } = barPath({ open: p(b.open), high: p(b.high), low: p(b.low), close: p(b.close), volume: b.volume });
            const times = barPathTimes(b.time);
            return { count: times.length, times, time: toInt64Micros(times), price, size };
        }
        const t = await this.source.readTicks(from, to);
        return {
            count: t.count, times: t.time, time: toInt64Micros(t.time), size: t.size,
            price: t.price && ticksToPrices(t.price, scale),
            bid: t.bid && ticksToPrices(t.bid, scale),
            ask: t.ask && ticksToPrices(t.ask, scale)
        };
    }

    /** The indexing pass: the engine over every tick once, in windows of UTC days. */
    async prepare(): Promise<void> {
        const e = new ReplayEngine({ timeframes: this.engine.timeframes, priceSource: this.priceSource, depth: this.maxWindow, session: this.session });
        e.subscribeAllBarCloses();
        const n = e.timeframes.length;
        const builders = e.timeframes.map(() => new BarColumnsBuilder());
        const completions = e.timeframes.map(() => [] as number[]);
        const seen = new Array<number>(n).fill(0);
        const day = e.indexOf('1D');
        const firstTicks: number[] = [];
        const firstTimes: number[] = [];
        let offset = 0;
        const L = MTF_LAYOUT;
        for (let from = Math.floor(this.source.firstTime / DAY) * DAY; from <= this.source.lastTime; from += DAY) {
            const ticks = await this.read(from, from + DAY);
            if (ticks.count === 0) {
                continue;
            }
            if (offset === 0) {
                firstTicks.push(0);
                firstTimes.push(ticks.times[0]);
            }
            e.setBatch(ticks);
            let i = 0;
            do {
                i = e.run(i);
                if ((e.eventFlags & L.EV_BAR_CLOSE) !== 0) {
                    const at = offset + e.eventTick;
                    const daysBefore = seen[day];
                    for (let tf = 0; tf < n; tf++) {
                        const count = e.completedCount(tf);
                        for (let c = seen[tf]; c < count; c++) {
                            builders[tf].pushRecord(e, e.completedOffsetOf(tf, c));
                            completions[tf].push(at);
                        }
                        seen[tf] = count;
                    }
                    if (seen[day] > daysBefore) {
                        firstTicks.push(at);
                        firstTimes.push(ticks.times[e.eventTick]);
                    }
                }
            } while (i < ticks.count);
            offset += ticks.count;
        }
        this.bars = builders.map(b => b.build());
        this.completionTicks = completions.map(c => Float64Array.from(c));
        this.sessionFirstTick = Float64Array.from(firstTicks);
        this.sessionFirstTime = Float64Array.from(firstTimes);
        this.sessionCount = firstTicks.length;
        this.totalTicks = offset;
    }

    protected async sessionTicks(j: number): Promise<SessionTicks> {
        const cached = this.cache.get(j);
        if (cached) {
            this.cache.delete(j);
            this.cache.set(j, cached);
            return cached;
        }
        const to = j + 1 < this.sessionCount ? this.sessionFirstTime[j + 1] : this.source.lastTime + 1;
        const ticks = await this.read(this.sessionFirstTime[j], to);
        const expected = (j + 1 < this.sessionCount ? this.sessionFirstTick[j + 1] : this.totalTicks) - this.sessionFirstTick[j];
        if (ticks.count !== expected) {
            throw new Error(`Replay session ${j}: read ${ticks.count} ticks where the index counted ${expected}; the dataset changed, reopen the replay.`);
        }
        this.cache.set(j, ticks);
        if (this.cache.size > this.cacheSize) {
            this.cache.delete(this.cache.keys().next().value!);
        }
        return ticks;
    }

    protected clamp(tickIndex: number): number {
        return Math.max(0, Math.min(this.totalTicks - 1, Math.trunc(tickIndex)));
    }

    /** The engine's state after tick `tickIndex` with up to `window` completed bars per timeframe. */
    async frame(tickIndex: number, window: number): Promise<ReplayFrame> {
        if (this.totalTicks === 0) {
            throw new Error('The dataset has no ticks to replay.');
        }
        const started = performance.now();
        const k = this.clamp(tickIndex);
        const w = Math.max(0, Math.min(this.maxWindow, Math.trunc(window)));
        const j = sessionOfTick(this.sessionFirstTick, this.sessionCount, k);
        const s = this.sessionFirstTick[j];
        const ticks = await this.sessionTicks(j);
        const e = this.engine;
        e.reset();
        e.apply(ticks, 0, k - s + 1);
        const completed: ChartBarColumns[] = [];
        const completedCount: number[] = [];
        const partial = new BarColumnsBuilder();
        for (const tf of this.engineIndex) {
            const inSession = e.completedCount(tf);
            const fromEngine = Math.min(w, inSession);
            const prefixEnd = upperBound(this.completionTicks[tf], s);
            const fromIndex = Math.min(w - fromEngine, prefixEnd);
            const out = new BarColumnsBuilder();
            out.pushRows(this.bars[tf], prefixEnd - fromIndex, prefixEnd);
            e.pushNewest(tf, fromEngine, out);
            completed.push(out.build());
            completedCount.push(prefixEnd + inSession);
            const p = e.partialOffset(tf);
            if (p < 0) {
                partial.pushNone();
            } else {
                partial.pushRecord(e, p);
            }
        }
        const r = k - s;
        const price = this.priceAt(ticks, r);
        return {
            tickIndex: k, time: ticks.times[r], price, timeframes: this.timeframes, completed, completedCount,
            partial: partial.build(), resimulatedTicks: r + 1, computeMs: performance.now() - started
        };
    }

    /** The price of tick `r` of a session that builds the bars. */
    protected priceAt(ticks: SessionTicks, r: number): number {
        switch (this.priceSource) {
            case 'bid': return ticks.bid![r];
            case 'ask': return ticks.ask![r];
            case 'mid': return (ticks.bid![r] + ticks.ask![r]) * 0.5;
            default: return ticks.price ? ticks.price[r] : (ticks.bid![r] + ticks.ask![r]) * 0.5;
        }
    }

    /** Index of the last tick at or before `time`; -1 before the first tick. */
    async tickIndexAt(time: UnixMicros): Promise<number> {
        const j = upperBound(this.sessionFirstTime, time, this.sessionCount) - 1;
        if (j < 0) {
            return -1;
        }
        const ticks = await this.sessionTicks(j);
        return this.sessionFirstTick[j] + upperBound(ticks.times, time, ticks.count) - 1;
    }

    stepBar(tickIndex: number, timeframe: string, direction: 1 | -1): number {
        const tf = this.engine.indexOf(timeframe);
        const c = this.completionTicks[tf];
        return this.clamp(stepBarCursor(c, c.length, this.clamp(tickIndex), direction));
    }

    /** The last `limit` completed bars of a timeframe starting before `before`. */
    barsBefore(timeframe: string, before: UnixMicros, limit: number): ChartBarColumns {
        const bars = this.bars[this.engine.indexOf(timeframe)];
        const end = upperBound(bars.time, before - 1, bars.count);
        const out = new BarColumnsBuilder();
        out.pushRows(bars, Math.max(0, end - Math.max(0, Math.trunc(limit))), end);
        return out.build();
    }
}
