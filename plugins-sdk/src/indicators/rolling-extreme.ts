/**
 * Highest (or lowest) of the last `period` values: a monotonic deque kept in two fixed rings, so each
 * update is amortised O(1) (every value enters and leaves the deque once) and memory is `period` slots.
 * Comparisons are on the raw doubles, which is exact: no arithmetic happens before the comparison.
 */
export class RollingExtreme {

    protected readonly values: Float64Array;
    protected readonly positions: Float64Array;
    /** Ring index of the deque's front (the current extreme) and the number of entries in the deque. */
    protected head = 0;
    protected size = 0;
    /** How many values have been folded in; the next value gets this position. */
    protected seen = 0;
    protected readonly sign: number;

    constructor(readonly period: number, readonly kind: 'max' | 'min') {
        if (!Number.isInteger(period) || period < 1) {
            throw new Error(`Rolling ${kind} period must be a positive integer, got ${period}.`);
        }
        this.values = new Float64Array(period);
        this.positions = new Float64Array(period);
        this.sign = kind === 'max' ? 1 : -1;
    }

    /** Folds in `value`; the extreme of the last `period` values, `undefined` until `period` values were seen. */
    update(value: number): number | undefined {
        if (Number.isNaN(value)) {
            throw new Error(`Rolling ${this.kind} input must be a number, got NaN.`);
        }
        const cap = this.period;
        // Drop the front when it falls out of the window that ends at the new value.
        if (this.size > 0 && this.positions[this.head] <= this.seen - cap) {
            this.head = (this.head + 1) % cap;
            this.size--;
        }
        // Drop dominated entries from the back (ties: the newer equal value replaces the older one).
        const s = this.sign;
        while (this.size > 0) {
            const back = (this.head + this.size - 1) % cap;
            if (s * this.values[back] > s * value) {
                break;
            }
            this.size--;
        }
        const slot = (this.head + this.size) % cap;
        this.values[slot] = value;
        this.positions[slot] = this.seen;
        this.size++;
        this.seen++;
        return this.seen < cap ? undefined : this.values[this.head];
    }

    /** What `update(value)` would return, without changing the deque. */
    peek(value: number): number | undefined {
        if (this.seen + 1 < this.period) {
            return undefined;
        }
        let extreme = value;
        for (let i = 0; i < this.size && i < 2; i++) {
            const slot = (this.head + i) % this.period;
            // Only the front can fall out of the window; the first surviving entry is the extreme of the rest.
            if (this.positions[slot] > this.seen - this.period) {
                if (this.sign * this.values[slot] > this.sign * extreme) {
                    extreme = this.values[slot];
                }
                break;
            }
        }
        return extreme;
    }
}
