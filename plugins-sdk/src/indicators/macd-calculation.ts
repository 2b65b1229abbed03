import { EmaCalculation } from './ema-calculation';

export interface MacdValue {
    /** Fast EMA - slow EMA. */
    readonly macd: number;
    /** EMA of the MACD line over `signalPeriod`. */
    readonly signal: number;
    /** macd - signal. */
    readonly histogram: number;
}

/**
 * How the fast EMA is seeded. 'independent' (default): the fast and the slow EMA are the SDK's EMA from the
 * first input, so the MACD line is exactly EMA(fast) - EMA(slow) as a chart shows them (TradingView's
 * `ta.macd`). 'aligned': the fast EMA skips the first slow - fast inputs so that both EMAs are seeded on
 * the same bar, which is what TA-Lib's MACD does.
 */
export type MacdSeeding = 'independent' | 'aligned';

/**
 * Moving Average Convergence/Divergence: MACD = EMA(fast) - EMA(slow), signal = EMA(MACD, signalPeriod)
 * seeded with the mean of the first `signalPeriod` MACD values, histogram = MACD - signal. A value exists
 * once the signal does: at input slow + signal - 1 (TA-Lib's first output too).
 *
 * Deterministic: three EMAs, each a fixed order of double operations (see EmaCalculation).
 * Differs from TA-Lib by default: TA-Lib seeds the fast EMA on the slow EMA's first bar ('aligned'), so its
 * first MACD values differ from EMA(12) - EMA(26); the difference decays by (1 - 2/(fast+1)) per bar.
 */
export class MacdCalculation {

    protected readonly fast: EmaCalculation;
    protected readonly slow: EmaCalculation;
    protected readonly signal: EmaCalculation;
    protected inputs = 0;
    protected readonly fastSkips: number;

    constructor(readonly fastPeriod: number, readonly slowPeriod: number, readonly signalPeriod: number, readonly seeding: MacdSeeding = 'independent') {
        if (!Number.isInteger(fastPeriod) || !Number.isInteger(slowPeriod) || fastPeriod < 1 || slowPeriod <= fastPeriod) {
            throw new Error(`MACD periods must be integers with 1 <= fast < slow, got fast ${fastPeriod}, slow ${slowPeriod}.`);
        }
        if (seeding !== 'independent' && seeding !== 'aligned') {
            throw new Error(`MACD seeding must be 'independent' or 'aligned', got '${seeding}'.`);
        }
        this.fast = new EmaCalculation(fastPeriod);
        this.slow = new EmaCalculation(slowPeriod);
        this.signal = new EmaCalculation(signalPeriod);
        this.fastSkips = seeding === 'aligned' ? slowPeriod - fastPeriod : 0;
    }

    update(x: number): MacdValue | undefined {
        const fast = this.inputs < this.fastSkips ? undefined : this.fast.update(x);
        const slow = this.slow.update(x);
        this.inputs++;
        if (fast === undefined || slow === undefined) {
            return undefined;
        }
        const macd = fast - slow;
        const signal = this.signal.update(macd);
        return signal === undefined ? undefined : { macd, signal, histogram: macd - signal };
    }

    peek(x: number): MacdValue | undefined {
        const fast = this.inputs < this.fastSkips ? undefined : this.fast.peek(x);
        const slow = this.slow.peek(x);
        if (fast === undefined || slow === undefined) {
            return undefined;
        }
        const macd = fast - slow;
        const signal = this.signal.peek(macd);
        return signal === undefined ? undefined : { macd, signal, histogram: macd - signal };
    }
}
