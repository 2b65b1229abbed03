// *****************************************************************************
// Which parts of a run the chart may show at a replay cursor: never an event, fill or
// trade exit after the cursor's time.
// *****************************************************************************

import type { RunEventColumns, RunOrderColumns, RunTradeColumns } from '@backtestr/workspace-store';
import { upperBound } from './bar-math';

/**
 * Number of events known after the run's tick `runTickIndex` (0-based) at `cursorTime`: those whose `seq`
 * (ticks applied when it happened, 1-based) is at most the cursor's and whose time is not after the cursor's.
 * By tick and by time: several ticks can share a time stamp, and an event of a bar-close wake-up happens at the
 * closing tick's time before that tick is applied (its `seq` is the tick before, its time the closing tick's).
 */
export function eventsKnownAt(events: RunEventColumns, runTickIndex: number, cursorTime = Infinity): number {
    return Math.min(upperBound(events.seq, runTickIndex + 1), upperBound(events.time, cursorTime));
}

/**
 * Indexes of the events of the tick at the cursor: those whose `seq` (ticks applied, 1-based) is the cursor's, and
 * those that happened at the cursor's time just before its tick was applied (a bar-close wake-up's orders).
 */
export function eventsAtTick(events: RunEventColumns, runTickIndex: number, cursorTime = Infinity): number[] {
    const out: number[] = [];
    const seq = runTickIndex + 1;
    for (let i = 0; i < events.seq.length; i++) {
        const s = events.seq[i];
        const t = events.time[i];
        if (t <= cursorTime && (s === seq || (s === seq - 1 && t === cursorTime))) {
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

/**
 * The run tick (0-based) of the nearest order event after (`direction` 1) or before (-1) the run
 * tick `runTickIndex`; undefined when there is none. Events are placed by their `seq`.
 */
export function adjacentEventTick(events: RunEventColumns, runTickIndex: number, direction: 1 | -1): number | undefined {
    const seq = events.seq;
    if (direction > 0) {
        const i = upperBound(seq, runTickIndex + 1);
        return i < seq.length ? seq[i] - 1 : undefined;
    }
    const i = upperBound(seq, runTickIndex) - 1;
    return i >= 0 ? seq[i] - 1 : undefined;
}

/**
 * Run ticks (0-based, ascending) at which trades were entered: the fills that took the position
 * from flat, or through zero (a reversal closes one trade and opens the next at the same fill).
 */
export function tradeEntryTicks(events: RunEventColumns): number[] {
    const out: number[] = [];
    let position = 0;
    for (let i = 0; i < events.seq.length; i++) {
        if (events.kind[i] === 'filled') {
            const after = events.position[i];
            if (after !== 0 && (position === 0 || Math.sign(after) !== Math.sign(position))) {
                out.push(events.seq[i] - 1);
            }
        }
        position = events.position[i];
    }
    return out;
}

/** The nearest of sorted `ticks` after (1) or before (-1) `tick`, undefined when there is none. */
export function adjacentTick(ticks: readonly number[], tick: number, direction: 1 | -1): number | undefined {
    if (direction > 0) {
        const i = upperBound(ticks, tick);
        return i < ticks.length ? ticks[i] : undefined;
    }
    const i = upperBound(ticks, tick - 1) - 1;
    return i >= 0 ? ticks[i] : undefined;
}

/** A price level of an order working at the cursor: its stop (trigger) or limit price. */
export interface WorkingLevel {
    readonly order: number;
    readonly kind: 'stop' | 'limit';
    readonly price: number;
    /** +1 buy, -1 sell. */
    readonly side: number;
    readonly tag: string;
}

/**
 * Stop and limit levels of the orders working after run tick `runTickIndex`: accepted and not yet
 * filled, cancelled, expired or rejected. A triggered stop-limit keeps only its limit. With a
 * position open, a sell stop under a long is its stop loss and a sell limit above it its target.
 */
export function workingLevelsAt(orders: RunOrderColumns, events: RunEventColumns, runTickIndex: number): WorkingLevel[] {
    const known = eventsKnownAt(events, runTickIndex);
    const state = new Map<number, 'working' | 'triggered' | 'done'>();
    for (let i = 0; i < known; i++) {
        const id = events.order[i];
        const kind = events.kind[i];
        if (kind === 'accepted') {
            state.set(id, 'working');
        } else if (kind === 'triggered') {
            state.set(id, 'triggered');
        } else if (kind === 'filled' || kind === 'cancelled' || kind === 'expired' || kind === 'rejected') {
            // a partial fill leaves the order working; the engine's fills here fill the whole quantity
            state.set(id, 'done');
        }
    }
    const out: WorkingLevel[] = [];
    for (let i = 0; i < orders.id.length; i++) {
        const s = state.get(orders.id[i]);
        if (s !== 'working' && s !== 'triggered') {
            continue;
        }
        const base = { order: orders.id[i], side: orders.side[i], tag: orders.tag[i] ?? '' };
        if (s === 'working' && Number.isFinite(orders.stop[i])) {
            out.push({ ...base, kind: 'stop', price: orders.stop[i] });
        }
        if (Number.isFinite(orders.limit[i])) {
            out.push({ ...base, kind: 'limit', price: orders.limit[i] });
        }
    }
    return out;
}

/** Number of a recorded series' points known at the cursor time: those recorded at or before it. */
export function seriesKnownAt(time: Float64Array, cursorTime: number): number {
    return upperBound(time, cursorTime);
}
