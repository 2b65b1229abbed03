/**
 * Simple moving average over the last `period` values, O(1) per update.
 *
 * Deterministic sums: the running sum is kept as an exact integer count of 1e-8 units
 * (prices are decimal numbers on a tick grid), so adding and removing values never
 * accumulates floating-point error and two equal windows always give bit-equal averages:
 * a fast and a slow average of the same prices tie exactly when their sums tie.
 */
export class SmaCalculation {

    protected readonly window: bigint[] = [];
    protected sum = 0n;
    protected next = 0;

    constructor(readonly period: number) {
        if (!Number.isInteger(period) || period < 1) {
            throw new Error(`SMA period must be a positive integer, got ${period}.`);
        }
    }

    static readonly SCALE = 100_000_000;

    update(value: number): number | undefined {
        if (!Number.isFinite(value)) {
            throw new Error(`SMA input must be a finite number, got ${value}.`);
        }
        const scaled = BigInt(Math.round(value * SmaCalculation.SCALE));
        if (this.window.length < this.period) {
            this.window.push(scaled);
        } else {
            this.sum -= this.window[this.next];
            this.window[this.next] = scaled;
            this.next = (this.next + 1) % this.period;
        }
        this.sum += scaled;
        return this.window.length < this.period ? undefined : this.current();
    }

    /** Exact sum of the window in 1e-8 units; compare these, not the float averages, to detect ties. */
    get exactSum(): bigint {
        return this.sum;
    }

    protected current(): number {
        return Number(this.sum) / SmaCalculation.SCALE / this.period;
    }
}
