/**
 * Exponential moving average, k = 2 / (period + 1), seeded with the simple mean of the first `period`
 * values (TA-Lib's default "classic" seeding; also TradingView's `ta.ema`). The first value is at the
 * `period`-th input. O(1) per update, no window kept.
 *
 * Deterministic: the seed is an add-only sum in input order (never subtracted from, so nothing drifts) and
 * each later step is `ema + (x - ema) * k` evaluated in that order (TA-Lib's order), so the same inputs
 * give the same bits. Values of an EMA depend on every input since the first one (no window): a state
 * started later gives other values until the difference has decayed, which is TA-Lib's "unstable period".
 */
export class EmaCalculation {

    readonly k: number;
    protected seedSum = 0;
    protected seeded = 0;
    protected value: number | undefined;

    constructor(readonly period: number) {
        if (!Number.isInteger(period) || period < 1) {
            throw new Error(`EMA period must be a positive integer, got ${period}.`);
        }
        this.k = 2 / (period + 1);
    }

    update(x: number): number | undefined {
        const next = this.peek(x);
        if (this.value === undefined) {
            this.seedSum += x;
            this.seeded++;
        }
        this.value = next;
        return next;
    }

    /** What `update(x)` would return, without changing the state. */
    peek(x: number): number | undefined {
        if (!Number.isFinite(x)) {
            throw new Error(`EMA input must be a finite number, got ${x}.`);
        }
        if (this.value !== undefined) {
            return (x - this.value) * this.k + this.value;
        }
        return this.seeded + 1 < this.period ? undefined : (this.seedSum + x) / this.period;
    }

    /** The last value, `undefined` while warming up. */
    get current(): number | undefined {
        return this.value;
    }
}
