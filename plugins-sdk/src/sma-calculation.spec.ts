import { expect } from 'chai';
import { SmaCalculation } from './sma-calculation';

describe('SmaCalculation', () => {
    it('is undefined while warming up, then the mean of the last period values', () => {
        const sma = new SmaCalculation(3);
        expect(sma.update(1.1)).to.equal(undefined);
        expect(sma.update(1.2)).to.equal(undefined);
        expect(sma.update(1.3)).to.be.closeTo(1.2, 1e-12);
        expect(sma.update(1.7)).to.be.closeTo((1.2 + 1.3 + 1.7) / 3, 1e-12);
    });

    it('keeps exact sums: the same window reached by different paths gives the same bits', () => {
        const a = new SmaCalculation(2);
        const b = new SmaCalculation(2);
        [1.08123, 1.08127, 1.08119, 1.08131].forEach(v => a.update(v));
        let last: number | undefined;
        [1.08119, 1.08131].forEach(v => { last = b.update(v); });
        expect(a.exactSum).to.equal(b.exactSum);
        expect(a.update(1.0)).to.equal(b.update(1.0));
        expect(last).to.equal((1.08119 + 1.08131) / 2);
    });

    it('rejects a bad period and non-finite input with a message naming the problem', () => {
        expect(() => new SmaCalculation(0)).to.throw('positive integer');
        expect(() => new SmaCalculation(3).update(NaN)).to.throw('finite');
    });

    it('gives the sums, averages and comparisons of an all-BigInt reference, also past the safe-integer range', () => {
        // A reference with the sum kept as a BigInt throughout (the former implementation).
        class Reference {
            readonly window: bigint[] = [];
            sum = 0n;
            next = 0;
            constructor(readonly period: number) { }
            update(value: number): number | undefined {
                const scaled = BigInt(Math.round(value * SmaCalculation.SCALE));
                if (this.window.length < this.period) {
                    this.window.push(scaled);
                } else {
                    this.sum -= this.window[this.next];
                    this.window[this.next] = scaled;
                    this.next = (this.next + 1) % this.period;
                }
                this.sum += scaled;
                return this.window.length < this.period ? undefined : Number(this.sum) / SmaCalculation.SCALE / this.period;
            }
        }
        let seed = 12345;
        const random = (): number => {
            seed = (seed * 1103515245 + 12345) % 2147483648;
            return seed / 2147483648;
        };
        // Prices on a 1e-5 grid with many ties, then ones so large that the sums (and later single values) leave 2^53.
        const prices: number[] = [];
        for (let i = 0; i < 3000; i++) {
            prices.push(Math.round((1.1 + Math.floor(random() * 6) * 0.0001) * 1e5) / 1e5);
        }
        for (let i = 0; i < 400; i++) {
            prices.push(i < 200 ? 3e6 + Math.floor(random() * 4) : 2e8 * (1 + Math.floor(random() * 3)));
        }
        for (let i = 0; i < 400; i++) {
            prices.push(-1.25 + Math.floor(random() * 3) * 0.5);
        }
        const fast = new SmaCalculation(3);
        const slow = new SmaCalculation(7);
        const rf = new Reference(3);
        const rs = new Reference(7);
        let ties = 0;
        let big = 0;
        for (const p of prices) {
            expect(fast.update(p)).to.equal(rf.update(p));
            expect(slow.update(p)).to.equal(rs.update(p));
            expect(fast.exactSum).to.equal(rf.sum);
            expect(slow.exactSum).to.equal(rs.sum);
            const a = rf.sum * 7n;
            const b = rs.sum * 3n;
            const expected = a > b ? 1 : a < b ? -1 : 0;
            expect(fast.compareTo(slow)).to.equal(expected);
            expect(slow.compareTo(fast)).to.equal(-expected);
            ties += expected === 0 ? 1 : 0;
            big += rs.sum * 3n > BigInt(Number.MAX_SAFE_INTEGER) ? 1 : 0;
        }
        expect(ties).to.be.greaterThan(10);
        expect(big).to.be.greaterThan(10);
    });
});
