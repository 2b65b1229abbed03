// *****************************************************************************
// The replay cursor of the chart view: moves (seek, tick and bar steps, jumps between the run's
// order events and trades), playback at a speed, the keyboard's transport keys, older bars loaded
// as a panel scrolls back, and the timings of each move. Plain class owned by the view.
// *****************************************************************************

import { olderBarsToLoad, parseSpeed, prependBars, ticksToAdvance } from '../common/bar-math';
import { ChartViewState } from '../common/chart-protocol';
import { ChartBarColumns, ReplayFrame, ReplayInfo, ReplayService } from '../common/replay-protocol';
import { RunOverlay } from '../common/run-overlay-protocol';
import { adjacentEventTick, adjacentTick } from '../common/run-overlay-math';
import { ChartPanel } from './chart-panel';
import { TransportBar } from './transport-bar';

/** Completed bars a frame carries per timeframe; older ones load when the user scrolls back. */
export const FRAME_WINDOW = 300;
/** Completed bars a one-tick step carries: enough to overlap what the panels already show. */
export const STEP_WINDOW = 8;

/** What the replay cursor reads and drives of the chart view. */
export interface ReplayCursorHost {
    transport(): TransportBar | undefined;
    info(): ReplayInfo | undefined;
    frame(): ReplayFrame | undefined;
    /** Whether the view follows a run in progress (then the cursor does not move). */
    following(): boolean;
    viewState(): ChartViewState;
    updateViewState(change: Partial<ChartViewState>): void;
    panels(): readonly ChartPanel[];
    /** Per panel, the completed bars it holds. */
    panelBars(): ChartBarColumns[];
    /** The selected run, its first tick in the dataset and its trades' entry ticks (run ticks). */
    run(): { overlay: RunOverlay | undefined; firstTick: number; tradeEntries: readonly number[] };
    /** Shows a frame received for a cursor move (the view's frame and state at it). */
    showFrame(frame: ReplayFrame, fit: boolean): void;
    /** Draws the recorded series, indicators and levels at `frame` again (older bars arrived). */
    renderLines(frame: ReplayFrame): void;
    status(text: string): void;
}

export class ReplayCursorController {

    /** Milliseconds of each cursor move, and the same split (backend, RPC, drawing), newest last. */
    readonly timings: number[] = [];
    readonly timingParts: { backend: number; rpc: number; draw: number }[] = [];

    protected inflight: Promise<void> | undefined;
    protected pendingCursor: number | undefined;
    protected playing = false;
    protected playCarry = 0;
    protected lastFrameTime = 0;
    /** Per panel: no older bars to load; older bars loading. */
    protected exhausted: boolean[] = [];
    protected loadingOlder: boolean[] = [];

    constructor(protected readonly replay: ReplayService, protected readonly host: ReplayCursorHost) { }

    /** New panels: none exhausted, none loading. */
    resetPanels(count: number): void {
        this.exhausted = Array.from({ length: count }, () => false);
        this.loadingOlder = Array.from({ length: count }, () => false);
    }

    /** Panel `i` holds a new window of bars (not joined to the previous): older ones can load again. */
    windowReplaced(i: number): void {
        this.exhausted[i] = false;
    }

    currentCursor(): number {
        return this.pendingCursor ?? this.host.frame()?.tickIndex ?? 0;
    }

    /** Moves the cursor; while a move is in flight, only the latest request is kept. Resolves when shown. */
    async goTo(tickIndex: number, fit = false, window = FRAME_WINDOW): Promise<void> {
        const info = this.host.info();
        if (!info) {
            return;
        }
        const k = Math.max(0, Math.min(info.tickCount - 1, Math.trunc(tickIndex)));
        if (this.host.following()) {
            return; // the panels follow the run; its replay opens when it ends
        }
        if (this.inflight) {
            this.pendingCursor = k;
            return this.inflight;
        }
        const started = performance.now();
        this.inflight = (async () => {
            try {
                const frame = await this.replay.frame(info.id, k, window);
                if (this.host.info() !== info) {
                    return;
                }
                const received = performance.now();
                this.host.showFrame(frame, fit);
                const done = performance.now();
                this.timings.push(done - started);
                this.timingParts.push({ backend: frame.computeMs, rpc: received - started - frame.computeMs, draw: done - received });
                if (this.timings.length > 1000) {
                    this.timings.splice(0, this.timings.length - 1000);
                    this.timingParts.splice(0, this.timingParts.length - 1000);
                }
            } catch (e) {
                this.host.status(`Replay: ${e instanceof Error ? e.message : String(e)}`);
            }
        })();
        await this.inflight;
        this.inflight = undefined;
        const next = this.pendingCursor;
        this.pendingCursor = undefined;
        if (next !== undefined && next !== this.host.frame()?.tickIndex) {
            await this.goTo(next);
        }
    }

