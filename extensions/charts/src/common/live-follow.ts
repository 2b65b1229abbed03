// *****************************************************************************
// The state of one run followed live in the chart view: the bars per timeframe as the strategy
// has seen them, the forming bars, fills and trades. Pushes are queued as they arrive and merged
// at most once per animation frame.
// *****************************************************************************

import type { RunTradeColumns } from '@backtestr/workspace-store';
import type { LiveFillColumns } from '@backtestr/engine';
import { concatColumns, emptyFills, emptyTrades, FILL_KEYS, firstNewBar, GrowingBars, newRowsFrom, TRADE_KEYS } from './live-bar-math';
import { LiveChartUpdate, LiveRun, LiveRunStatus } from './live-chart-protocol';

/**
 * Completed bars a panel holds while following: a few screens (a panel shows about 100), trimmed back to this
 * when twice as many. A push of many bars (a day of 1m bars) is one `setData` of them all, whose cost grows with them.
 */
export const LIVE_SHOWN_BARS = 500;

/**
 * The least milliseconds between two draws of one panel while following. Every draw is a repaint in software on
 * the cores the engine runs on: at most 5 per second and panel (the view as a whole still changes every frame,
 * one panel after the other), a panel taking the newest state when its turn comes.
 */
export const LIVE_PANEL_INTERVAL_MS = 200;

/** One bar as numbers (time in microseconds, period start). */
export interface LiveBar {
    readonly time: number;
    readonly open: number;
    readonly high: number;
    readonly low: number;
    readonly close: number;
    readonly volume: number;
}

export class LiveFollow {
    readonly bars = new Map<string, GrowingBars>();
    readonly partial = new Map<string, LiveBar | undefined>();
    /** Timeframes whose bars were trimmed (or first filled) since the last draw: their panels are redrawn whole. */
    readonly redraw = new Set<string>();
    timeframes: readonly string[] = [];
    fills: LiveFillColumns = emptyFills();
    trades: RunTradeColumns = emptyTrades();
    /** Fills or trades changed since the last draw. */
    overlayChanged = true;
    ticks = 0;
    time = 0;
    /** Bars completed that no push carried (more per push than the engine reports). */
    skipped = 0;
    status: LiveRunStatus = 'running';
    pushes = 0;
    readonly pending: LiveChartUpdate[] = [];

    constructor(readonly run: LiveRun) { }

    get runId(): string {
        return this.run.run.id;
    }

    /** Merges a snapshot or a push: bars later than those held, the newest forming bars, new fills and trades. */
    merge(u: LiveChartUpdate): void {
        this.timeframes = u.timeframes;
        u.timeframes.forEach((tf, j) => {
            let held = this.bars.get(tf);
            if (!held) {
                held = new GrowingBars();
                this.bars.set(tf, held);
                this.redraw.add(tf);
            }
            const c = u.completed[j];
            held.append(c, firstNewBar(c, c.count, held.lastTime), c.count);
            if (held.count > 2 * LIVE_SHOWN_BARS) {
                // never the whole history in the browser: the newest bars, redrawn once
                const kept = new GrowingBars(2 * LIVE_SHOWN_BARS);
                const tail = held.tail(LIVE_SHOWN_BARS);
                kept.append(tail, 0, tail.count);
                this.bars.set(tf, kept);
                this.redraw.add(tf);
            }
            const p = u.partial;
            this.partial.set(tf, j < p.count && !Number.isNaN(p.time[j])
                ? { time: p.time[j], open: p.open[j], high: p.high[j], low: p.low[j], close: p.close[j], volume: p.volume[j] } : undefined);
            this.skipped += u.skipped[j] ?? 0;
        });
        const fillsFrom = newRowsFrom(u.fillsTotal, u.fills.time.length, this.fills.time.length);
        if (fillsFrom < u.fills.time.length) {
            this.fills = concatColumns(FILL_KEYS, this.fills, u.fills, fillsFrom);
            this.overlayChanged = true;
        }
        const tradesFrom = newRowsFrom(u.tradesTotal, u.trades.side.length, this.trades.side.length);
        if (tradesFrom < u.trades.side.length) {
            this.trades = concatColumns(TRADE_KEYS, this.trades, u.trades, tradesFrom);
            this.overlayChanged = true;
        }
        this.ticks = u.ticks;
        this.time = u.time;
        this.pushes++;
    }

    /** Merges the queued pushes; false when there were none. */
    mergePending(): boolean {
        if (this.pending.length === 0) {
            return false;
        }
        for (const u of this.pending.splice(0)) {
            this.merge(u);
        }
        return true;
    }
}
