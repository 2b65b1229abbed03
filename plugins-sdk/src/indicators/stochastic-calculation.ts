import { ExactWindow } from './exact-window';
import { priceUnits } from './price-units';
import { RollingExtreme } from './rolling-extreme';
import { requireOrderedBar } from './true-range';

export interface StochasticValue {
    /** Slow %K: the `slowing`-bar mean of fast %K. */
    readonly k: number;
    /** %D: the `dPeriod`-bar mean of slow %K. */
    readonly d: number;
}

/**
 * Slow stochastic oscillator, as TA-Lib's STOCH with simple-average smoothing: fast %K = 100 *
 * (close - lowest low) / (highest high - lowest low) over `kPeriod` bars (current bar included), slow %K =
 * SMA(fast %K, slowing), %D = SMA(slow %K, dPeriod); the first value is at bar kPeriod + slowing + dPeriod - 2.
 *
 * Deterministic: highs, lows and closes are exact integers of 1e-8 units, so the range and the distance
 * from the low are exact; the two smoothing averages are the SDK's exact window sums over %K values
 * rounded to 1e-8 points (an error below 5e-9 on the 0..100 scale), so they never drift and equal windows
 * give equal values. O(1) per update (amortised for the highest/lowest deques).
 * Differs from TA-Lib: when the highest high equals the lowest low (no range) fast %K is 50; TA-Lib gives 0.
 */
export class StochasticCalculation {

    protected readonly highest: RollingExtreme;
    protected readonly lowest: RollingExtreme;
    protected readonly slowK: ExactWindow;
    protected readonly slowD: ExactWindow;

    constructor(readonly kPeriod: number, readonly slowing: number, readonly dPeriod: number) {
        for (const [name, value] of [['kPeriod', kPeriod], ['slowing', slowing], ['dPeriod', dPeriod]] as const) {
            if (!Number.isInteger(value) || value < 1) {
                throw new Error(`Stochastic ${name} must be a positive integer, got ${value}.`);
            }
        }
        this.highest = new RollingExtreme(kPeriod, 'max');
        this.lowest = new RollingExtreme(kPeriod, 'min');
        this.slowK = new ExactWindow(slowing);
        this.slowD = new ExactWindow(dPeriod);
    }

    update(high: number, low: number, close: number): StochasticValue | undefined {
        const [h, l, c] = this.units(high, low, close);
        const hh = this.highest.update(h);
        const ll = this.lowest.update(l);
        if (hh === undefined || ll === undefined) {
            return undefined;
        }
        const k = this.slowK.update(fastK(c, hh, ll));
        if (k === undefined) {
            return undefined;
        }
        const d = this.slowD.update(k);
        return d === undefined ? undefined : { k, d };
    }

    peek(high: number, low: number, close: number): StochasticValue | undefined {
        const [h, l, c] = this.units(high, low, close);
        const hh = this.highest.peek(h);
        const ll = this.lowest.peek(l);
        if (hh === undefined || ll === undefined) {
            return undefined;
        }
        const k = this.slowK.peek(fastK(c, hh, ll));
        if (k === undefined) {
            return undefined;
        }
        const d = this.slowD.peek(k);
        return d === undefined ? undefined : { k, d };
    }

    protected units(high: number, low: number, close: number): [number, number, number] {
        const h = priceUnits(high, 'Stochastic high');
        const l = priceUnits(low, 'Stochastic low');
        requireOrderedBar('Stochastic', h, l);
        return [h, l, priceUnits(close, 'Stochastic close')];
    }
}

function fastK(close: number, highest: number, lowest: number): number {
    const range = highest - lowest;
    return range === 0 ? 50 : 100 * (close - lowest) / range;
}
