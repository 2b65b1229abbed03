import { SmaCalculation } from '../sma-calculation';

/**
 * The SDK's SmaCalculation (exact running sum of 1e-8 units over a ring of `period` values) with what the
 * other built-ins need on top of it: the value that leaves next, a side-effect-free `peek`, and the exact
 * sums other statistics are built from. O(1) per update; the ring never holds more than `period` values.
 */
export class ExactWindow extends SmaCalculation {

    /** `value` in the window's integer units (the rounding SmaCalculation.update applies). */
    static units(value: number, what: string): bigint {
        if (!Number.isFinite(value)) {
            throw new Error(`${what} must be a finite number, got ${value}.`);
        }
        return BigInt(Math.round(value * SmaCalculation.SCALE));
    }

    /** The mean of an exact unit sum over `count` values, computed exactly as SmaCalculation does. */
    static mean(sum: bigint, count: number): number {
        return Number(sum) / SmaCalculation.SCALE / count;
    }

    get count(): number {
        return this.window.length;
    }

    get isFull(): boolean {
        return this.window.length === this.period;
    }

    /** Units that leave the window on the next update (0n while it is still filling). */
    get outgoing(): bigint {
        return this.isFull ? BigInt(this.window[this.next]) : 0n;
    }

    /** The exact sum the window would hold after folding in `units`, without folding it in. */
    peekSum(units: bigint): bigint {
        return this.exactSum - this.outgoing + units;
    }

    /** What `update(value)` would return, without changing the window. */
    peek(value: number): number | undefined {
        const units = ExactWindow.units(value, 'SMA input');
        if (this.window.length + 1 < this.period) {
            return undefined;
        }
        return ExactWindow.mean(this.peekSum(units), this.period);
    }
}
