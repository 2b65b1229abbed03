import { priceUnits } from './price-units';

/**
 * Relative Strength Index with Wilder's smoothing, as TA-Lib's default RSI: the first value is at the
 * (period+1)-th input, from the simple means of the first `period` gains and losses; afterwards
 * avg = (avg * (period - 1) + x) / period. RSI = 100 * avgGain / (avgGain + avgLoss).
 *
 * Deterministic: each change is taken on the 1e-8 grid as an exact integer (so "up", "down" and "flat"
 * are decided exactly, never by a rounding of x - prev), the seed sums are exact integers, and the
 * smoothing runs in a fixed order of double operations.
 * Differs from TA-Lib: when there was neither a gain nor a loss (a flat market) the RSI is 50 (TA-Lib
 * returns 0, TradingView 100); TA-Lib treats |sum| < 1e-14 as zero, we test for exact zero.
 */
export class RsiCalculation {

    protected previous: number | undefined;
    protected changes = 0;
    protected gainUnits = 0;
    protected lossUnits = 0;
    protected avgGain = 0;
    protected avgLoss = 0;
    /** Scratch results of `advance`, committed by `update` only. */
    protected nextGain = 0;
    protected nextLoss = 0;

    constructor(readonly period: number) {
        if (!Number.isInteger(period) || period < 1) {
            throw new Error(`RSI period must be a positive integer, got ${period}.`);
        }
    }

    update(x: number): number | undefined {
        const units = priceUnits(x, 'RSI input');
        const value = this.advance(units);
        if (this.previous !== undefined) {
            if (this.changes < this.period) {
                const change = units - this.previous;
                this.gainUnits += change > 0 ? change : 0;
                this.lossUnits += change < 0 ? -change : 0;
            }
            this.changes++;
            this.avgGain = this.nextGain;
            this.avgLoss = this.nextLoss;
        }
        this.previous = units;
        return value;
    }

    peek(x: number): number | undefined {
        return this.advance(priceUnits(x, 'RSI input'));
    }

    protected advance(units: number): number | undefined {
        if (this.previous === undefined) {
            return undefined;
        }
        const change = units - this.previous;
        const gain = change > 0 ? change : 0;
        const loss = change < 0 ? -change : 0;
        const p = this.period;
        if (this.changes + 1 < p) {
            return undefined;
        }
        if (this.changes + 1 === p) {
            this.nextGain = (this.gainUnits + gain) / p;
            this.nextLoss = (this.lossUnits + loss) / p;
        } else {
            this.nextGain = (this.avgGain * (p - 1) + gain) / p;
            this.nextLoss = (this.avgLoss * (p - 1) + loss) / p;
        }
        const total = this.nextGain + this.nextLoss;
        return total === 0 ? 50 : 100 * (this.nextGain / total);
    }
}