    async loadOlder(i: number, from: number, to: number): Promise<void> {
        if (this.host.following()) {
            return; // the panels hold the run's bars, not the replay's
        }
        const info = this.host.info();
        const have = this.host.panelBars()[i];
        const n = olderBarsToLoad(from, to, this.exhausted[i] || !info || !have || have.count === 0);
        if (n === 0 || this.loadingOlder[i] || !info) {
            return;
        }
        this.loadingOlder[i] = true;
        try {
            const panel = this.host.panels()[i];
            const older = await this.replay.bars(info.id, panel.timeframe, have.time[0], n);
            if (this.host.info() !== info || this.host.panelBars()[i] !== have) {
                return;
            }
            if (older.count < n) {
                this.exhausted[i] = true;
            }
            if (older.count > 0) {
                const panelBars = this.host.panelBars();
                panelBars[i] = prependBars(older, have);
                panel.setBars(panelBars[i], panel.forming, false);
                const frame = this.host.frame();
                if (frame) {
                    this.host.renderLines(frame);
                }
            }
        } finally {
            this.loadingOlder[i] = false;
        }
    }

    stepTick(direction: 1 | -1): Promise<void> {
        // One tick moves a panel by at most one bar: a short window joins the bars already shown.
        return this.goTo(this.currentCursor() + direction, false, this.inflight ? FRAME_WINDOW : STEP_WINDOW);
    }

    async stepBar(timeframe: string, direction: 1 | -1): Promise<void> {
        const info = this.host.info();
        if (!info) {
            return;
        }
        const k = await this.replay.stepBar(info.id, this.currentCursor(), timeframe, direction);
        await this.goTo(k);
    }

    /** To the selected run's next or previous order event (the tick it happened at). */
    async jumpEvent(direction: 1 | -1): Promise<void> {
        const { overlay: o, firstTick } = this.host.run();
        if (!o) {
            this.host.status('Choose a run to jump between its order events.');
            return;
        }
        const t = adjacentEventTick(o.events, this.currentCursor() - firstTick, direction);
        if (t === undefined) {
            this.host.status(`No ${direction > 0 ? 'later' : 'earlier'} order event in this run.`);
            return;
        }
        await this.goTo(firstTick + t);
    }

    /** To the entry tick (the entry fill) of the selected run's next or previous trade. */
    async jumpTrade(direction: 1 | -1): Promise<void> {
        const { overlay: o, firstTick, tradeEntries } = this.host.run();
        if (!o) {
            this.host.status('Choose a run to jump between its trades.');
            return;
        }
        const t = adjacentTick(tradeEntries, this.currentCursor() - firstTick, direction);
        if (t === undefined) {
            this.host.status(`No ${direction > 0 ? 'later' : 'earlier'} trade in this run.`);
            return;
        }
        await this.goTo(firstTick + t);
    }

    get isPlaying(): boolean {
        return this.playing;
    }

    togglePlay(): void {
        if (this.playing) {
            this.pause();
        } else {
            this.play(this.host.viewState().speed);
        }
    }

    play(speed: string): void {
        if (!this.host.info() || this.playing) {
            return;
        }
        this.host.updateViewState({ speed });
        this.playing = true;
        this.playCarry = 0;
        this.lastFrameTime = performance.now();
        this.host.transport()?.setPlaying(true);
        const tick = (now: number): void => {
            const info = this.host.info();
            const frame = this.host.frame();
            if (!this.playing || !info || !frame) {
                return;
            }
            const elapsed = now - this.lastFrameTime;
            this.lastFrameTime = now;
            if (!this.inflight) {
                const s = parseSpeed(this.host.viewState().speed);
                if ('ticksPerSecond' in s) {
                    const step = ticksToAdvance(s.ticksPerSecond, elapsed, this.playCarry);
                    this.playCarry = step.carry;
                    if (step.ticks > 0) {
                        this.advance(frame.tickIndex + step.ticks);
                    }
                } else {
                    const target = frame.time + elapsed * 1000 * s.realTime;
                    this.replay.tickIndexAt(info.id, target).then(k => this.advance(Math.max(k, this.host.frame()?.tickIndex ?? k)));
                }
            } else {
                this.playCarry = 0;
            }
            requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
    }

    protected advance(k: number): void {
        const info = this.host.info();
        if (info && k >= info.tickCount - 1) {
            this.goTo(info.tickCount - 1);
            this.pause();
            return;
        }
        this.goTo(k);
    }

    pause(): void {
        this.playing = false;
        this.host.transport()?.setPlaying(false);
    }

    /** The transport's keys: space plays or pauses, arrows step (with Shift a bar), Home/End, [ ] order events, { } trades. */
    handleKey(e: KeyboardEvent): void {
        if ((e.target as HTMLElement).tagName === 'SELECT' || (e.target as HTMLElement).tagName === 'INPUT' && (e.target as HTMLInputElement).type !== 'range') {
            return;
        }
        const stepTimeframe = (): string => this.host.viewState().stepTimeframe;
        const handled = (() => {
            switch (e.key) {
                case ' ': this.togglePlay(); return true;
                case 'ArrowRight': e.shiftKey ? this.stepBar(stepTimeframe(), 1) : this.stepTick(1); return true;
                case 'ArrowLeft': e.shiftKey ? this.stepBar(stepTimeframe(), -1) : this.stepTick(-1); return true;
                case 'Home': this.goTo(0); return true;
                case 'End': this.goTo(Number.MAX_SAFE_INTEGER); return true;
                case ']': this.jumpEvent(1); return true;
                case '[': this.jumpEvent(-1); return true;
                case '}': this.jumpTrade(1); return true;
                case '{': this.jumpTrade(-1); return true;
                default: return false;
            }
        })();
        if (handled) {
            e.preventDefault();
            e.stopPropagation();
        }
    }
}
