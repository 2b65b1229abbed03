// *****************************************************************************
// The chart view: a grid of 6/4/2/1 panels (one timeframe each) of one instrument at a replay
// cursor, a transport bar and a decision panel. Every panel shows the engine's state at the
// cursor: completed bars up to it (never later ones) and the forming bar.
// *****************************************************************************

import { inject, injectable, optional, postConstruct } from '@theia/core/shared/inversify';
import { PluginService } from '@backtestr/plugins';
import { BaseWidget, Message, StatefulWidget, codicon } from '@theia/core/lib/browser';
import { ThemeService } from '@theia/core/lib/browser/theming';
import { MessageService } from '@theia/core/lib/common/message-service';
import { DatasetKey, DatasetService, DatasetSummary } from '@backtestr/data-import';
import { EMPTY_BARS, olderBarsToLoad, parseSpeed, prependBars, sliceBars, ticksToAdvance, upperBound } from '../common/bar-math';
import { CHART_TIMEFRAMES, ChartLayoutKind, ChartViewState, DEFAULT_CHART_LAYOUT, panelTimeframesForRun } from '../common/chart-protocol';
import { ChartBarColumns, DEFAULT_SESSION, ReplayEngineSettings, ReplayFrame, ReplayInfo, ReplayService, defaultPriceSource } from '../common/replay-protocol';
import { RunOverlay, RunOverlayService, RunSummary } from '../common/run-overlay-protocol';
import { adjacentEventTick, adjacentTick, eventsAtTick, eventsKnownAt, tradeEntryTicks, tradeSegmentsAt, workingLevelsAt } from '../common/run-overlay-math';
import { PanelIndicator } from '../common/indicator-math';
import { createIndicatorPicker, fillIndicatorPicker, renderIndicatorChips } from './indicator-controls';
import { ChartPanel, FillMark, PanelBar, PanelLevel, PanelLineSnapshot, PanelSnapshot, loadLightweightCharts } from './chart-panel';
import { IndicatorChoice, PanelOverlays } from './panel-overlays';
import { readChartColors } from './chart-theme';
import { TransportBar } from './transport-bar';
import { LiveChartService, LiveChartUpdate, LiveRun, LiveRunStatus } from '../common/live-chart-protocol';
import { LiveChartClientImpl } from './live-chart-client';
import { LIVE_PANEL_INTERVAL_MS, LiveFollow } from '../common/live-follow';

/** Completed bars a frame carries per timeframe; older ones load when the user scrolls back. */
const FRAME_WINDOW = 300;
/** Completed bars a one-tick step carries: enough to overlap what the panels already show. */
const STEP_WINDOW = 8;

export const DEFAULT_CHART_VIEW_STATE: ChartViewState = {
    kind: DEFAULT_CHART_LAYOUT.kind,
    timeframes: DEFAULT_CHART_LAYOUT.timeframes,
    linkTimeScales: DEFAULT_CHART_LAYOUT.linkTimeScales,
    stepTimeframe: '1m',
    speed: '1000/s'
};

/** What the e2e tests and the bench script read and drive (`window.__backtestrCharts`). */
export interface ChartsTestHook {
    openDataset(symbol: string, kind: 'trades' | 'quotes' | 'bars'): Promise<ReplayInfo | undefined>;
    seek(tickIndex: number): Promise<void>;
    stepTick(direction: 1 | -1): Promise<void>;
    stepBar(timeframe: string, direction: 1 | -1): Promise<void>;
    state(): { cursor: number | undefined; time: number | undefined; tickCount: number; panels: PanelSnapshot[] };
    rows(panel: number, count: number): PanelBar[];
    setLayout(kind: ChartLayoutKind): void;
    play(speed: string): void;
    pause(): void;
    /** Milliseconds of each cursor move (RPC + re-simulation + drawing), newest last. */
    timings: number[];
    /** The same moves split: backend compute, RPC transport (the rest of the round trip), drawing. */
    timingParts: { backend: number; rpc: number; draw: number }[];
    /** Lines of the decision panel. */
    decisions(): string[];
    openRun(runId: string, time?: number): Promise<void>;
    jumpEvent(direction: 1 | -1): Promise<void>;
    jumpTrade(direction: 1 | -1): Promise<void>;
    /** Indicators that can be added (built-in and plugins'). */
    indicatorChoices(): Promise<{ id: string; label: string; plugin: boolean }[]>;
    addIndicator(panel: number, id: string, options?: Record<string, unknown>): Promise<void>;
    /** Per panel: the lines drawn (recorded series, indicators), the price levels, and indicator errors. */
    overlays(): { lines: PanelLineSnapshot[]; levels: PanelLevel[]; errors: string[] }[];
    scrollBack(panel: number, bars: number): void;
    /** Per panel: where another panel's crosshair was mirrored (bar time, microseconds) and the visible time range (seconds). */
    sync(): { crosshair: (number | undefined)[]; ranges: ({ from: number; to: number } | undefined)[] };
    /** Switches Theia's colour theme (`dark`, `light`) and reports the colours the panels draw with. */
    setTheme(id: string): void;
    colors(): { editorBackground: string; panels: (string | undefined)[] };
    /**
     * Makes `count` synthetic 1m bars (a stand-in for the backend's store) and draws into panel 0 all of them,
     * or with `visible` only the newest `visible` (what the chart loads: the visible range and a margin);
     * returns the milliseconds until painted, and of drawing one more page of 500 older bars scrolled back to.
     */
    renderSynthetic(count: number, visible?: number): Promise<{ openMs: number; bars: number; olderPageMs: number }>;
    /** Follows a run in progress (as opening the chart on its instrument does). */
    followRun(runId: string): Promise<boolean>;
    /** The run followed live: pushes received, frames drawn, per frame the clock and each panel's newest bar time; its last state when it ended. */
    live(): LiveHookState | undefined;
    /** Bench knob: while false, pushes of a followed run are merged but not drawn (the drawing's share of a run's cost). */
    setLiveDrawing(on: boolean): void;
    /** Bench knob: the least milliseconds between two live draws of one panel (LIVE_PANEL_INTERVAL_MS by default). */
    setLivePanelInterval(ms: number): void;
    /** Bench knob: while false, the view does not follow runs of its instrument on its own. */
    setAutoFollow(on: boolean): void;
    /** The stored runs of the workspace (with their ticks and milliseconds once finished). */
    runs(): Promise<RunSummary[]>;
}

export interface LiveHookState {
    runId: string;
    status: LiveRunStatus;
    ticks: number;
    time: number;
    pushes: number;
    frames: number;
    /** Milliseconds of each draw (merge and series updates, before paint). */
    drawMs: number[];
    skipped: number;
    fills: number;
    trades: number;
    history: { time: number; last: (number | undefined)[] }[];
    final?: { time: number; ticks: number; panels: PanelSnapshot[] };
}

@injectable()
export class ChartViewWidget extends BaseWidget implements StatefulWidget {

    static readonly ID = 'backtestr-charts';
    static readonly LABEL = 'Charts';

    @inject(DatasetService) protected readonly datasets: DatasetService;
    @inject(ReplayService) protected readonly replay: ReplayService;
    @inject(RunOverlayService) protected readonly runs: RunOverlayService;
    @inject(ThemeService) protected readonly themes: ThemeService;
    @inject(MessageService) protected readonly messages: MessageService;
    /** The plugins extension's proxy (bound by its frontend module; one proxy per service path). */
    @inject(PluginService) @optional() protected readonly plugins: PluginService | undefined;
    @inject(LiveChartService) protected readonly liveService: LiveChartService;
    @inject(LiveChartClientImpl) protected readonly liveClient: LiveChartClientImpl;

