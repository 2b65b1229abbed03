/**
 * Simple moving average over the last `period` values, O(1) per update.
 *
 * Deterministic sums: the running sum is kept as an exact integer count of 1e-8 units
 * (prices are decimal numbers on a tick grid), so adding and removing values never
 * accumulates floating-point error and two equal windows always give bit-equal averages:
 * a fast and a slow average of the same prices tie exactly when their sums tie.
 *
 * The sum is an integer-valued Number while it stays a safe integer (|sum| < 2^53, e.g. prices
 * below 9e7 / period), which is exact: an addition of safe integers whose exact result is a
 * safe integer is exact in IEEE arithmetic, and one whose exact result is not comes out at
 * 2^53 or beyond, which the check after each operation sees. From the first sum (or value)
 * outside that range on, the window is summed as a BigInt. Either way the sums are the same
 * integers and the averages the same bits.
 */
export class SmaCalculation {

    /** The last `period` values in 1e-8 units (integer-valued numbers), a ring once full. */
    protected readonly window: number[] = [];
    /** The exact sum while it is a safe integer and `big` is undefined. */
    protected small = 0;
    /** The exact sum once it (or a value) left the safe-integer range; from then on this is the sum. */
    protected big: bigint | undefined;
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
        const scaled = Math.round(value * SmaCalculation.SCALE);
        if (!Number.isFinite(scaled)) {
            throw new RangeError(`SMA input ${value} is too large for 1e-8 units.`);
        }
        const full = this.window.length === this.period;
        const outgoing = full ? this.window[this.next] : 0;
        if (full) {
            this.window[this.next] = scaled;
            this.next = this.next + 1 === this.period ? 0 : this.next + 1;
        } else {
            this.window.push(scaled);
        }
        if (this.big === undefined) {
            const sum = this.small - outgoing + scaled;
            // Safe operands and a safe result: every step was exact (see the class comment).
            if (Number.isSafeInteger(scaled) && Number.isSafeInteger(sum) && Number.isSafeInteger(this.small - outgoing)) {
                this.small = sum;
            } else {
                this.big = BigInt(this.small) - BigInt(outgoing) + BigInt(scaled);
            }
        } else {
            this.big = this.big - BigInt(outgoing) + BigInt(scaled);
        }
        return this.window.length < this.period ? undefined : this.current();
    }

    /** Exact sum of the window in 1e-8 units; compare these, not the float averages, to detect ties. */
    get exactSum(): bigint {
        return this.big ?? BigInt(this.small);
    }

    /**
     * The sign of this average minus `other`'s, compared exactly: `this.exactSum * other.period`
     * against `other.exactSum * this.period` (-1, 0 or 1), without a BigInt while the products
     * are safe integers. Compares the sums as they are, full windows or not.
     */
    compareTo(other: SmaCalculation): number {
        if (this.big === undefined && other.big === undefined) {
            const a = this.small * other.period;
            const b = other.small * this.period;
            // Integer products: exact when the result is a safe integer, >= 2^53 in size otherwise.
            if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
                return a > b ? 1 : a < b ? -1 : 0;
            }
        }
        const a = this.exactSum * BigInt(other.period);
        const b = other.exactSum * BigInt(this.period);
        return a > b ? 1 : a < b ? -1 : 0;
    }

    protected current(): number {
        return (this.big === undefined ? this.small : Number(this.big)) / SmaCalculation.SCALE / this.period;
    }
}
