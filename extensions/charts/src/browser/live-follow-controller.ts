// *****************************************************************************
// Following a run in progress in the chart view: the pushes of the followed run merged, the
// panels drawn one per animation frame (round robin, on screen only, each at most every
// LIVE_PANEL_INTERVAL_MS). Plain class owned by the view. What the e2e tests and the live bench read
// and set goes through two documented seams, both unset in the product: `observer` (told what was
// merged and drawn; the test hook's LiveFollowRecorder keeps the figures) and `configure()`.
// *****************************************************************************

import { ChartViewState, panelTimeframesForRun } from '../common/chart-protocol';
import { EMPTY_BARS } from '../common/bar-math';
import { ChartBarColumns, ReplayInfo } from '../common/replay-protocol';
import { DatasetKey } from '@backtestr/workspace-store';
import { PanelIndicator } from '../common/indicator-math';
import { tradeSegmentsAt } from '../common/run-overlay-math';
import { LiveChartService, LiveChartUpdate, LiveRun, LiveRunStatus } from '../common/live-chart-protocol';
import { LIVE_PANEL_INTERVAL_MS, LiveFollow } from '../common/live-follow';
import { ChartPanel, FillMark } from './chart-panel';
import { IndicatorChoice, PanelOverlays } from './panel-overlays';
import { TransportBar } from './transport-bar';

/** What the live following reads and drives of the chart view. */
export interface LiveFollowHost {
    readonly node: HTMLElement;
    decisionNode(): HTMLElement;
    transport(): TransportBar;
    readonly overlays: PanelOverlays;
    isVisible(): boolean;
    isAttached(): boolean;
    panels(): readonly ChartPanel[];
    /** Per panel, the completed bars it holds (written as the panels are drawn). */
    panelBars(): ChartBarColumns[];
    viewState(): ChartViewState;
    info(): ReplayInfo | undefined;
    indicatorChoices(): IndicatorChoice[];
    panelIndicators(i: number): readonly PanelIndicator[];
    status(text: string): void;
    /** Pauses the replay's playback. */
    pause(): void;
    /** Drops the selected run's overlay (its selection too). */
    clearRunOverlay(): void;
    refreshDatasets(): Promise<void>;
    openDataset(dataset: DatasetKey, cursor: number | undefined, follow: boolean): Promise<ReplayInfo | undefined>;
    openRun(runId: string, time: number | undefined): Promise<void>;
    /** New panel timeframes: the panels made again. */
    setPanelTimeframes(timeframes: readonly string[]): void;
}

/** How the following draws. The product keeps the defaults; the live bench sets others through the test hook. */
export interface LiveFollowOptions {
    /** While false, pushes are merged but not drawn (the drawing's share of a run's cost). */
    readonly drawing: boolean;
    /** The least milliseconds between two live draws of one panel. */
    readonly panelIntervalMs: number;
    /** While false, the view does not follow runs of its instrument on its own. */
    readonly autoFollow: boolean;
}

export const DEFAULT_LIVE_FOLLOW_OPTIONS: LiveFollowOptions = { drawing: true, panelIntervalMs: LIVE_PANEL_INTERVAL_MS, autoFollow: true };

/** What the following tells an observer (the test hook's recorder): it keeps no state of its own for it. */
export interface LiveFollowObserver {
    /** Following `live` started (its snapshot is on the way). */
    started(live: LiveFollow): void;
    /** The run of `runId` could not be followed (it ended before its snapshot came). */
    unavailable(runId: string): void;
    /** The queued pushes were merged: `live` holds the run's newest figures. */
    merged(live: LiveFollow): void;
    /** The panels were made again or are all to be drawn anew: the panels drawn so far count for nothing. */
    panelsReset(): void;
    /** Panel `panel` was drawn at the run's newest state. */
    panelDrawn(panel: number): void;
    /** A live frame drew a panel in `drawMs` (merge and series updates, before paint); `shown` per panel: on screen (undefined: unknown). */
    frameDrawn(live: LiveFollow, drawMs: number, shown: readonly (boolean | undefined)[]): void;
    /** The run ended with `status`; `redrawn`: every panel was drawn at its last state just now. */
    ended(live: LiveFollow, status: LiveRunStatus, redrawn: boolean): void;
}

