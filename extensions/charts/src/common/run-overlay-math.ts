// *****************************************************************************
// Which parts of a run the chart may show at a replay cursor: never an event, fill or
// trade exit after the cursor's time.
// *****************************************************************************

import type { RunEventColumns, RunTradeColumns } from '@backtestr/data-import';
import { upperBound } from './bar-math';

/**
 * Number of events known after the run's tick `runTickIndex` (0-based): those whose `seq`
 * (ticks applied when it happened, 1-based) is at most the cursor's. By tick, not by time:
 * several ticks can share a time stamp.
 */
export function eventsKnownAt(events: RunEventColumns, runTickIndex: number): number {
    return upperBound(events.seq, runTickIndex + 1);
}

/** Indexes of the events of the tick at the cursor: those whose `seq` (ticks applied, 1-based) is the cursor's. */
export function eventsAtTick(events: RunEventColumns, runTickIndex: number): number[] {
    const out: number[] = [];
    const seq = runTickIndex + 1;
    for (let i = 0; i < events.seq.length; i++) {
        if (events.seq[i] === seq) {
            out.push(i);
        }
    }
    return out;
}

export interface TradeSegment {
    readonly entryTime: number;
    readonly entryPrice: number;
    /** The exit, or the cursor (and its price) for a trade still open at the cursor. */
    readonly exitTime: number;
    readonly exitPrice: number;
    readonly side: number;
    /** Net P&L of a closed trade; undefined while open at the cursor. */
    readonly pnl?: number;
}

/**
 * Entry-to-exit segments of the trades whose entry fill is known at the cursor (`knownTime`:
 * the time of the newest known event). A trade whose exit is not known yet is cut at the
 * cursor (`time`, `price`): its exit is the future.
 */
export function tradeSegmentsAt(trades: RunTradeColumns, knownTime: number, time: number, price: number): TradeSegment[] {
    const out: TradeSegment[] = [];
    for (let i = 0; i < trades.entryTime.length; i++) {
        if (trades.entryTime[i] > knownTime) {
            break;
        }
        const closed = trades.exitTime[i] <= knownTime;
        out.push({
            entryTime: trades.entryTime[i], entryPrice: trades.entryPrice[i], side: trades.side[i],
            exitTime: closed ? trades.exitTime[i] : time, exitPrice: closed ? trades.exitPrice[i] : price,
            pnl: closed ? trades.pnl[i] : undefined
        });
    }
    return out;
}
