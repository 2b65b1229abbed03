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
});
