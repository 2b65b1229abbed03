// *****************************************************************************
// The data of one cut run of the look-ahead audit: the real dataset up to the cut, then a plausible
// but different continuation: the real ticks (or bars) after the cut, their times, spacing, spreads,
// step sizes and volumes kept, with every price reflected around the last price before the cut.
// Prices stay on the instrument's tick grid (they are reflected in whole ticks) and at least one
// tick; bars keep high >= open, close >= low (high and low swap under the mirror); quotes keep
// bid <= ask (bid and ask swap). A strategy whose decisions before the cut depend on any of the data
// after it sees a future going the other way and acts differently.
// *****************************************************************************

import { tickScale } from '@backtestr/engine-core';
import { BacktestData, BacktestDataset, DatasetKind, OhlcBatch, PriceBatch, UnixMicros } from '@backtestr/workspace-store';

/** Reflects prices around an anchor, in whole ticks of the grid. */
class PriceMirror {
    protected readonly mantissa: number;
    protected readonly divisor: number;
    /** The anchor, twice, in ticks (so a quote's mid, a half tick, stays exact). */
    protected twiceAnchor = Number.NaN;

    constructor(tickSize: number) {
        const scale = tickScale(tickSize);
        this.mantissa = scale.mantissa;
        this.divisor = scale.divisor;
    }

    get anchored(): boolean {
        return !Number.isNaN(this.twiceAnchor);
    }

    /** `twice` is twice the anchor price (e.g. bid + ask). */
    anchor(twice: number): void {
        this.twiceAnchor = Math.round(twice * this.divisor / this.mantissa);
    }

    reflect(price: number): number {
        const ticks = Math.round(price * this.divisor / this.mantissa);
        return Math.max(this.twiceAnchor - ticks, 1) * this.mantissa / this.divisor;
    }
}

/** The first index of `time` at or after `cut` (times ascending). */
function firstAtOrAfter(time: BigInt64Array, cut: bigint): number {
    let lo = 0;
    let hi = time.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (time[mid] < cut) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

export class PerturbedBacktestData implements BacktestData {
    constructor(protected readonly real: BacktestData, readonly cut: UnixMicros) { }

    resolve(symbol: string, kind?: DatasetKind): Promise<BacktestDataset> {
        return this.real.resolve(symbol, kind);
    }

    async *streamTicks(target: BacktestDataset, options?: { from?: UnixMicros; to?: UnixMicros; batchRows?: number }): AsyncGenerator<PriceBatch> {
        const cut = BigInt(this.cut);
        const mirror = new PriceMirror(target.instrument.tickSize);
        for await (const batch of this.real.streamTicks(target, options)) {
            const start = firstAtOrAfter(batch.time, cut);
            if (!mirror.anchored && start > 0) {
                // The last price before the cut so far (the anchor is fixed once the cut is reached).
                const i = Math.min(start, batch.time.length) - 1;
                mirror.anchor(batch.price ? 2 * batch.price[i] : batch.bid![i] + batch.ask![i]);
            }
            if (start < batch.time.length) {
                if (!mirror.anchored) {
                    // The cut is before the first tick: anchor on it.
                    mirror.anchor(batch.price ? 2 * batch.price[0] : batch.bid![0] + batch.ask![0]);
                }
                const price = batch.price && new Float64Array(batch.price);
                const bid = batch.bid && new Float64Array(batch.bid);
                const ask = batch.ask && new Float64Array(batch.ask);
                for (let i = start; i < batch.time.length; i++) {
                    if (price) {
                        price[i] = mirror.reflect(batch.price![i]);
                    }
                    if (bid && ask) {
                        // The mirror swaps the sides, so the spread stays the same and positive.
                        bid[i] = mirror.reflect(batch.ask![i]);
                        ask[i] = Math.max(mirror.reflect(batch.bid![i]), bid[i]);
                    }
                }
                yield { time: batch.time, size: batch.size, price, bid, ask };
            } else {
                yield batch;
            }
        }
    }

    readBars(target: BacktestDataset, timeframe: string, from?: UnixMicros, to?: UnixMicros): Promise<OhlcBatch> {
        // Charts and indicators' own reads, never a run's ticks; a cut run has none.
        return this.real.readBars(target, timeframe, from, to);
    }

    async *streamBars(target: BacktestDataset, options?: { from?: UnixMicros; to?: UnixMicros }): AsyncGenerator<OhlcBatch> {
        const cut = BigInt(this.cut);
        const mirror = new PriceMirror(target.instrument.tickSize);
        for await (const bars of this.real.streamBars(target, options)) {
            const start = firstAtOrAfter(bars.time, cut);
            if (!mirror.anchored && start > 0) {
                mirror.anchor(2 * bars.close[Math.min(start, bars.time.length) - 1]);
            }
            if (start >= bars.time.length) {
                yield bars;
                continue;
            }
            if (!mirror.anchored) {
                mirror.anchor(2 * bars.open[0]);
            }
            const open = new Float64Array(bars.open);
            const high = new Float64Array(bars.high);
            const low = new Float64Array(bars.low);
            const close = new Float64Array(bars.close);
            for (let i = start; i < bars.time.length; i++) {
                open[i] = mirror.reflect(bars.open[i]);
                close[i] = mirror.reflect(bars.close[i]);
                high[i] = Math.max(mirror.reflect(bars.low[i]), open[i], close[i]);
                low[i] = Math.min(mirror.reflect(bars.high[i]), open[i], close[i]);
            }
            yield { time: bars.time, open, high, low, close, volume: bars.volume };
        }
    }
}
