import { PRICE_SCALE, priceUnits } from './price-units';
import { requireOrderedBar, trueRangeUnits } from './true-range';

/**
 * Average True Range with Wilder's smoothing, as TA-Lib's ATR: the true range needs the previous close, so
 * the first input only primes it; the first ATR is the simple mean of the first `period` true ranges (at
 * the (period+1)-th bar), then atr = (atr * (period - 1) + tr) / period.
 *
 * Deterministic: true ranges are exact integers of 1e-8 units (max/abs of integer differences, so equal
 * ranges compare equal), the seed is an exact integer sum, and the smoothing runs in TA-Lib's order of
 * double operations on units, divided by 1e8 once at the end.
 * Differs from Wilder's book and TradingView, which count the first bar's high - low as its true range
 * (their first ATR is one bar earlier and slightly different); TA-Lib and we skip it.
 */
export class AtrCalculation {

    protected previousClose: number | undefined;
    protected ranges = 0;
    protected seedUnits = 0;
    protected average = 0;
    protected nextAverage = 0;

    constructor(readonly period: number) {
        if (!Number.isInteger(period) || period < 1) {
            throw new Error(`ATR period must be a positive integer, got ${period}.`);
        }
    }

    update(high: number, low: number, close: number): number | undefined {
        const h = priceUnits(high, 'ATR high');
        const l = priceUnits(low, 'ATR low');
        const value = this.advance(h, l);
        if (this.previousClose !== undefined) {
            if (this.ranges < this.period) {
                this.seedUnits += trueRangeUnits(h, l, this.previousClose);
            }
            this.ranges++;
            this.average = this.nextAverage;
        }
        this.previousClose = priceUnits(close, 'ATR close');
        return value;
    }

    peek(high: number, low: number, close: number): number | undefined {
        priceUnits(close, 'ATR close');
        return this.advance(priceUnits(high, 'ATR high'), priceUnits(low, 'ATR low'));
    }

    protected advance(h: number, l: number): number | undefined {
        requireOrderedBar('ATR', h, l);
        if (this.previousClose === undefined || this.ranges + 1 < this.period) {
            return undefined;
        }
        const tr = trueRangeUnits(h, l, this.previousClose);
        const p = this.period;
        this.nextAverage = this.ranges + 1 === p ? (this.seedUnits + tr) / p : (this.average * (p - 1) + tr) / p;
        return this.nextAverage / PRICE_SCALE;
    }
}
