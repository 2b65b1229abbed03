import { expect } from 'chai';
import type { RunEventColumns, RunTradeColumns } from '@backtestr/data-import';
import { eventsAtTick, eventsKnownAt, tradeSegmentsAt } from './run-overlay-math';

const f = (xs: number[]): Float64Array => Float64Array.from(xs);

const events: RunEventColumns = {
    time: f([100, 100, 250, 400]), order: f([1, 1, 2, 2]), kind: ['accepted', 'filled', 'accepted', 'filled'],
    reason: ['OK', 'MARKET', 'OK', 'STOP'], seq: f([10, 11, 20, 31]), price: f([NaN, 5, NaN, 4]), qty: f([1, 1, 1, 1]),
    commission: f([0, 0, 0, 0]), reference: f([NaN, 5, NaN, 4]), position: f([0, 1, 1, 0]), realised: f([0, 0, 0, -1])
};

const trades: RunTradeColumns = {
    side: f([1, -1]), qty: f([1, 1]), entryTime: f([100, 500]), exitTime: f([400, 900]), entryPrice: f([5, 6]), exitPrice: f([4, 5]),
    pnl: f([-1, 1]), commission: f([0, 0]), slippage: f([0, 0]), mae: f([0, 0]), mfe: f([0, 0]), barsHeld: f([3, 4])
};

describe('run overlay at a replay cursor', () => {
    it('knows the events up to the cursor tick (not time: ticks share time stamps), and lists those of the cursor tick', () => {
        expect(eventsKnownAt(events, 8)).to.equal(0);
        expect(eventsKnownAt(events, 9)).to.equal(1);
        expect(eventsKnownAt(events, 10)).to.equal(2);
        expect(eventsKnownAt(events, 29)).to.equal(3);
        expect(eventsKnownAt(events, 30)).to.equal(4);
        expect(eventsAtTick(events, 10)).to.deep.equal([1]);
        expect(eventsAtTick(events, 30)).to.deep.equal([3]);
        expect(eventsAtTick(events, 5)).to.deep.equal([]);
    });

    it('cuts a trade still open at the cursor at the cursor, and never shows a later entry', () => {
        expect(tradeSegmentsAt(trades, 50, 60, 5)).to.deep.equal([]);
        expect(tradeSegmentsAt(trades, 250, 300, 4.5)).to.deep.equal([{ entryTime: 100, entryPrice: 5, side: 1, exitTime: 300, exitPrice: 4.5, pnl: undefined }]);
        // the exit at 400 shares its time with the cursor but is not known yet: still open
        expect(tradeSegmentsAt(trades, 250, 400, 4.2)[0].pnl).to.equal(undefined);
        const later = tradeSegmentsAt(trades, 500, 600, 5.5);
        expect(later.map(s => [s.exitTime, s.pnl])).to.deep.equal([[400, -1], [600, undefined]]);
    });
});
