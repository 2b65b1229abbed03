// *****************************************************************************
// What the e2e tests and the live bench read of a run followed live (`window.__backtestrCharts.live()`):
// an observer of the LiveFollowController that the test hook installs (only on pages opened with the
// backtestrTestHooks flag), so the product keeps none of these figures.
// *****************************************************************************

import { LiveFollow } from '../common/live-follow';
import { LiveRunStatus } from '../common/live-chart-protocol';
import { ChartPanel, PanelSnapshot } from './chart-panel';
import { LiveFollowObserver } from './live-follow-controller';

export interface LiveHookState {
    runId: string;
    status: LiveRunStatus;
    ticks: number;
    time: number;
    pushes: number;
    /** Whole views shown: every panel on screen drawn since the previous one (at most one per push). */
    frames: number;
    /** Milliseconds of each draw (merge and series updates, before paint). */
    drawMs: number[];
    skipped: number;
    fills: number;
    trades: number;
    /** Per whole view: the run's clock and each panel's newest bar time (the first 2,000 views). */
    history: { time: number; last: (number | undefined)[] }[];
    /** The run's last state and the panels', once it ended. */
    final?: { time: number; ticks: number; panels: PanelSnapshot[] };
}

const MAX_HISTORY = 2000;

export class LiveFollowRecorder implements LiveFollowObserver {

    /** The run followed last (kept after it ended). */
    state: LiveHookState | undefined;
    /** Panels drawn since the last whole view was counted. */
    protected readonly swept = new Set<number>();

    constructor(protected readonly panels: () => readonly ChartPanel[]) { }

    started(live: LiveFollow): void {
        this.state = { runId: live.runId, status: 'running', ticks: 0, time: 0, pushes: 0, frames: 0, drawMs: [], skipped: 0, fills: 0, trades: 0, history: [] };
    }

    unavailable(runId: string): void {
        if (this.state?.runId === runId) {
            this.state = undefined;
        }
    }

    merged(live: LiveFollow): void {
        const state = this.current(live);
        if (state) {
            Object.assign(state, { ticks: live.ticks, time: live.time, pushes: live.pushes, skipped: live.skipped, fills: live.fills.time.length, trades: live.trades.side.length });
        }
    }

    panelsReset(): void {
        this.swept.clear();
    }

    panelDrawn(panel: number): void {
        this.swept.add(panel);
    }

    frameDrawn(live: LiveFollow, drawMs: number, shown: readonly (boolean | undefined)[]): void {
        this.countView(live, shown);
        this.current(live)?.drawMs.push(drawMs);
    }

    ended(live: LiveFollow, status: LiveRunStatus, redrawn: boolean): void {
        if (redrawn) {
            this.panels().forEach((_, i) => this.swept.add(i));
            this.countView(live, []);
        }
        const state = this.state;
        if (state) {
            state.status = status;
            state.final = { time: live.time, ticks: live.ticks, panels: this.panels().map(p => p.snapshot()) };
        }
    }

    protected current(live: LiveFollow): LiveHookState | undefined {
        return this.state?.runId === live.runId ? this.state : undefined;
    }

    /** Every panel on screen drawn since the last count is one whole view shown. */
    protected countView(live: LiveFollow, shown: readonly (boolean | undefined)[]): void {
        const state = this.current(live);
        const panels = this.panels();
        if (state && this.swept.size > 0 && panels.every((_, k) => this.swept.has(k) || shown[k] === false)) {
            this.swept.clear();
            state.frames++;
            if (state.history.length < MAX_HISTORY) {
                state.history.push({ time: live.time, last: panels.map(p => p.forming?.time ?? p.snapshot().lastCompleted?.time) });
            }
        }
    }
}
