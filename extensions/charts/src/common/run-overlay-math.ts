// *****************************************************************************
// Which parts of a run the chart may show at a replay cursor: never an event, fill or
// trade exit after the cursor's time.
// *****************************************************************************

import type { RunEventColumns, RunTradeColumns } from '@backtestr/data-import';
import { upperBound } from './bar-math';

/** Events with time <= `time` (events are stored in the order they happened, times ascending). */
export function eventsUpTo(events: RunEventColumns, time: number): number {
    return upperBound(events.time, time);
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
 * Entry-to-exit segments of the trades entered at or before the cursor time; a trade that
 * exits after the cursor is cut at the cursor (its exit is the future).
 */
export function tradeSegmentsAt(trades: RunTradeColumns, time: number, price: number): TradeSegment[] {
    const out: TradeSegment[] = [];
    for (let i = 0; i < trades.entryTime.length; i++) {
        if (trades.entryTime[i] > time) {
            break;
        }
        const closed = trades.exitTime[i] <= time;
        out.push({
            entryTime: trades.entryTime[i], entryPrice: trades.entryPrice[i], side: trades.side[i],
            exitTime: closed ? trades.exitTime[i] : time, exitPrice: closed ? trades.exitPrice[i] : price,
            pnl: closed ? trades.pnl[i] : undefined
        });
    }
    return out;
}
