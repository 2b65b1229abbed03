import { expect } from 'chai';
import {
    barIndexAt, initialBarCount, tailChange, olderBarsToLoad, parseSpeed, prependBars, sessionOfTick, sliceBars, stepBarCursor, ticksToAdvance, timeframeMicros, upperBound
} from './bar-math';
import { ChartBarColumns } from './replay-protocol';

function bars(times: number[]): ChartBarColumns {
    const f = (k: number): Float64Array => Float64Array.from(times.map(t => t + k));
    return { count: times.length, time: Float64Array.from(times), open: f(1), high: f(2), low: f(0), close: f(1.5), volume: f(10) };
}

describe('bar maths', () => {
    it('upperBound counts the values at or below x, with duplicates', () => {
        const v = [1, 2, 2, 2, 5];
        expect([0, 1, 2, 3, 5, 9].map(x => upperBound(v, x))).to.deep.equal([0, 1, 4, 4, 5, 5]);
        expect(upperBound(v, 5, 3)).to.equal(3);
    });

    it('finds the bar whose period holds an instant (crosshair sync between timeframes)', () => {
        const b = bars([0, 300, 600, 900]);
        expect(barIndexAt(b, -1)).to.equal(-1);
        expect(barIndexAt(b, 0)).to.equal(0);
        expect(barIndexAt(b, 299)).to.equal(0);
        expect(barIndexAt(b, 300)).to.equal(1);
        expect(barIndexAt(b, 10_000)).to.equal(3);
    });

    it('puts older bars in front without duplicating an overlapping bar', () => {
        const merged = prependBars(bars([0, 60, 120, 180]), bars([180, 240]));
        expect(Array.from(merged.time)).to.deep.equal([0, 60, 120, 180, 240]);
        expect(Array.from(merged.volume)).to.deep.equal([10, 70, 130, 190, 250]);
        expect(prependBars(bars([0]), bars([])).count).to.equal(1);
        expect(Array.from(sliceBars(merged, 1, 3).time)).to.deep.equal([60, 120]);
    });

    it('loads older bars only near the left edge and never after the history is exhausted', () => {
        expect(olderBarsToLoad(200, 300, false)).to.equal(0);
        expect(olderBarsToLoad(10, 300, false)).to.equal(500);
        expect(olderBarsToLoad(-5, 1200, false)).to.equal(1205);
        expect(olderBarsToLoad(10, 300, true)).to.equal(0);
        expect(initialBarCount(1200)).to.equal(1200);
        expect(initialBarCount(0)).to.equal(200);
    });

    it('steps the cursor one bar forward and back across completion ticks', () => {
        const c = [10, 20, 35];
        expect(stepBarCursor(c, 3, 0, 1)).to.equal(10);
        expect(stepBarCursor(c, 3, 10, 1)).to.equal(20);
        expect(stepBarCursor(c, 3, 25, -1)).to.equal(19);
        expect(stepBarCursor(c, 3, 19, 1)).to.equal(20);
        expect(stepBarCursor(c, 3, 5, -1)).to.equal(5);
        expect(stepBarCursor(c, 3, 40, 1)).to.equal(40);
        expect(sessionOfTick([0, 100, 250], 3, 99)).to.equal(0);
        expect(sessionOfTick([0, 100, 250], 3, 100)).to.equal(1);
        expect(sessionOfTick([0, 100, 250], 3, 999)).to.equal(2);
    });

    it('reads timeframe labels', () => {
        expect(['1m', '5m', '15m', '1H', '4H', '1D'].map(timeframeMicros)).to.deep.equal([60e6, 300e6, 900e6, 3600e6, 14400e6, 86400e6]);
        expect(() => timeframeMicros('1W')).to.throw('unknown timeframe "1W": use a whole number followed by s, m, H or D');
    });
});

describe('replay speed', () => {
    it('reads speed labels and turns elapsed time into whole ticks without drift', () => {
        expect(parseSpeed('10x')).to.deep.equal({ realTime: 10 });
        expect(parseSpeed('1000/s')).to.deep.equal({ ticksPerSecond: 1000 });
        expect(() => parseSpeed('fast')).to.throw(/Unknown replay speed/);
        let carry = 0, total = 0;
        for (let frame = 0; frame < 60; frame++) {
            const step = ticksToAdvance(10, 1000 / 60, carry);
            carry = step.carry;
            total += step.ticks;
        }
        expect(total).to.be.within(9, 10);
        expect(ticksToAdvance(100000, 16, 0).ticks).to.equal(1600);
    });
});

describe('line tail updates', () => {
    const f = (xs: number[]): Float64Array => Float64Array.from(xs);
    it('updates in place only the newest point or appended ones, otherwise redraws', () => {
        expect(tailChange(f([1, 2, 3]), f([5, 6, 7]), f([1, 2, 3]), f([5, 6, 8]))).to.equal(2);
        expect(tailChange(f([1, 2, 3]), f([5, 6, 7]), f([1, 2, 3, 4]), f([5, 6, 7.5, 9]))).to.equal(2);
        expect(tailChange(f([1, 2, 3]), f([5, NaN, 7]), f([1, 2, 3, 4]), f([5, NaN, 7, 9]))).to.equal(3);
        expect(tailChange(f([1, 2, 3]), f([5, 6, 7]), f([1, 2, 3]), f([5, 6.5, 7]))).to.equal(undefined);
        expect(tailChange(f([1, 2, 3]), f([5, 6, 7]), f([0, 1, 2, 3]), f([4, 5, 6, 7]))).to.equal(undefined);
        expect(tailChange(f([]), f([]), f([1]), f([1]))).to.equal(undefined);
        expect(tailChange(f([1, 2, 3]), f([5, 6, 7]), f([1, 2, 3, 4, 5, 6]), f([5, 6, 7, 8, 9, 10]))).to.equal(undefined);
    });
});
