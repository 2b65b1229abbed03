// *****************************************************************************
// Mean and central moments (up to the 4th) of a stream of numbers, O(1) per value.
// Welford's update extended to the 3rd and 4th moments (Pébay 2008, Terriberry),
// which stays accurate where power sums cancel catastrophically.
// *****************************************************************************

export class RunningMoments {
    /** Number of values. */
    n = 0;
    mean = 0;
    /** Sum of (x - mean)^2. */
    m2 = 0;
    /** Sum of (x - mean)^3. */
    m3 = 0;
    /** Sum of (x - mean)^4. */
    m4 = 0;

    add(x: number): void {
        const n1 = this.n;
        const n = n1 + 1;
        const delta = x - this.mean;
        const deltaN = delta / n;
        const deltaN2 = deltaN * deltaN;
        const term1 = delta * deltaN * n1;
        this.m4 += term1 * deltaN2 * (n * n - 3 * n + 3) + 6 * deltaN2 * this.m2 - 4 * deltaN * this.m3;
        this.m3 += term1 * deltaN * (n - 2) - 3 * deltaN * this.m2;
        this.m2 += term1;
        this.mean += deltaN;
        this.n = n;
    }

    clone(): RunningMoments {
        const c = new RunningMoments();
        c.n = this.n;
        c.mean = this.mean;
        c.m2 = this.m2;
        c.m3 = this.m3;
        c.m4 = this.m4;
        return c;
    }

    /** Sample variance, sum((x - mean)^2) / (n - 1); undefined below two values. */
    sampleVariance(): number | undefined {
        return this.n < 2 ? undefined : this.m2 / (this.n - 1);
    }

    /** Population skewness g1 = m3 / m2^1.5 with m_k = sum((x - mean)^k) / n. */
    skewness(): number | undefined {
        if (this.n < 2 || this.m2 === 0) {
            return undefined;
        }
        return Math.sqrt(this.n) * this.m3 / Math.pow(this.m2, 1.5);
    }

    /** Population excess kurtosis g2 = m4 / m2^2 - 3 with m_k = sum((x - mean)^k) / n. */
    excessKurtosis(): number | undefined {
        if (this.n < 2 || this.m2 === 0) {
            return undefined;
        }
        return this.n * this.m4 / (this.m2 * this.m2) - 3;
    }
}