export class LiveFollowController {

    /** The run followed live (until it ends and its replay opens). */
    live: LiveFollow | undefined;
    /** Told what the following merged and drew (the test hook sets it; unset in the product). */
    observer: LiveFollowObserver | undefined;
    protected options: LiveFollowOptions = DEFAULT_LIVE_FOLLOW_OPTIONS;

    protected frameRequested = false;
    /** Per panel, while following: a newer state than drawn; bars to set whole; fills or trades changed. */
    protected dirty: boolean[] = [];
    protected full: boolean[] = [];
    protected overlayDirty: boolean[] = [];
    /** Per panel: scroll to the newest bars with the next draw (following started, or new panels). */
    protected fit: boolean[] = [];
    protected lastPanel = -1;
    protected fills: FillMark[] = [];
    /** Per panel: whether it is on screen (an IntersectionObserver's last word; unknown counts as shown). */
    protected panelShown: (boolean | undefined)[] = [];
    protected panelObserver: IntersectionObserver | undefined;
    /** Per panel: when it was last drawn while following (performance.now()). */
    protected drawnAt: number[] = [];
    protected timer: ReturnType<typeof setTimeout> | undefined;

    constructor(protected readonly service: LiveChartService, protected readonly host: LiveFollowHost) { }

    /** Options other than the defaults (the live bench's, through the test hook); the ones not given stay. */
    configure(options: Partial<LiveFollowOptions>): void {
        this.options = { ...this.options, ...options };
    }

    /** New panels: every one to draw whole and scrolled to the newest bars; which are on screen tracked again. */
    resetPanels(): void {
        const panels = this.host.panels();
        this.dirty = panels.map(() => true);
        this.full = panels.map(() => true);
        this.overlayDirty = panels.map(() => true);
        this.fit = panels.map(() => true);
        this.drawnAt = [];
        this.observer?.panelsReset();
        this.observePanels();
    }

    /** Tracks which panels are on screen: while following, one off screen (or behind another tab) is not drawn until it shows. */
    protected observePanels(): void {
        this.panelObserver?.disconnect();
        const panels = this.host.panels();
        this.panelShown = panels.map(() => undefined);
        if (typeof IntersectionObserver === 'undefined') {
            return;
        }
        const observer = new IntersectionObserver(entries => {
            let shown = false;
            for (const e of entries) {
                const i = this.host.panels().findIndex(p => p.node === e.target);
                if (i >= 0) {
                    this.panelShown[i] = e.isIntersecting;
                    shown ||= e.isIntersecting;
                }
            }
            if (shown) {
                this.requestFrame();
            }
        });
        panels.forEach(p => observer.observe(p.node));
        this.panelObserver = observer;
    }

    /** Panel `i` has a newer state to draw (its indicators changed). */
    invalidatePanel(i: number): void {
        this.dirty[i] = true;
        this.requestFrame();
    }

    /** A plugin indicator's values arrived: the panels with indicators drawn with the next live frame. */
    invalidateIndicators(): void {
        this.host.panels().forEach((_, i) => this.dirty[i] ||= this.host.panelIndicators(i).length > 0);
        this.requestFrame();
    }

    onRunStarted(run: LiveRun): void {
        const ds = this.host.viewState().dataset;
        if (this.options.autoFollow && !this.live && ds && ds.instrumentId === run.run.instrumentId && ds.kind === run.run.kind && this.host.isAttached()) {
            this.followRun(run);
        }
    }

    /** Shows a run in progress: the bars as its strategy has seen them, its fills and trades, the cursor at its clock. */
    async followRun(run: LiveRun): Promise<boolean> {
        if (this.live?.runId === run.run.id) {
            return true;
        }
        this.stopFollowing();
        this.host.pause();
        const live = new LiveFollow(run);
        this.live = live;
        this.observer?.started(live);
        this.host.clearRunOverlay();
        this.host.transport().setEnabled(false);
        const ds = this.host.viewState().dataset;
        if (!ds || ds.instrumentId !== run.run.instrumentId || ds.kind !== run.run.kind) {
            await this.host.refreshDatasets();
            await this.host.openDataset({ instrumentId: run.run.instrumentId, kind: run.run.kind }, undefined, false);
            this.live = live;
            this.host.transport().setEnabled(false);
        }
        const snapshot = await this.service.follow(run.run.id);
        if (this.live !== live) {
            return false;
        }
        if (!snapshot) {
            this.live = undefined;
            this.observer?.unavailable(live.runId);
            this.host.transport().setEnabled(this.host.info() !== undefined);
            return false;
        }
        live.merge(snapshot);
        const viewState = this.host.viewState();
        const timeframes = panelTimeframesForRun(live.timeframes, viewState.timeframes, viewState.kind);
        if (timeframes !== viewState.timeframes) {
            this.host.setPanelTimeframes(timeframes);
        }
        this.drawLive();
        return true;
    }

