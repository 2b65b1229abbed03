import { ExactWindow } from './exact-window';
import { PRICE_SCALE } from './price-units';

export interface BollingerValue {
    readonly upper: number;
    readonly middle: number;
    readonly lower: number;
}

/**
 * Bollinger Bands: middle = SMA(period), upper/lower = middle +/- multiplier * population standard deviation
 * of the same `period` values (TA-Lib's BBANDS with its default SMA; TradingView's `ta.bb` too).
 *
 * Deterministic: the window sum and the sum of squares are exact integers (1e-8 units and their squares,
 * as BigInt), so variance = (n * sumSq - sum^2) / n^2 is computed without cancellation error and the bands
 * are a pure function of the last `period` values. TA-Lib computes mean(x^2) - mean(x)^2 in doubles, which
 * loses digits when the deviation is small against the price (FX minute bars); we agree with it within
 * its rounding.
 */
export class BollingerCalculation {

    protected readonly window: ExactWindow;
    protected sumOfSquares = 0n;

    constructor(readonly period: number, readonly multiplier: number) {
        this.window = new ExactWindow(period);
        if (!Number.isFinite(multiplier) || multiplier < 0) {
            throw new Error(`Bollinger multiplier must be a finite number >= 0, got ${multiplier}.`);
        }
    }

    update(x: number): BollingerValue | undefined {
        const units = ExactWindow.units(x, 'Bollinger input');
        const outgoing = this.window.outgoing;
        this.window.update(x);
        this.sumOfSquares += units * units - outgoing * outgoing;
        return this.window.isFull ? this.bands(this.window.exactSum, this.sumOfSquares) : undefined;
    }

    peek(x: number): BollingerValue | undefined {
        const units = ExactWindow.units(x, 'Bollinger input');
        if (this.window.count + 1 < this.period) {
            return undefined;
        }
        const outgoing = this.window.outgoing;
        return this.bands(this.window.peekSum(units), this.sumOfSquares + units * units - outgoing * outgoing);
    }

    protected bands(sum: bigint, sumOfSquares: bigint): BollingerValue {
        const n = BigInt(this.period);
        const middle = ExactWindow.mean(sum, this.period);
        const deviation = Math.sqrt(Number(n * sumOfSquares - sum * sum)) / this.period / PRICE_SCALE;
        const width = this.multiplier * deviation;
        return { upper: middle + width, middle, lower: middle - width };
    }
}