    /** The run followed live (until it ends and its replay opens). */
    protected live: LiveFollow | undefined;
    protected liveHook: LiveHookState | undefined;
    protected liveFrameRequested = false;
    /** Per panel, while following: a newer state than drawn; bars to set whole; fills or trades changed. */
    protected liveDirty: boolean[] = [];
    protected liveFull: boolean[] = [];
    protected liveOverlay: boolean[] = [];
    /** Per panel: scroll to the newest bars with the next draw (following started, or new panels). */
    protected liveFit: boolean[] = [];
    protected liveLastPanel = -1;
    /** Panels drawn since the hook last counted a whole view. */
    protected readonly liveSwept = new Set<number>();
    protected liveFills: FillMark[] = [];
    /** Per panel: whether it is on screen (an IntersectionObserver's last word; unknown counts as shown). */
    protected panelShown: (boolean | undefined)[] = [];
    protected panelObserver: IntersectionObserver | undefined;
    protected liveDrawing = true;
    protected livePanelInterval = LIVE_PANEL_INTERVAL_MS;
    /** Per panel: when it was last drawn while following (performance.now()). */
    protected liveDrawnAt: number[] = [];
    protected liveTimer: ReturnType<typeof setTimeout> | undefined;
    protected autoFollow = true;

    protected overlays: PanelOverlays;
    protected indicatorChoices: IndicatorChoice[] = [];

    protected viewState: ChartViewState = DEFAULT_CHART_VIEW_STATE;
    protected datasetList: DatasetSummary[] = [];
    protected panels: ChartPanel[] = [];
    protected info: ReplayInfo | undefined;
    protected frame: ReplayFrame | undefined;
    /** Per panel, the completed bars it holds (not `loaded`: the application shell sets `loaded` on widgets). */
    protected panelBars: ChartBarColumns[] = [];
    protected exhausted: boolean[] = [];
    protected loadingOlder: boolean[] = [];
    protected inflight: Promise<void> | undefined;
    protected pendingCursor: number | undefined;
    protected playing = false;
    protected playCarry = 0;
    protected lastFrameTime = 0;
    protected syncingRange = false;
    protected readonly timings: number[] = [];
    protected runList: RunSummary[] = [];
    protected overlay: RunOverlay | undefined;
    /** Dataset tick index of the run's first tick: the run's own tick numbers (event `seq`) start there. */
    protected runFirstTick = 0;
    protected runSelect: HTMLSelectElement;
    /** Run ticks of the selected run's trade entries. */
    protected tradeEntries: number[] = [];
    protected readonly timingParts: { backend: number; rpc: number; draw: number }[] = [];

    protected toolbarNode: HTMLDivElement;
    protected datasetSelect: HTMLSelectElement;
    protected linkBox: HTMLInputElement;
    protected statusNode: HTMLSpanElement;
    protected gridNode: HTMLDivElement;
    protected decisionNode: HTMLDivElement;
    protected transport: TransportBar;

    @postConstruct()
    protected init(): void {
        this.id = ChartViewWidget.ID;
        this.title.label = ChartViewWidget.LABEL;
        this.title.caption = 'Multi-timeframe charts and walkback replay';
        this.title.iconClass = codicon('graph-line');
        this.title.closable = true;
        this.addClass('backtestr-charts');
        this.node.tabIndex = 0;
        this.overlays = new PanelOverlays(this.plugins, () => this.redrawLines());
        this.buildDom();
        this.toDispose.push(this.themes.onDidColorThemeChange(() => setTimeout(() => {
            const colors = readChartColors(this.node);
            this.panels.forEach(p => p.applyColors(colors));
        })));
        const onKey = (e: KeyboardEvent): void => this.handleKey(e);
        this.node.addEventListener('keydown', onKey);
        this.toDispose.push({ dispose: () => this.node.removeEventListener('keydown', onKey) });
        this.installTestHook();
        this.toDispose.push(this.liveClient.onDidStartRun(run => this.onRunStarted(run)));
        this.toDispose.push(this.liveClient.onDidUpdate(update => this.onLiveUpdate(update)));
        this.toDispose.push(this.liveClient.onDidEndRun(({ runId, status }) => this.onRunEnded(runId, status)));
        this.refreshDatasets();
        this.refreshIndicatorChoices();
    }

    // ------------------------------------------------------------------ DOM

    protected buildDom(): void {
        this.toolbarNode = document.createElement('div');
        this.toolbarNode.className = 'backtestr-chart-toolbar';
        this.datasetSelect = document.createElement('select');
        this.datasetSelect.className = 'theia-select';
        this.datasetSelect.dataset.testid = 'chart-dataset';
        this.datasetSelect.title = 'Instrument (tick dataset)';
        this.datasetSelect.addEventListener('change', () => {
            const [id, kind] = this.datasetSelect.value.split(':');
            if (id) {
                this.openDataset({ instrumentId: Number(id), kind: kind as DatasetKey['kind'] }, undefined);
            }
        });
        const layouts = document.createElement('span');
        layouts.className = 'backtestr-chart-layouts';
        for (const kind of [6, 4, 2, 1] as ChartLayoutKind[]) {
            const b = document.createElement('button');
            b.className = 'theia-button secondary';
            b.textContent = String(kind);
            b.title = `${kind} panel${kind > 1 ? 's' : ''}`;
            b.dataset.testid = `chart-layout-${kind}`;
            b.addEventListener('click', () => this.setLayout(kind));
            layouts.append(b);
        }
        const link = document.createElement('label');
        link.className = 'backtestr-chart-link';
        this.linkBox = document.createElement('input');
        this.linkBox.type = 'checkbox';
        this.linkBox.dataset.testid = 'chart-link';
        this.linkBox.addEventListener('change', () => this.viewState = { ...this.viewState, linkTimeScales: this.linkBox.checked });
        link.append(this.linkBox, document.createTextNode(' link zoom/scroll'));
        this.statusNode = document.createElement('span');
        this.statusNode.className = 'backtestr-muted backtestr-chart-status';
        this.statusNode.dataset.testid = 'chart-status';
        this.runSelect = document.createElement('select');
        this.runSelect.className = 'theia-select';
        this.runSelect.dataset.testid = 'chart-run';
        this.runSelect.title = 'Run whose fills, trades and decisions are shown';
        this.runSelect.addEventListener('change', () => this.selectRun(this.runSelect.value || undefined));
        this.toolbarNode.append(this.datasetSelect, this.runSelect, layouts, link, this.statusNode);

        const body = document.createElement('div');
        body.className = 'backtestr-chart-body';
        this.gridNode = document.createElement('div');
        this.gridNode.dataset.testid = 'chart-grid';
        this.decisionNode = document.createElement('div');
        this.decisionNode.className = 'backtestr-decision-panel';
        this.decisionNode.dataset.testid = 'decision-panel';
        body.append(this.gridNode, this.decisionNode);

        this.transport = new TransportBar({
            togglePlay: () => this.playing ? this.pause() : this.play(this.viewState.speed),
            stepTick: d => this.stepTick(d),
            stepBar: d => this.stepBar(this.viewState.stepTimeframe, d),
            seek: k => this.goTo(k),
            toStart: () => this.goTo(0),
            toEnd: () => this.goTo(Number.MAX_SAFE_INTEGER),
            setSpeed: s => this.viewState = { ...this.viewState, speed: s },
            setStepTimeframe: tf => this.viewState = { ...this.viewState, stepTimeframe: tf },
            jumpEvent: d => this.jumpEvent(d),
            jumpTrade: d => this.jumpTrade(d)
        }, this.viewState.speed, this.viewState.stepTimeframe);
        this.transport.setEnabled(false);
        this.node.append(this.toolbarNode, body, this.transport.node);
        this.renderDecisions();
    }