    stopFollowing(): void {
        if (this.live) {
            const runId = this.live.runId;
            this.live = undefined;
            this.service.unfollow(runId).catch(() => undefined);
            this.host.transport().setEnabled(this.host.info() !== undefined);
        }
    }

    onLiveUpdate(update: LiveChartUpdate): void {
        const live = this.live;
        if (!live || live.runId !== update.runId) {
            return;
        }
        live.pending.push(update);
        this.requestFrame();
    }

    /** At most one live frame in flight: it merges the queued pushes and draws one panel. */
    requestFrame(): void {
        if (this.frameRequested || !this.live) {
            return;
        }
        this.frameRequested = true;
        requestAnimationFrame(() => {
            this.frameRequested = false;
            this.liveFrame();
        });
    }

    /**
     * One animation frame while following: the pushes queued since the previous frame merged (the newest
     * state wins), then one panel drawn, the next one whose state changed (round robin) and that is on
     * screen; the others in the next frames. lightweight-charts paints a chart in the frame after its
     * data changed, so a frame holds one panel's series updates and at most one panel's paint.
     */
    protected liveFrame(): void {
        const live = this.live;
        if (!live) {
            return;
        }
        const started = performance.now();
        if (live.mergePending()) {
            this.merged(live);
        }
        if (!this.options.drawing) {
            return;
        }
        const i = this.nextPanel();
        if (i < 0) {
            return;
        }
        this.drawPanel(live, i);
        this.observer?.frameDrawn(live, performance.now() - started, this.panelShown);
        if (this.nextPanel() >= 0) {
            this.requestFrame();
        }
    }

    /** Index of the next panel to draw (after the last one drawn), or -1 when every panel on screen shows the newest state. */
    protected nextPanel(): number {
        if (!this.host.isVisible()) {
            return -1; // behind another tab: drawn when shown
        }
        const n = this.host.panels().length;
        const now = performance.now();
        let wait = Infinity;
        for (let k = 1; k <= n; k++) {
            const i = (this.lastPanel + k) % n;
            if (this.dirty[i] && this.panelShown[i] !== false) {
                const due = (this.drawnAt[i] ?? -Infinity) + this.options.panelIntervalMs - now;
                if (due <= 0 || this.fit[i]) {
                    return i;
                }
                wait = Math.min(wait, due);
            }
        }
        if (wait < Infinity && !this.timer) {
            // a panel drew less than LIVE_PANEL_INTERVAL_MS ago: its newer state waits (and takes what arrives meanwhile)
            this.timer = setTimeout(() => {
                this.timer = undefined;
                this.requestFrame();
            }, wait);
        }
        return -1;
    }

    /** After a merge: every panel has a newer state to draw; the status line (and the observer) say what the run reached. */
    protected merged(live: LiveFollow): void {
        this.host.panels().forEach((panel, i) => {
            this.dirty[i] = true;
            if (live.redraw.has(panel.timeframe)) {
                this.full[i] = true;
            }
            if (live.overlayChanged) {
                this.overlayDirty[i] = true;
            }
        });
        live.redraw.clear();
        if (live.overlayChanged) {
            const f = live.fills;
            const fills: FillMark[] = new Array(f.time.length);
            for (let i = 0; i < f.time.length; i++) {
                const side = f.position[i] > (i > 0 ? f.position[i - 1] : 0) ? 1 : -1;
                // arrows without labels while following: fewer glyphs to repaint per push (the replay labels them)
                fills[i] = { time: f.time[i], price: f.price[i], side, text: '' };
            }
            this.fills = fills;
            live.overlayChanged = false;
        }
        this.host.node.dataset.live = live.runId;
        // the figures first: the status line is one line, cut where the toolbar ends
        this.host.status(`Live: ${live.ticks.toLocaleString()} ticks, ${new Date(live.time / 1000).toISOString().replace('T', ' ').slice(0, 19)}`
            + `, ${live.fills.time.length} fills, ${live.trades.side.length} trades${live.skipped ? `, ${live.skipped} bars not shown (more per push than the engine reports)` : ''}`
            + ` (${live.run.run.label})`);
        this.observer?.merged(live);
    }

