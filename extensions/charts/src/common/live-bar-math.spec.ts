import { expect } from 'chai';
import { firstNewBar, GrowingBars, newRowsFrom } from './live-bar-math';

const bars = (times: number[]): { time: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array } => {
    const t = Float64Array.from(times);
    return { time: t, open: t.map(x => x + 1), high: t.map(x => x + 2), low: t.map(x => x - 1), close: t.map(x => x + 0.5), volume: t.map(() => 10) };
};

describe('live bar maths', () => {
    it('appends pushed bars after those held, never twice (a snapshot and the next push overlap)', () => {
        const held = new GrowingBars(2);
        const snapshot = bars([60, 120, 180]);
        held.append(snapshot, firstNewBar(snapshot, 3, held.lastTime), 3);
        const push = bars([120, 180, 240, 300]);
        held.append(push, firstNewBar(push, 4, held.lastTime), 4);
        const v = held.view();
        expect(Array.from(v.time)).to.deep.equal([60, 120, 180, 240, 300]);
        expect(Array.from(v.open)).to.deep.equal([61, 121, 181, 241, 301]);
        held.trimTo(2);
        expect(Array.from(held.view().time)).to.deep.equal([240, 300]);
        expect(Array.from(held.tail(1).close)).to.deep.equal([300.5]);
    });

    it('finds the new rows of pushed fills or trades by their running totals', () => {
        // 5 so far, the push carries the last 2, the view holds 3: both are new
        expect(newRowsFrom(5, 2, 3)).to.equal(0);
        // the view holds 4 (a snapshot taken after the first of them): only the last is new
        expect(newRowsFrom(5, 2, 4)).to.equal(1);
        // the view holds all
        expect(newRowsFrom(5, 2, 5)).to.equal(2);
        expect(newRowsFrom(5, 0, 5)).to.equal(0);
    });
});