    protected async refreshDatasets(): Promise<void> {
        try {
            this.datasetList = await this.datasets.listDatasets();
        } catch (e) {
            this.status(`Datasets unavailable: ${e instanceof Error ? e.message : String(e)}`);
            return;
        }
        this.datasetSelect.textContent = '';
        const none = document.createElement('option');
        none.value = '';
        none.textContent = this.datasetList.length ? 'Choose an instrument…' : 'No tick datasets: import data first';
        this.datasetSelect.append(none);
        for (const d of this.datasetList) {
            const o = document.createElement('option');
            o.value = `${d.instrumentId}:${d.kind}`;
            o.textContent = `${d.symbol} ${d.kind} (${d.tickCount.toLocaleString()} ${d.kind === 'bars' ? `${d.timeframe ?? ''} bars` : 'ticks'})`;
            this.datasetSelect.append(o);
        }
        const ds = this.viewState.dataset;
        this.datasetSelect.value = ds ? `${ds.instrumentId}:${ds.kind}` : '';
    }

    protected status(text: string): void {
        this.statusNode.textContent = text;
    }

    protected createPanels(): void {
        this.panels.forEach(p => p.dispose());
        const colors = readChartColors(this.node);
        const kind = this.viewState.kind;
        this.gridNode.className = `backtestr-chart-grid backtestr-chart-grid-${kind}`;
        this.panels = this.viewState.timeframes.slice(0, kind).map((tf, i) => {
            const panel = new ChartPanel(tf, colors);
            const pick = document.createElement('select');
            pick.className = 'theia-select backtestr-chart-panel-timeframe';
            pick.dataset.testid = `panel-timeframe-${i}`;
            for (const t of CHART_TIMEFRAMES) {
                const o = document.createElement('option');
                o.value = t;
                o.textContent = t;
                pick.append(o);
            }
            pick.value = tf;
            pick.addEventListener('change', () => this.setPanelTimeframe(i, pick.value));
            const header = document.createElement('div');
            header.className = 'backtestr-chart-panel-header';
            header.append(pick, this.indicatorPicker(i), this.indicatorChips(i));
            panel.node.prepend(header);
            panel.onCrosshair(({ time }) => this.panels.forEach(other => other !== panel && other.showCrosshairAt(time)));
            panel.onTimeRange(({ from, to }) => this.syncRange(panel, from, to));
            panel.onRange(({ range }) => this.loadOlder(i, range.from, range.to));
            this.gridNode.append(panel.node);
            return panel;
        });
        this.panelBars = this.panels.map(() => EMPTY_BARS);
        this.liveDirty = this.panels.map(() => true);
        this.liveFull = this.panels.map(() => true);
        this.liveOverlay = this.panels.map(() => true);
        this.liveFit = this.panels.map(() => true);
        this.liveDrawnAt = [];
        this.liveSwept.clear();
        this.observePanels();
        this.exhausted = this.panels.map(() => false);
        this.loadingOlder = this.panels.map(() => false);
        if (this.isAttached) {
            this.attachPanels();
        }
    }

    /** Tracks which panels are on screen: while following, one off screen (or behind another tab) is not drawn until it shows. */
    protected observePanels(): void {
        this.panelObserver?.disconnect();
        this.panelShown = this.panels.map(() => undefined);
        if (typeof IntersectionObserver === 'undefined') {
            return;
        }
        const observer = new IntersectionObserver(entries => {
            let shown = false;
            for (const e of entries) {
                const i = this.panels.findIndex(p => p.node === e.target);
                if (i >= 0) {
                    this.panelShown[i] = e.isIntersecting;
                    shown ||= e.isIntersecting;
                }
            }
            if (shown) {
                this.requestLiveFrame();
            }
        });
        this.panels.forEach(p => observer.observe(p.node));
        this.panelObserver = observer;
    }

    protected override onAfterShow(msg: Message): void {
        super.onAfterShow(msg);
        this.requestLiveFrame();
    }

    protected attachPanels(): void {
        const tickSize = this.info?.tickSize;
        Promise.all(this.panels.map(p => p.attach())).then(() => {
            if (tickSize) {
                this.panels.forEach(p => p.setTickSize(tickSize));
            }
            if (this.live) {
                this.drawLive();
            } else if (this.frame) {
                // new panels hold no bars yet: a full window at the same cursor
                this.goTo(this.frame.tickIndex, true);
            }
        });
    }

    protected override onAfterAttach(msg: Message): void {
        super.onAfterAttach(msg);
        if (this.panels.length === 0) {
            this.createPanels();
        } else {
            this.attachPanels();
        }
    }

    protected override onActivateRequest(msg: Message): void {
        super.onActivateRequest(msg);
        this.node.focus();
    }

    protected renderDecisions(): void {
        const f = this.frame;
        const d = this.decisionNode;
        d.textContent = '';
        const add = (className: string, text: string, testId?: string): HTMLDivElement => {
            const el = document.createElement('div');
            el.className = className;
            el.textContent = text;
            if (testId) {
                el.dataset.testid = testId;
            }
            d.append(el);
            return el;
        };
        add('backtestr-decision-title', 'Decisions at the cursor');
        add('backtestr-muted', f ? `tick ${f.tickIndex + 1}, ${new Date(f.time / 1000).toISOString()}, price ${Number(f.price.toPrecision(10))}` : 'No cursor yet.');
        const o = this.overlay;
        if (!o || !f) {
            add('backtestr-muted', this.runList.length
                ? 'Choose a run above to list its order events and their reasons here.'
                : 'No stored run of this instrument: run a backtest to see its order events and reasons here.');
            return;
        }
        const e = o.events;
        const line = (i: number): string => {
            const price = Number.isFinite(e.price[i]) ? ` @ ${Number(e.price[i].toPrecision(10))}` : '';
            const tag = o.eventTags[i] ? ` (${o.eventTags[i]})` : '';
            return `${new Date(e.time[i] / 1000).toISOString().slice(11, 23)} order ${e.order[i]} ${e.kind[i]} ${e.reason[i]}${price} qty ${e.qty[i]}${tag}`;
        };
        const here = eventsAtTick(e, f.tickIndex - this.runFirstTick);
        add('backtestr-decision-subtitle', here.length ? 'At this tick' : 'No order event at this tick');
        for (const i of here) {
            add('backtestr-decision-event backtestr-decision-here', line(i), 'decision-event');
        }
        const known = eventsKnownAt(e, f.tickIndex - this.runFirstTick);
        if (known > 0) {
            add('backtestr-decision-subtitle', 'Before');
            for (let i = known - 1; i >= Math.max(0, known - 10); i--) {
                if (!here.includes(i)) {
                    add('backtestr-decision-event', line(i));
                }
            }
        }
        const logs = upperBound(o.logs.time, f.time);
        if (logs > 0) {
            add('backtestr-decision-subtitle', 'Strategy log');
            for (let i = logs - 1; i >= Math.max(0, logs - 5); i--) {
                add('backtestr-decision-event', `${new Date(o.logs.time[i] / 1000).toISOString().slice(11, 23)} ${o.logs.message[i]}`);
            }
        }
    }

