import { expect } from 'chai';
import type { RunEventColumns, RunOrderColumns, RunTradeColumns } from '@backtestr/workspace-store';
import {
    adjacentEventTick, adjacentTick, eventsAtTick, eventsKnownAt, seriesKnownAt, tradeEntryTicks, tradeSegmentsAt, workingLevelsAt
} from './run-overlay-math';

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

    it('never lists an event stamped after the cursor: an order of a bar-close wake-up is known at the closing tick, not the tick before', () => {
        // Order 3 was sent when the tick at time 600 closed a bar, before that tick was applied: seq 40 (the tick
        // before, at time 550), time 600 (the closing tick's). Then it filled on the closing tick (seq 41).
        const closing: RunEventColumns = {
            ...events, time: f([100, 600, 600]), order: f([1, 3, 3]), kind: ['accepted', 'accepted', 'filled'], reason: ['OK', 'OK', 'MARKET'],
            seq: f([10, 40, 41]), price: f([NaN, NaN, 5]), qty: f([1, 1, 1]), commission: f([0, 0, 0]), reference: f([NaN, NaN, 5]),
            position: f([0, 0, 1]), realised: f([0, 0, 0])
        };
        // The cursor on the tick before (run tick 39, time 550): order 3 does not exist yet.
        expect(eventsKnownAt(closing, 39, 550)).to.equal(1);
        expect(eventsAtTick(closing, 39, 550)).to.deep.equal([]);
        // On the closing tick (run tick 40, time 600): sent and filled at this tick.
        expect(eventsKnownAt(closing, 40, 600)).to.equal(3);
        expect(eventsAtTick(closing, 40, 600)).to.deep.equal([1, 2]);
        // Every event known at any cursor is stamped at or before it.
        for (const [tick, time] of [[9, 90], [9, 100], [39, 550], [40, 600], [41, 610]]) {
            const known = eventsKnownAt(closing, tick, time);
            expect(Array.from(closing.time.subarray(0, known)).every(t => t <= time), `tick ${tick}`).to.equal(true);
        }
    });

    it('cuts a trade still open at the cursor at the cursor, and never shows a later entry', () => {
        expect(tradeSegmentsAt(trades, 50, 60, 5)).to.deep.equal([]);
        expect(tradeSegmentsAt(trades, 250, 300, 4.5)).to.deep.equal([{ entryTime: 100, entryPrice: 5, side: 1, exitTime: 300, exitPrice: 4.5, pnl: undefined }]);
        // the exit at 400 shares its time with the cursor but is not known yet: still open
        expect(tradeSegmentsAt(trades, 250, 400, 4.2)[0].pnl).to.equal(undefined);
        const later = tradeSegmentsAt(trades, 500, 600, 5.5);
        expect(later.map(s => [s.exitTime, s.pnl])).to.deep.equal([[400, -1], [600, undefined]]);
    });

    it('finds the next and previous order event tick, and trade entries (from flat and through zero)', () => {
        expect(adjacentEventTick(events, 0, 1)).to.equal(9);
        expect(adjacentEventTick(events, 9, 1)).to.equal(10);
        expect(adjacentEventTick(events, 10, 1)).to.equal(19);
        expect(adjacentEventTick(events, 30, 1)).to.equal(undefined);
        expect(adjacentEventTick(events, 30, -1)).to.equal(19);
        expect(adjacentEventTick(events, 19, -1)).to.equal(10);
        expect(adjacentEventTick(events, 9, -1)).to.equal(undefined);
        expect(tradeEntryTicks(events)).to.deep.equal([10]);
        const reversal: RunEventColumns = { ...events, kind: ['filled', 'filled', 'filled', 'filled'], position: f([1, -1, 0, 2]) };
        expect(tradeEntryTicks(reversal)).to.deep.equal([9, 10, 30]);
        expect(adjacentTick([9, 10, 30], 10, 1)).to.equal(30);
        expect(adjacentTick([9, 10, 30], 10, -1)).to.equal(9);
        expect(adjacentTick([9, 10, 30], 9, -1)).to.equal(undefined);
        expect(adjacentTick([9, 10, 30], 30, 1)).to.equal(undefined);
    });

    it('lists the stop and limit levels of orders working at the cursor, never before their acceptance or after their end', () => {
        const orders: RunOrderColumns = {
            id: f([1, 2, 3]), time: f([100, 100, 100]), type: ['market', 'stop', 'limit'], side: f([1, -1, -1]), qty: f([1, 1, 1]),
            limit: f([NaN, NaN, 7]), stop: f([NaN, 4, NaN]), tif: ['GTC', 'GTC', 'GTC'], tag: ['entry', 'stop loss', 'target']
        };
        const ev: RunEventColumns = {
            time: f([100, 100, 100, 100, 400, 400]), order: f([1, 1, 2, 3, 2, 3]), kind: ['accepted', 'filled', 'accepted', 'accepted', 'filled', 'cancelled'],
            reason: ['OK', 'MARKET', 'OK', 'OK', 'STOP', 'OCO'], seq: f([10, 10, 11, 11, 31, 31]), price: f([NaN, 5, NaN, NaN, 4, NaN]),
            qty: f([1, 1, 1, 1, 1, 1]), commission: f([0, 0, 0, 0, 0, 0]), reference: f([NaN, 5, NaN, NaN, 4, NaN]), position: f([0, 1, 1, 1, 0, 0]),
            realised: f([0, 0, 0, 0, -1, -1])
        };
        expect(workingLevelsAt(orders, ev, 9)).to.deep.equal([]);
        expect(workingLevelsAt(orders, ev, 10)).to.deep.equal([
            { order: 2, side: -1, tag: 'stop loss', kind: 'stop', price: 4 }, { order: 3, side: -1, tag: 'target', kind: 'limit', price: 7 }
        ]);
        expect(workingLevelsAt(orders, ev, 29).length).to.equal(2);
        expect(workingLevelsAt(orders, ev, 30)).to.deep.equal([]);
    });

    it('knows a recorded value from the time it was recorded', () => {
        expect(seriesKnownAt(f([60, 120, 180]), 119)).to.equal(1);
        expect(seriesKnownAt(f([60, 120, 180]), 120)).to.equal(2);
    });
});
