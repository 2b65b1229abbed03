import { expect } from 'chai';
import { barPath, barPathTimes, barTicks } from './bar-path';

describe('bar-path: bars as the engine replays them', () => {
    // An up bar whose low is nearer the open, and a down bar whose high is.
    const bars = {
        time: BigInt64Array.from([60_000_000n, 120_000_000n]),
        open: Float64Array.from([10, 20]), high: Float64Array.from([12, 20.5]), low: Float64Array.from([9.5, 17]),
        close: Float64Array.from([11, 18]), volume: Float64Array.from([400, 8])
    };

    it('walks open, nearer extreme, farther extreme, close at the bar time, volume split evenly', () => {
        const t = barTicks(bars);
        expect(Array.from(t.price!)).to.deep.equal([10, 9.5, 12, 11, 20, 20.5, 17, 18]);
        expect(Array.from(t.size!)).to.deep.equal([100, 100, 100, 100, 2, 2, 2, 2]);
        expect(Array.from(t.time)).to.deep.equal([60_000_000n, 60_000_000n, 60_000_000n, 60_000_000n,
            120_000_000n, 120_000_000n, 120_000_000n, 120_000_000n]);
        expect(Object.keys(t), 'the batch a run gets').to.deep.equal(['time', 'price', 'size']);
    });

    it('gives the same point times as float64 (for searching) and int64 (for the engine)', () => {
        const float = barPathTimes(Float64Array.from([60_000_000, 2 ** 53 - 1]));
        const int = barPathTimes(BigInt64Array.from([60_000_000n, BigInt(2 ** 53 - 1)]));
        expect(float).to.be.instanceOf(Float64Array);
        expect(Array.from(float).map(BigInt)).to.deep.equal(Array.from(int));
        expect(barPath(bars).price.length).to.equal(8);
    });
});