    protected async refreshRuns(instrumentId: number, kind: string): Promise<void> {
        try {
            this.runList = (await this.runs.listRuns(instrumentId)).filter(r => r.kind === kind);
        } catch {
            this.runList = [];
        }
        this.runSelect.textContent = '';
        const none = document.createElement('option');
        none.value = '';
        none.textContent = this.runList.length ? 'No run overlay' : 'No runs';
        this.runSelect.append(none);
        for (const r of this.runList) {
            const o = document.createElement('option');
            o.value = r.id;
            o.textContent = `${r.label} (${r.trades} trades)`;
            this.runSelect.append(o);
        }
        this.runSelect.value = this.overlay && this.runList.some(r => r.id === this.overlay!.run.id) ? this.overlay.run.id : '';
    }

    /** The engine settings of the replay of `dataset`: the selected run's own when it is a run of that dataset. */
    protected engineFor(dataset: DatasetKey): ReplayEngineSettings | undefined {
        const r = this.overlay?.run;
        return r && r.instrumentId === dataset.instrumentId && r.kind === dataset.kind
            ? { priceSource: r.priceSource, session: r.session, timeframes: r.timeframes }
            : undefined;
    }

    /** Whether an open replay runs the engine as `settings` ask (the defaults when undefined). */
    protected runsAs(info: ReplayInfo, settings: ReplayEngineSettings | undefined): boolean {
        return info.priceSource === (settings?.priceSource ?? defaultPriceSource(info.dataset.kind))
            && info.session === (settings?.session ?? DEFAULT_SESSION)
            && (settings?.timeframes ?? []).every(t => info.engineTimeframes.includes(t));
    }

    async selectRun(runId: string | undefined): Promise<void> {
        const hadRun = this.overlay !== undefined;
        this.overlay = undefined;
        this.tradeEntries = [];
        this.runFirstTick = 0;
        if (runId && this.info) {
            try {
                const overlay = await this.runs.readRun(runId);
                this.overlay = overlay;
                this.tradeEntries = tradeEntryTicks(overlay.events);
                // the replay runs the engine as the run did: its price source, session and timeframes
                if (!this.runsAs(this.info, this.engineFor(this.info.dataset))) {
                    await this.openDataset(this.info.dataset, this.frame?.tickIndex);
                }
                if (!this.info) {
                    return;
                }
                const first = overlay.run.firstTime;
                this.runFirstTick = first === undefined ? 0 : (await this.replay.tickIndexAt(this.info.id, first - 1)) + 1;
            } catch (e) {
                this.overlay = undefined;
                this.status(`Run: ${e instanceof Error ? e.message : String(e)}`);
            }
        } else if (hadRun && this.info && !this.runsAs(this.info, undefined)) {
            await this.openDataset(this.info.dataset, this.frame?.tickIndex);
        }
        this.runSelect.value = this.overlay?.run.id ?? '';
        if (this.frame) {
            this.applyFrame(this.frame, false);
        }
    }

    /** Fills and trade segments known at the cursor. */
    protected overlayAt(frame: ReplayFrame): { fills: FillMark[]; segments: ReturnType<typeof tradeSegmentsAt> } {
        const o = this.overlay;
        if (!o) {
            return { fills: [], segments: [] };
        }
        const e = o.events;
        const fills: FillMark[] = [];
        const known = eventsKnownAt(e, frame.tickIndex - this.runFirstTick);
        for (let i = 0; i < known; i++) {
            if (e.kind[i] === 'filled') {
                const before = i > 0 ? e.position[i - 1] : 0;
                const side = e.position[i] > before ? 1 : -1;
                fills.push({ time: e.time[i], price: e.price[i], side, text: `${side > 0 ? 'B' : 'S'} ${e.qty[i]} ${e.reason[i]}` });
            }
        }
        const knownTime = known > 0 ? e.time[known - 1] : -Infinity;
        return { fills, segments: tradeSegmentsAt(o.trades, knownTime, frame.time, frame.price) };
    }

    // ------------------------------------------------------------------ overlays: recorded series, indicators, order levels

    protected panelIndicators(i: number): readonly PanelIndicator[] {
        return this.viewState.indicators?.[i] ?? [];
    }

    protected setPanelIndicators(i: number, list: readonly PanelIndicator[]): void {
        const all = Array.from({ length: 6 }, (_, k) => this.viewState.indicators?.[k] ?? []);
        all[i] = list;
        this.viewState = { ...this.viewState, indicators: all };
        this.overlays.reset();
        this.refreshChips(i);
        if (this.live) {
            this.liveDirty[i] = true;
            this.requestLiveFrame();
        } else if (this.frame) {
            this.renderLines(this.frame);
        }
    }

    async refreshIndicatorChoices(): Promise<IndicatorChoice[]> {
        this.indicatorChoices = await this.overlays.choices();
        this.gridNode.querySelectorAll('.backtestr-chart-panel-indicator').forEach(select => fillIndicatorPicker(select as HTMLSelectElement, this.indicatorChoices));
        this.panels.forEach((_, i) => this.refreshChips(i));
        return this.indicatorChoices;
    }

    async addIndicator(panel: number, id: string, options?: Record<string, unknown>): Promise<void> {
        if (!this.indicatorChoices.some(c => c.id === id)) {
            await this.refreshIndicatorChoices();
        }
        const choice = this.indicatorChoices.find(c => c.id === id);
        if (!choice) {
            this.status(`No indicator '${id}': install and enable the plugin that contributes it.`);
            return;
        }
        this.setPanelIndicators(panel, [...this.panelIndicators(panel), { id, options: options ?? { ...choice.defaultOptions } }]);
    }

    protected indicatorPicker(i: number): HTMLSelectElement {
        const select = createIndicatorPicker(i, () => this.refreshIndicatorChoices(), id => this.addIndicator(i, id));
        fillIndicatorPicker(select, this.indicatorChoices);
        return select;
    }

    protected indicatorChips(i: number): HTMLSpanElement {
        const chips = document.createElement('span');
        chips.className = 'backtestr-chart-indicators';
        this.fillChips(i, chips);
        return chips;
    }

    protected refreshChips(i: number): void {
        const chips = this.panels[i]?.node.querySelector('.backtestr-chart-indicators');
        if (chips) {
            this.fillChips(i, chips as HTMLElement);
        }
    }

    protected fillChips(i: number, chips: HTMLElement): void {
        renderIndicatorChips(chips, this.panelIndicators(i), this.indicatorChoices, {
            change: (k, indicator) => this.setPanelIndicators(i, this.panelIndicators(i).map((x, j) => j === k ? indicator : x)),
            remove: k => this.setPanelIndicators(i, this.panelIndicators(i).filter((_, j) => j !== k)),
            error: message => this.status(message)
        });
    }

    /** A plugin indicator's values arrived: drawn with the next live frame while following, else at the replay cursor. */
    protected redrawLines(): void {
        if (this.live) {
            this.panels.forEach((_, i) => this.liveDirty[i] ||= this.panelIndicators(i).length > 0);
            this.requestLiveFrame();
        } else if (this.frame) {
            this.renderLines(this.frame);
        }
    }