    /** Draws panel `i` at the followed run's newest state: new bars and the forming one, the cursor, fills and trades when they changed, its indicators. */
    protected drawPanel(live: LiveFollow, i: number): void {
        const panel = this.host.panels()[i];
        const panelBars = this.host.panelBars();
        const fit = this.fit[i];
        this.drawnAt[i] = performance.now();
        this.dirty[i] = false;
        this.lastPanel = i;
        const bars = live.bars.get(panel.timeframe);
        if (!bars) {
            panel.setBars(EMPTY_BARS, undefined, fit);
            panelBars[i] = EMPTY_BARS;
        } else {
            const view = bars.view();
            panelBars[i] = view;
            const partial = live.partial.get(panel.timeframe);
            panel.setBars(view, partial, fit || this.full[i]);
            panel.setCursor(live.time);
            if (this.overlayDirty[i] || fit) {
                panel.setOverlay(this.fills, tradeSegmentsAt(live.trades, live.time, live.time, NaN));
            }
            const indicators = this.host.panelIndicators(i);
            if (fit || indicators.length > 0 || panel.lineCount > 0) {
                // the panel's indicators, built-in ones extended by the new bars only, plugin ones once per reply of their host
                panel.setLines(this.host.overlays.indicatorLines(i, view, partial, indicators, this.host.indicatorChoices()));
            }
        }
        if (fit) {
            panel.setLevels([]);
        }
        this.full[i] = false;
        this.fit[i] = false;
        this.overlayDirty[i] = false;
        this.observer?.panelDrawn(i);
    }

    async onRunEnded(runId: string, status: LiveRunStatus): Promise<void> {
        const live = this.live;
        if (!live || live.runId !== runId) {
            return;
        }
        if (live.mergePending()) {
            this.merged(live);
        }
        // every panel at the last state, on screen or not (the replay opens from it)
        const redrawn = this.dirty.some(d => d);
        if (redrawn) {
            this.host.panels().forEach((_, i) => this.dirty[i] && this.drawPanel(live, i));
        }
        live.status = status;
        this.observer?.ended(live, status, redrawn);
        this.live = undefined;
        if (status === 'finished') {
            // the run is stored: its replay at its last tick (the state the panels show now)
            await this.host.openRun(runId, live.time);
        } else {
            this.host.transport().setEnabled(this.host.info() !== undefined);
            this.host.status(`Run ${status}: the panels show its state at its last report (${live.ticks.toLocaleString()} ticks).`);
        }
    }

    /**
     * Shows the followed run in every panel, scrolled to the newest bars (when following starts or the panels
     * are new): the panels are drawn one per animation frame as for a push, not all in one long frame.
     */
    drawLive(): void {
        const live = this.live;
        if (!live) {
            return;
        }
        live.overlayChanged = true;
        this.host.overlays.reset();
        this.merged(live);
        this.observer?.panelsReset();
        this.host.panels().forEach((_, i) => {
            this.full[i] = true;
            this.fit[i] = true;
        });
        const decisions = this.host.decisionNode();
        decisions.textContent = '';
        const title = document.createElement('div');
        title.className = 'backtestr-decision-title';
        title.textContent = 'Following a run in progress';
        const note = document.createElement('div');
        note.className = 'backtestr-muted';
        note.textContent = 'The panels show the bars as the strategy has seen them, its fills and trades, its indicators, and the engine\'s clock. '
            + 'When the run ends, it opens here in replay at its last tick with its order events and reasons.';
        decisions.append(title, note);
        this.requestFrame();
    }

    /** Stops the observer and the pacing timer (the view stops following separately). */
    dispose(): void {
        this.panelObserver?.disconnect();
        clearTimeout(this.timer);
    }
}