    /** Recorded series up to the cursor, the panels' indicators and the working orders' levels. */
    protected renderLines(frame: ReplayFrame): void {
        const o = this.overlay;
        const levels: PanelLevel[] = o ? workingLevelsAt(o.orders, o.events, frame.tickIndex - this.runFirstTick).map(l => ({
            price: l.price,
            title: `${l.kind === 'stop' ? 'stop' : 'limit'} ${l.side > 0 ? 'buy' : 'sell'} #${l.order}${l.tag ? ` ${l.tag}` : ''}`,
            color: l.kind === 'stop' ? '#d16969' : '#4ec9b0'
        })) : [];
        this.panels.forEach((panel, i) => {
            const bars = this.panelBars[i] ?? EMPTY_BARS;
            const partial = panel.forming;
            panel.setLines([
                ...this.overlays.recordedLines(panel, bars, partial, o, frame.time),
                ...this.overlays.indicatorLines(i, bars, partial, this.panelIndicators(i), this.indicatorChoices)
            ]);
            panel.setLevels(levels);
        });
    }

    // ------------------------------------------------------------------ replay

    async openDataset(dataset: DatasetKey, cursor: number | undefined, follow = true): Promise<ReplayInfo | undefined> {
        this.pause();
        // indicator states belong to the bars of one replay (its engine settings): none carried over
        this.overlays.reset();
        if (this.live && (this.live.run.run.instrumentId !== dataset.instrumentId || this.live.run.run.kind !== dataset.kind)) {
            this.stopFollowing();
        }
        this.viewState = { ...this.viewState, dataset: { instrumentId: dataset.instrumentId, kind: dataset.kind }, cursor };
        const summary = this.datasetList.find(d => d.instrumentId === dataset.instrumentId && d.kind === dataset.kind);
        this.title.label = summary ? `${ChartViewWidget.LABEL}: ${summary.symbol}` : ChartViewWidget.LABEL;
        this.datasetSelect.value = `${dataset.instrumentId}:${dataset.kind}`;
        this.status('Indexing the dataset with the engine…');
        this.transport.setEnabled(false);
        this.info = undefined;
        this.frame = undefined;
        this.panelBars = this.panels.map(() => EMPTY_BARS);
        if (this.overlay && (this.overlay.run.instrumentId !== dataset.instrumentId || this.overlay.run.kind !== dataset.kind)) {
            this.overlay = undefined;
            this.panels.forEach(p => p.setOverlay([], []));
        }
        try {
            const info = await this.replay.open({ dataset, timeframes: this.viewState.timeframes, engine: this.engineFor(dataset) });
            this.info = info;
            this.panels.forEach(p => p.setTickSize(info.tickSize));
            await this.refreshRuns(dataset.instrumentId, dataset.kind);
            this.transport.setRange(info.tickCount);
            this.transport.setEnabled(true);
            const points = info.pointsPerBar ? ` (${info.pointsPerBar} path points per imported bar)` : '';
            this.status(`${info.tickCount.toLocaleString()} ticks${points}, ${info.sessions} sessions, price ${info.priceSource}, session ${info.session} (indexed in ${info.prepareMs} ms)`);
            if (follow && !this.live) {
                // a run of this instrument in progress: follow it
                const running = (await this.liveService.activeRuns()).find(r => r.run.instrumentId === dataset.instrumentId && r.run.kind === dataset.kind);
                if (running && await this.followRun(running)) {
                    return info;
                }
            }
            await this.goTo(cursor ?? info.tickCount - 1, true);
            return info;
        } catch (e) {
            this.status(`Cannot open the chart: ${e instanceof Error ? e.message : String(e)}`);
            return undefined;
        }
    }

    /** Opens a run's dataset with the run's overlay, the cursor at the last tick at or before `time` (its first tick when absent). */
    async openRun(runId: string, time: number | undefined): Promise<void> {
        const active = (await this.liveService.activeRuns()).find(r => r.run.id === runId);
        if (active && await this.followRun(active)) {
            return;
        }
        const run = (await this.runs.listRuns()).find(r => r.id === runId);
        if (!run) {
            this.status(`No run ${runId} in the workspace database.`);
            return;
        }
        await this.refreshDatasets();
        const timeframes = panelTimeframesForRun(run.timeframes, this.viewState.timeframes, this.viewState.kind);
        if (timeframes !== this.viewState.timeframes) {
            this.viewState = { ...this.viewState, timeframes };
            this.createPanels();
        }
        try {
            this.overlay = await this.runs.readRun(runId);
        } catch (e) {
            this.status(`Run: ${e instanceof Error ? e.message : String(e)}`);
        }
        const info = await this.openDataset({ instrumentId: run.instrumentId, kind: run.kind }, undefined);
        if (!info) {
            return;
        }
        await this.selectRun(runId);
        const at = time ?? run.firstTime;
        if (at !== undefined) {
            await this.goTo(Math.max(0, await this.replay.tickIndexAt(info.id, at)), true);
        }
    }

    protected currentCursor(): number {
        return this.pendingCursor ?? this.frame?.tickIndex ?? 0;
    }

    /** Moves the cursor; while a move is in flight, only the latest request is kept. Resolves when shown. */
    async goTo(tickIndex: number, fit = false, window = FRAME_WINDOW): Promise<void> {
        const info = this.info;
        if (!info) {
            return;
        }
        const k = Math.max(0, Math.min(info.tickCount - 1, Math.trunc(tickIndex)));
        if (this.live) {
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
                if (this.info !== info) {
                    return;
                }
                const received = performance.now();
                this.frame = frame;
                this.viewState = { ...this.viewState, cursor: frame.tickIndex };
                this.applyFrame(frame, fit);
                const done = performance.now();
                this.timings.push(done - started);
                this.timingParts.push({ backend: frame.computeMs, rpc: received - started - frame.computeMs, draw: done - received });
                if (this.timings.length > 1000) {
                    this.timings.splice(0, this.timings.length - 1000);
                    this.timingParts.splice(0, this.timingParts.length - 1000);
                }
            } catch (e) {
                this.status(`Replay: ${e instanceof Error ? e.message : String(e)}`);
            }
        })();
        await this.inflight;
        this.inflight = undefined;
        const next = this.pendingCursor;
        this.pendingCursor = undefined;
        if (next !== undefined && next !== this.frame?.tickIndex) {
            await this.goTo(next);
        }
    }

    protected applyFrame(frame: ReplayFrame, fit: boolean): void {
        this.panels.forEach((panel, i) => {
            const j = frame.timeframes.indexOf(panel.timeframe);
            if (j < 0) {
                return;
            }
            const window = frame.completed[j];
            const prev = this.panelBars[i];
            let bars: ChartBarColumns;
            if (window.count === 0) {
                bars = EMPTY_BARS;
            } else if (prev.count >= window.count && prev.time[prev.count - 1] === window.time[window.count - 1] && prev.time[0] <= window.time[0]) {
                bars = prev; // completed bars are immutable: the window is already there
            } else if (prev.count > 0 && window.time[0] <= prev.time[prev.count - 1]) {
                bars = prependBars(prev, window);
            } else {
                bars = window;
                this.exhausted[i] = false;
            }
            this.panelBars[i] = bars;
            const p = frame.partial;
            const partial: PanelBar | undefined = Number.isNaN(p.time[j]) ? undefined
                : { time: p.time[j], open: p.open[j], high: p.high[j], low: p.low[j], close: p.close[j], volume: p.volume[j] };
            panel.setBars(bars, partial, fit);
            panel.setCursor(frame.time);
        });
        if (this.overlay) {
            const { fills, segments } = this.overlayAt(frame);
            this.panels.forEach(p => p.setOverlay(fills, segments));
        }
        this.renderLines(frame);
        if (this.info) {
            this.transport.show(frame.tickIndex, this.info.tickCount, frame.time, frame.price);
        }
        this.node.dataset.cursor = String(frame.tickIndex);
        this.renderDecisions();
    }

    protected async loadOlder(i: number, from: number, to: number): Promise<void> {
        if (this.live) {
            return; // the panels hold the run's bars, not the replay's
        }
        const info = this.info;
        const have = this.panelBars[i];
        const n = olderBarsToLoad(from, to, this.exhausted[i] || !info || !have || have.count === 0);
        if (n === 0 || this.loadingOlder[i] || !info) {
            return;
        }
        this.loadingOlder[i] = true;
        try {
            const panel = this.panels[i];
            const older = await this.replay.bars(info.id, panel.timeframe, have.time[0], n);
            if (this.info !== info || this.panelBars[i] !== have) {
                return;
            }
            if (older.count < n) {
                this.exhausted[i] = true;
            }
            if (older.count > 0) {
                this.panelBars[i] = prependBars(older, have);
                panel.setBars(this.panelBars[i], panel.forming, false);
                if (this.frame) {
                    this.renderLines(this.frame);
                }
            }
        } finally {
            this.loadingOlder[i] = false;
        }
    }

    protected syncRange(source: ChartPanel, from: number, to: number): void {
        if (!this.viewState.linkTimeScales || this.syncingRange) {
            return;
        }
        this.syncingRange = true;
        try {
            this.panels.forEach(p => p !== source && p.setVisibleTimeRange(from, to));
        } finally {
            requestAnimationFrame(() => this.syncingRange = false);
        }
    }

    stepTick(direction: 1 | -1): Promise<void> {
        // One tick moves a panel by at most one bar: a short window joins the bars already shown.
        return this.goTo(this.currentCursor() + direction, false, this.inflight ? FRAME_WINDOW : STEP_WINDOW);
    }

    async stepBar(timeframe: string, direction: 1 | -1): Promise<void> {
        if (!this.info) {
            return;
        }
        const k = await this.replay.stepBar(this.info.id, this.currentCursor(), timeframe, direction);
        await this.goTo(k);
    }

    /** To the selected run's next or previous order event (the tick it happened at). */
    async jumpEvent(direction: 1 | -1): Promise<void> {
        const o = this.overlay;
        if (!o) {
            this.status('Choose a run to jump between its order events.');
            return;
        }
        const t = adjacentEventTick(o.events, this.currentCursor() - this.runFirstTick, direction);
        if (t === undefined) {
            this.status(`No ${direction > 0 ? 'later' : 'earlier'} order event in this run.`);
            return;
        }
        await this.goTo(this.runFirstTick + t);
    }

    /** To the entry tick (the entry fill) of the selected run's next or previous trade. */
    async jumpTrade(direction: 1 | -1): Promise<void> {
        const o = this.overlay;
        if (!o) {
            this.status('Choose a run to jump between its trades.');
            return;
        }
        const t = adjacentTick(this.tradeEntries, this.currentCursor() - this.runFirstTick, direction);
        if (t === undefined) {
            this.status(`No ${direction > 0 ? 'later' : 'earlier'} trade in this run.`);
            return;
        }
        await this.goTo(this.runFirstTick + t);
    }

    play(speed: string): void {
        if (!this.info || this.playing) {
            return;
        }
        this.viewState = { ...this.viewState, speed };
        this.playing = true;
        this.playCarry = 0;
        this.lastFrameTime = performance.now();
        this.transport.setPlaying(true);
        const tick = (now: number): void => {
            if (!this.playing || !this.info || !this.frame) {
                return;
            }
            const elapsed = now - this.lastFrameTime;
            this.lastFrameTime = now;
            if (!this.inflight) {
                const s = parseSpeed(this.viewState.speed);
                if ('ticksPerSecond' in s) {
                    const step = ticksToAdvance(s.ticksPerSecond, elapsed, this.playCarry);
                    this.playCarry = step.carry;
                    if (step.ticks > 0) {
                        this.advance(this.frame.tickIndex + step.ticks);
                    }
                } else {
                    const info = this.info;
                    const target = this.frame.time + elapsed * 1000 * s.realTime;
                    this.replay.tickIndexAt(info.id, target).then(k => this.advance(Math.max(k, this.frame?.tickIndex ?? k)));
                }
            } else {
                this.playCarry = 0;
            }
            requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
    }

    protected advance(k: number): void {
        if (this.info && k >= this.info.tickCount - 1) {
            this.goTo(this.info.tickCount - 1);
            this.pause();
            return;
        }
        this.goTo(k);
    }

    pause(): void {
        this.playing = false;
        this.transport?.setPlaying(false);
    }

    setLayout(kind: ChartLayoutKind): void {
        this.viewState = { ...this.viewState, kind };
        this.createPanels();
    }

    protected setPanelTimeframe(i: number, timeframe: string): void {
        const timeframes = [...this.viewState.timeframes];
        timeframes[i] = timeframe;
        this.viewState = { ...this.viewState, timeframes };
        this.panels[i].setTimeframe(timeframe);
        this.panelBars[i] = EMPTY_BARS;
        this.overlays.reset();
        if (this.viewState.dataset) {
            this.openDataset(this.viewState.dataset, this.frame?.tickIndex);
        }
    }

    protected handleKey(e: KeyboardEvent): void {
        if ((e.target as HTMLElement).tagName === 'SELECT' || (e.target as HTMLElement).tagName === 'INPUT' && (e.target as HTMLInputElement).type !== 'range') {
            return;
        }
        const handled = (() => {
            switch (e.key) {
                case ' ': this.playing ? this.pause() : this.play(this.viewState.speed); return true;
                case 'ArrowRight': e.shiftKey ? this.stepBar(this.viewState.stepTimeframe, 1) : this.stepTick(1); return true;
                case 'ArrowLeft': e.shiftKey ? this.stepBar(this.viewState.stepTimeframe, -1) : this.stepTick(-1); return true;
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

    // ------------------------------------------------------------------ state

    storeState(): object {
        return { ...this.viewState, cursor: this.frame?.tickIndex ?? this.viewState.cursor };
    }

    restoreState(oldState: object): void {
        const s = oldState as Partial<ChartViewState>;
        const kind = [1, 2, 4, 6].includes(Number(s.kind)) ? Number(s.kind) as ChartLayoutKind : DEFAULT_CHART_VIEW_STATE.kind;
        const timeframes = Array.isArray(s.timeframes) && s.timeframes.length === 6 && s.timeframes.every(t => CHART_TIMEFRAMES.includes(t))
            ? s.timeframes : DEFAULT_CHART_VIEW_STATE.timeframes;
        this.viewState = {
            kind, timeframes,
            linkTimeScales: s.linkTimeScales === true,
            stepTimeframe: CHART_TIMEFRAMES.includes(s.stepTimeframe ?? '') ? s.stepTimeframe! : DEFAULT_CHART_VIEW_STATE.stepTimeframe,
            speed: typeof s.speed === 'string' ? s.speed : DEFAULT_CHART_VIEW_STATE.speed,
            dataset: s.dataset, cursor: typeof s.cursor === 'number' ? s.cursor : undefined,
            indicators: Array.isArray(s.indicators) ? s.indicators.map(list => Array.isArray(list)
                ? list.filter(x => typeof x?.id === 'string').map(x => ({ id: x.id, options: typeof x.options === 'object' && x.options ? x.options : {} }))
                : []) : undefined
        };
        this.linkBox.checked = this.viewState.linkTimeScales;
        this.createPanels();
        if (this.viewState.dataset) {
            this.refreshDatasets().then(() => this.openDataset(this.viewState.dataset!, this.viewState.cursor));
        }
    }

    // ------------------------------------------------------------------ test hook

    protected installTestHook(): void {
        const hook: ChartsTestHook = {
            openDataset: async (symbol, kind) => {
                await this.refreshDatasets();
                const d = this.datasetList.find(x => x.symbol === symbol && x.kind === kind);
                return d ? this.openDataset({ instrumentId: d.instrumentId, kind: d.kind }, undefined) : undefined;
            },
            seek: k => this.goTo(k),
            stepTick: d => this.stepTick(d),
            stepBar: (tf, d) => this.stepBar(tf, d),
            state: () => ({ cursor: this.frame?.tickIndex, time: this.frame?.time, tickCount: this.info?.tickCount ?? 0, panels: this.panels.map(p => p.snapshot()) }),
            rows: (panel, count) => {
                const data = this.panels[panel]?.data;
                return data ? this.panels[panel].rows(data.count - count, data.count) : [];
            },
            setLayout: kind => this.setLayout(kind),
            play: speed => this.play(speed),
            pause: () => this.pause(),
            timings: this.timings,
            timingParts: this.timingParts,
            renderSynthetic: (count, visible) => this.renderSynthetic(count, visible),
            followRun: async runId => {
                const run = (await this.liveService.activeRuns()).find(r => r.run.id === runId);
                return run ? this.followRun(run) : false;
            },
            live: () => this.liveHook,
            runs: () => this.runs.listRuns(),
            setLiveDrawing: on => this.liveDrawing = on,
            setLivePanelInterval: ms => this.livePanelInterval = ms,
            setAutoFollow: on => this.autoFollow = on,
            decisions: () => Array.from(this.decisionNode.children, c => c.textContent ?? ''),
            openRun: (runId, time) => this.openRun(runId, time),
            jumpEvent: d => this.jumpEvent(d),
            jumpTrade: d => this.jumpTrade(d),
            indicatorChoices: async () => (await this.refreshIndicatorChoices()).map(c => ({ id: c.id, label: c.label, plugin: c.plugin })),
            addIndicator: (panel, id, options) => this.addIndicator(panel, id, options),
            overlays: () => this.panels.map((p, i) => ({
                lines: p.lineSnapshot(), levels: [...p.shownLevels],
                errors: this.panelIndicators(i).map((_, k) => this.overlays.errors.get(`${i}:${k}`)).filter((e): e is string => e !== undefined)
            })),
            scrollBack: (panel, bars) => this.panels[panel]?.scrollBack(bars),
            sync: () => ({ crosshair: this.panels.map(p => p.crosshairBarTime), ranges: this.panels.map(p => p.visibleTimeRange()) }),
            setTheme: id => this.themes.setCurrentTheme(id, false),
            colors: () => ({ editorBackground: readChartColors(this.node).background, panels: this.panels.map(p => p.background()) })
        };
        (window as unknown as { __backtestrCharts?: ChartsTestHook }).__backtestrCharts = hook;
        this.toDispose.push({ dispose: () => delete (window as unknown as { __backtestrCharts?: ChartsTestHook }).__backtestrCharts });
    }

    protected async renderSynthetic(count: number, visible?: number): Promise<{ openMs: number; bars: number; olderPageMs: number }> {
        await loadLightweightCharts();
        this.pause();
        this.stopFollowing();
        this.info = undefined;
        const time = new Float64Array(count), open = new Float64Array(count), high = new Float64Array(count);
        const low = new Float64Array(count), close = new Float64Array(count), volume = new Float64Array(count);
        let price = 100;
        const start = Date.UTC(2010, 0, 4) * 1000;
        for (let i = 0; i < count; i++) {
            const o = price;
            price = Math.max(1, price + Math.sin(i * 0.37) * 0.2 + Math.cos(i * 0.011) * 0.1);
            time[i] = start + i * 60e6;
            open[i] = o;
            close[i] = price;
            high[i] = Math.max(o, price) + 0.05;
            low[i] = Math.min(o, price) - 0.05;
            volume[i] = 100 + (i % 50);
        }
        const all: ChartBarColumns = { count, time, open, high, low, close, volume };
        const painted = (): Promise<void> => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
        const shown = visible === undefined ? all : sliceBars(all, count - visible, count);
        const started = performance.now();
        this.panels[0].setBars(shown, undefined, true);
        await painted();
        const openMs = performance.now() - started;
        let olderPageMs = NaN;
        if (shown.count < count) {
            const t0 = performance.now();
            this.panels[0].setBars(prependBars(sliceBars(all, count - shown.count - 500, count - shown.count), shown), undefined, false);
            await painted();
            olderPageMs = performance.now() - t0;
        }
        return { openMs, bars: shown.count, olderPageMs };
    }

    // ------------------------------------------------------------------ live run

    protected onRunStarted(run: LiveRun): void {
        const ds = this.viewState.dataset;
        if (this.autoFollow && !this.live && ds && ds.instrumentId === run.run.instrumentId && ds.kind === run.run.kind && this.isAttached) {
            this.followRun(run);
        }
    }

    /** Shows a run in progress: the bars as its strategy has seen them, its fills and trades, the cursor at its clock. */
    async followRun(run: LiveRun): Promise<boolean> {
        if (this.live?.runId === run.run.id) {
            return true;
        }
        this.stopFollowing();
        this.pause();
        const live = new LiveFollow(run);
        this.live = live;
        this.liveHook = { runId: live.runId, status: 'running', ticks: 0, time: 0, pushes: 0, frames: 0, drawMs: [], skipped: 0, fills: 0, trades: 0, history: [] };
        this.overlay = undefined;
        this.runSelect.value = '';
        this.transport.setEnabled(false);
        const ds = this.viewState.dataset;
        if (!ds || ds.instrumentId !== run.run.instrumentId || ds.kind !== run.run.kind) {
            await this.refreshDatasets();
            await this.openDataset({ instrumentId: run.run.instrumentId, kind: run.run.kind }, undefined, false);
            this.live = live;
            this.transport.setEnabled(false);
        }
        const snapshot = await this.liveService.follow(run.run.id);
        if (this.live !== live) {
            return false;
        }
        if (!snapshot) {
            this.live = undefined;
            this.liveHook = undefined;
            this.transport.setEnabled(this.info !== undefined);
            return false;
        }
        live.merge(snapshot);
        const timeframes = panelTimeframesForRun(live.timeframes, this.viewState.timeframes, this.viewState.kind);
        if (timeframes !== this.viewState.timeframes) {
            this.viewState = { ...this.viewState, timeframes };
            this.createPanels();
        }
        this.drawLive();
        return true;
    }

    protected stopFollowing(): void {
        if (this.live) {
            const runId = this.live.runId;
            this.live = undefined;
            this.liveService.unfollow(runId).catch(() => undefined);
            this.transport.setEnabled(this.info !== undefined);
        }
    }

    protected onLiveUpdate(update: LiveChartUpdate): void {
        const live = this.live;
        if (!live || live.runId !== update.runId) {
            return;
        }
        live.pending.push(update);
        this.requestLiveFrame();
    }

    /** At most one live frame in flight: it merges the queued pushes and draws one panel. */
    protected requestLiveFrame(): void {
        if (this.liveFrameRequested || !this.live) {
            return;
        }
        this.liveFrameRequested = true;
        requestAnimationFrame(() => {
            this.liveFrameRequested = false;
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
            this.liveMerged(live);
        }
        if (!this.liveDrawing) {
            return;
        }
        const i = this.nextLivePanel();
        if (i < 0) {
            return;
        }
        this.drawLivePanel(live, i);
        this.countLiveView(live);
        this.liveHook?.drawMs.push(performance.now() - started);
        if (this.nextLivePanel() >= 0) {
            this.requestLiveFrame();
        }
    }

    /** Index of the next panel to draw (after the last one drawn), or -1 when every panel on screen shows the newest state. */
    protected nextLivePanel(): number {
        if (!this.isVisible) {
            return -1; // behind another tab: drawn when shown
        }
        const n = this.panels.length;
        const now = performance.now();
        let wait = Infinity;
        for (let k = 1; k <= n; k++) {
            const i = (this.liveLastPanel + k) % n;
            if (this.liveDirty[i] && this.panelShown[i] !== false) {
                const due = (this.liveDrawnAt[i] ?? -Infinity) + this.livePanelInterval - now;
                if (due <= 0 || this.liveFit[i]) {
                    return i;
                }
                wait = Math.min(wait, due);
            }
        }
        if (wait < Infinity && !this.liveTimer) {
            // a panel drew less than LIVE_PANEL_INTERVAL_MS ago: its newer state waits (and takes what arrives meanwhile)
            this.liveTimer = setTimeout(() => {
                this.liveTimer = undefined;
                this.requestLiveFrame();
            }, wait);
        }
        return -1;
    }

    /** After a merge: every panel has a newer state to draw; the status line and the test hook say what the run reached. */
    protected liveMerged(live: LiveFollow): void {
        this.panels.forEach((panel, i) => {
            this.liveDirty[i] = true;
            if (live.redraw.has(panel.timeframe)) {
                this.liveFull[i] = true;
            }
            if (live.overlayChanged) {
                this.liveOverlay[i] = true;
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
            this.liveFills = fills;
            live.overlayChanged = false;
        }
        this.node.dataset.live = live.runId;
        // the figures first: the status line is one line, cut where the toolbar ends
        this.status(`Live: ${live.ticks.toLocaleString()} ticks, ${new Date(live.time / 1000).toISOString().replace('T', ' ').slice(0, 19)}`
            + `, ${live.fills.time.length} fills, ${live.trades.side.length} trades${live.skipped ? `, ${live.skipped} bars not shown (more per push than the engine reports)` : ''}`
            + ` (${live.run.run.label})`);
        const hook = this.liveHook;
        if (hook && hook.runId === live.runId) {
            Object.assign(hook, { ticks: live.ticks, time: live.time, pushes: live.pushes, skipped: live.skipped, fills: live.fills.time.length, trades: live.trades.side.length });
        }
    }

    /** Draws panel `i` at the followed run's newest state: new bars and the forming one, the cursor, fills and trades when they changed, its indicators. */
    protected drawLivePanel(live: LiveFollow, i: number): void {
        const panel = this.panels[i];
        const fit = this.liveFit[i];
        this.liveDrawnAt[i] = performance.now();
        this.liveDirty[i] = false;
        this.liveLastPanel = i;
        const bars = live.bars.get(panel.timeframe);
        if (!bars) {
            panel.setBars(EMPTY_BARS, undefined, fit);
            this.panelBars[i] = EMPTY_BARS;
        } else {
            const view = bars.view();
            this.panelBars[i] = view;
            const partial = live.partial.get(panel.timeframe);
            panel.setBars(view, partial, fit || this.liveFull[i]);
            panel.setCursor(live.time);
            if (this.liveOverlay[i] || fit) {
                panel.setOverlay(this.liveFills, tradeSegmentsAt(live.trades, live.time, live.time, NaN));
            }
            if (fit || this.panelIndicators(i).length > 0 || panel.lineCount > 0) {
                // the panel's indicators, built-in ones extended by the new bars only, plugin ones once per reply of their host
                panel.setLines(this.overlays.indicatorLines(i, view, partial, this.panelIndicators(i), this.indicatorChoices));
            }
        }
        if (fit) {
            panel.setLevels([]);
        }
        this.liveFull[i] = false;
        this.liveFit[i] = false;
        this.liveOverlay[i] = false;
        this.liveSwept.add(i);
    }

    /** For the test hook: every panel on screen drawn since the last count is one whole view shown (at most one per push). */
    protected countLiveView(live: LiveFollow): void {
        const hook = this.liveHook;
        if (hook && hook.runId === live.runId && this.liveSwept.size > 0 && this.panels.every((_, k) => this.liveSwept.has(k) || this.panelShown[k] === false)) {
            this.liveSwept.clear();
            hook.frames++;
            if (hook.history.length < 2000) {
                hook.history.push({ time: live.time, last: this.panels.map(p => p.forming?.time ?? p.snapshot().lastCompleted?.time) });
            }
        }
    }

    protected async onRunEnded(runId: string, status: LiveRunStatus): Promise<void> {
        const live = this.live;
        if (!live || live.runId !== runId) {
            return;
        }
        if (live.mergePending()) {
            this.liveMerged(live);
        }
        // every panel at the last state, on screen or not (the replay opens from it)
        if (this.liveDirty.some(d => d)) {
            this.panels.forEach((_, i) => this.liveDirty[i] && this.drawLivePanel(live, i));
            this.panels.forEach((_, i) => this.liveSwept.add(i));
            this.countLiveView(live);
        }
        live.status = status;
        const hook = this.liveHook;
        if (hook) {
            hook.status = status;
            hook.final = { time: live.time, ticks: live.ticks, panels: this.panels.map(p => p.snapshot()) };
        }
        this.live = undefined;
        if (status === 'finished') {
            // the run is stored: its replay at its last tick (the state the panels show now)
            await this.openRun(runId, live.time);
        } else {
            this.transport.setEnabled(this.info !== undefined);
            this.status(`Run ${status}: the panels show its state at its last report (${live.ticks.toLocaleString()} ticks).`);
        }
    }

    /**
     * Shows the followed run in every panel, scrolled to the newest bars (when following starts or the panels
     * are new): the panels are drawn one per animation frame as for a push, not all in one long frame.
     */
    protected drawLive(): void {
        const live = this.live;
        if (!live) {
            return;
        }
        live.overlayChanged = true;
        this.overlays.reset();
        this.liveMerged(live);
        this.liveSwept.clear();
        this.panels.forEach((_, i) => {
            this.liveFull[i] = true;
            this.liveFit[i] = true;
        });
        this.decisionNode.textContent = '';
        const title = document.createElement('div');
        title.className = 'backtestr-decision-title';
        title.textContent = 'Following a run in progress';
        const note = document.createElement('div');
        note.className = 'backtestr-muted';
        note.textContent = 'The panels show the bars as the strategy has seen them, its fills and trades, its indicators, and the engine\'s clock. '
            + 'When the run ends, it opens here in replay at its last tick with its order events and reasons.';
        this.decisionNode.append(title, note);
        this.requestLiveFrame();
    }

    override dispose(): void {
        this.panelObserver?.disconnect();
        clearTimeout(this.liveTimer);
        this.stopFollowing();
        this.pause();
        this.panels.forEach(p => p.dispose());
        super.dispose();
    }
}
