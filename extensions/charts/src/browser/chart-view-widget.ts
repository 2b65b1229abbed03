// *****************************************************************************
// The chart view: a grid of 6/4/2/1 panels (one timeframe each) of one instrument at a replay
// cursor, a transport bar and a decision panel. Every panel shows the engine's state at the
// cursor: completed bars up to it (never later ones) and the forming bar. The replay cursor,
// following a run in progress, the selected run, the panels' indicators, the toolbar and the test
// hook are their own classes, wired here.
// *****************************************************************************

import { inject, injectable, optional, postConstruct } from '@theia/core/shared/inversify';
import { PluginService } from '@backtestr/plugins';
import { BaseWidget, Message, StatefulWidget, codicon } from '@theia/core/lib/browser';
import { ThemeService } from '@theia/core/lib/browser/theming';
import { MessageService } from '@theia/core/lib/common/message-service';
import { DatasetKey, DatasetSummary } from '@backtestr/workspace-store';
import { DatasetService } from '@backtestr/data-import';
import { EMPTY_BARS, prependBars } from '../common/bar-math';
import { CHART_TIMEFRAMES, ChartLayoutKind, ChartViewState, panelTimeframesForRun } from '../common/chart-protocol';
import { ChartBarColumns, ReplayFrame, ReplayInfo, ReplayService } from '../common/replay-protocol';
import { RunOverlayService } from '../common/run-overlay-protocol';
import { ChartPanel, PanelBar } from './chart-panel';
import { IndicatorChoice, PanelOverlays } from './panel-overlays';
import { readChartColors } from './chart-theme';
import { TransportBar } from './transport-bar';
import { LiveChartService, LiveRun } from '../common/live-chart-protocol';
import { LiveChartClientImpl } from './live-chart-client';
import { LiveFollowController } from './live-follow-controller';
import { FRAME_WINDOW, ReplayCursorController } from './replay-cursor-controller';
import { installChartsTestHook } from './charts-test-hook';
import { testHooksRequested } from '../common/test-hook-flag';
import { renderDecisions, runOverlayAt } from './decision-panel';
import { PanelIndicatorController } from './panel-indicator-controller';
import { ChartToolbar } from './chart-toolbar';
import { RunSelectionController } from './run-selection-controller';
import { DEFAULT_CHART_VIEW_STATE, restoredChartViewState } from './chart-view-state';

export type { ChartsTestHook, LiveHookState } from './charts-test-hook';

export { DEFAULT_CHART_VIEW_STATE } from './chart-view-state';

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

    /** Following a run in progress (until it ends and its replay opens). */
    protected liveFollow: LiveFollowController;
    /** The replay cursor: moves, playback, keys, older bars. */
    protected cursor: ReplayCursorController;

    protected overlays: PanelOverlays;
    /** The panels' indicators and the lines drawn at the cursor. */
    protected indicators: PanelIndicatorController;

    protected viewState: ChartViewState = DEFAULT_CHART_VIEW_STATE;
    protected datasetList: DatasetSummary[] = [];
    protected panels: ChartPanel[] = [];
    protected info: ReplayInfo | undefined;
    protected frame: ReplayFrame | undefined;
    /** Per panel, the completed bars it holds (not `loaded`: the application shell sets `loaded` on widgets). */
    protected panelBars: ChartBarColumns[] = [];
    protected syncingRange = false;
    /** The selected run: its overlay, first tick and trade entries; the runs to choose from. */
    protected runSelection: RunSelectionController;

    protected toolbar: ChartToolbar;
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
        this.overlays = new PanelOverlays(this.plugins, () => this.indicators.redrawLines());
        this.indicators = this.createIndicators();
        this.runSelection = this.createRunSelection();
        this.cursor = this.createCursor();
        this.liveFollow = this.createLiveFollow();
        this.buildDom();
        this.toDispose.push(this.themes.onDidColorThemeChange(() => setTimeout(() => {
            const colors = readChartColors(this.node);
            this.panels.forEach(p => p.applyColors(colors));
        })));
        const onKey = (e: KeyboardEvent): void => this.cursor.handleKey(e);
        this.node.addEventListener('keydown', onKey);
        this.toDispose.push({ dispose: () => this.node.removeEventListener('keydown', onKey) });
        if (testHooksRequested(window.location.search)) {
            this.installTestHook();
        }
        this.toDispose.push(this.liveClient.onDidStartRun(run => this.liveFollow.onRunStarted(run)));
        this.toDispose.push(this.liveClient.onDidUpdate(update => this.liveFollow.onLiveUpdate(update)));
        this.toDispose.push(this.liveClient.onDidEndRun(({ runId, status }) => this.liveFollow.onRunEnded(runId, status)));
        this.refreshDatasets();
        this.refreshIndicatorChoices();
    }

    protected createCursor(): ReplayCursorController {
        return new ReplayCursorController(this.replay, {
            transport: () => this.transport,
            info: () => this.info,
            frame: () => this.frame,
            following: () => this.liveFollow.live !== undefined,
            viewState: () => this.viewState,
            updateViewState: change => this.viewState = { ...this.viewState, ...change },
            panels: () => this.panels,
            panelBars: () => this.panelBars,
            run: () => ({ overlay: this.runSelection.overlay, firstTick: this.runSelection.firstTick, tradeEntries: this.runSelection.tradeEntries }),
            showFrame: (frame, fit) => {
                this.frame = frame;
                this.viewState = { ...this.viewState, cursor: frame.tickIndex };
                this.applyFrame(frame, fit);
            },
            renderLines: frame => this.indicators.renderLines(frame),
            status: text => this.status(text)
        });
    }

    protected createLiveFollow(): LiveFollowController {
        return new LiveFollowController(this.liveService, {
            node: this.node,
            overlays: this.overlays,
            decisionNode: () => this.decisionNode,
            transport: () => this.transport,
            isVisible: () => this.isVisible,
            isAttached: () => this.isAttached,
            panels: () => this.panels,
            panelBars: () => this.panelBars,
            viewState: () => this.viewState,
            info: () => this.info,
            indicatorChoices: () => this.indicators.choices,
            panelIndicators: i => this.indicators.panelIndicators(i),
            status: text => this.status(text),
            pause: () => this.pause(),
            clearRunOverlay: () => {
                this.runSelection.overlay = undefined;
                this.toolbar.selectRun(undefined);
            },
            refreshDatasets: () => this.refreshDatasets(),
            openDataset: (dataset, cursor, follow) => this.openDataset(dataset, cursor, follow),
            openRun: (runId, time) => this.openRun(runId, time),
            setPanelTimeframes: timeframes => this.setPanelTimeframes(timeframes)
        });
    }

    protected createIndicators(): PanelIndicatorController {
        return new PanelIndicatorController(this.overlays, {
            gridNode: () => this.gridNode,
            panels: () => this.panels,
            panelBars: () => this.panelBars,
            viewState: () => this.viewState,
            updateViewState: change => this.viewState = { ...this.viewState, ...change },
            frame: () => this.frame,
            liveFollow: () => this.liveFollow,
            run: () => ({ overlay: this.runSelection.overlay, firstTick: this.runSelection.firstTick }),
            status: text => this.status(text)
        });
    }

    protected createRunSelection(): RunSelectionController {
        return new RunSelectionController(this.runs, this.replay, {
            info: () => this.info,
            frame: () => this.frame,
            toolbar: () => this.toolbar,
            openDataset: (dataset, cursor) => this.openDataset(dataset, cursor),
            applyFrame: (frame, fit) => this.applyFrame(frame, fit),
            status: text => this.status(text)
        });
    }

    protected installTestHook(): void {
        this.toDispose.push(installChartsTestHook({
            node: this.node,
            decisionNode: this.decisionNode,
            cursor: this.cursor,
            liveFollow: this.liveFollow,
            overlays: this.overlays,
            liveService: this.liveService,
            runs: this.runs,
            themes: this.themes,
            panels: () => this.panels,
            info: () => this.info,
            frame: () => this.frame,
            datasets: async () => {
                await this.refreshDatasets();
                return this.datasetList;
            },
            openDataset: (dataset, cursor) => this.openDataset(dataset, cursor),
            openRun: (runId, time) => this.openRun(runId, time),
            setLayout: kind => this.setLayout(kind),
            refreshIndicatorChoices: () => this.refreshIndicatorChoices(),
            addIndicator: (panel, id, options) => this.addIndicator(panel, id, options),
            panelIndicators: i => this.indicators.panelIndicators(i),
            clearForSynthetic: () => {
                this.pause();
                this.liveFollow.stopFollowing();
                this.info = undefined;
            }
        }));
    }

    // ------------------------------------------------------------------ DOM

    protected buildDom(): void {
        this.toolbar = new ChartToolbar({
            openDataset: dataset => this.openDataset(dataset, undefined),
            selectRun: runId => this.selectRun(runId),
            setLayout: kind => this.setLayout(kind),
            setLinkTimeScales: link => this.viewState = { ...this.viewState, linkTimeScales: link }
        });

        const body = document.createElement('div');
        body.className = 'backtestr-chart-body';
        this.gridNode = document.createElement('div');
        this.gridNode.dataset.testid = 'chart-grid';
        this.decisionNode = document.createElement('div');
        this.decisionNode.className = 'backtestr-decision-panel';
        this.decisionNode.dataset.testid = 'decision-panel';
        body.append(this.gridNode, this.decisionNode);

        this.transport = new TransportBar({
            togglePlay: () => this.cursor.togglePlay(),
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
        this.node.append(this.toolbar.node, body, this.transport.node);
        this.renderDecisions();
    }

    protected async refreshDatasets(): Promise<void> {
        try {
            this.datasetList = await this.datasets.listDatasets();
        } catch (e) {
            this.status(`Datasets unavailable: ${e instanceof Error ? e.message : String(e)}`);
            return;
        }
        this.toolbar.showDatasets(this.datasetList, this.viewState.dataset);
    }

    protected status(text: string): void {
        this.toolbar.status(text);
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
            header.append(pick, this.indicators.picker(i), this.indicators.chips(i));
            panel.node.prepend(header);
            panel.onCrosshair(({ time }) => this.panels.forEach(other => other !== panel && other.showCrosshairAt(time)));
            panel.onTimeRange(({ from, to }) => this.syncRange(panel, from, to));
            panel.onRange(({ range }) => this.cursor.loadOlder(i, range.from, range.to));
            this.gridNode.append(panel.node);
            return panel;
        });
        this.panelBars = this.panels.map(() => EMPTY_BARS);
        this.liveFollow.resetPanels();
        this.cursor.resetPanels(this.panels.length);
        if (this.isAttached) {
            this.attachPanels();
        }
    }

    protected override onAfterShow(msg: Message): void {
        super.onAfterShow(msg);
        this.liveFollow.requestFrame();
    }

    protected attachPanels(): void {
        const tickSize = this.info?.tickSize;
        Promise.all(this.panels.map(p => p.attach())).then(() => {
            if (tickSize) {
                this.panels.forEach(p => p.setTickSize(tickSize));
            }
            if (this.liveFollow.live) {
                this.liveFollow.drawLive();
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
        const { overlay, firstTick, list } = this.runSelection;
        renderDecisions(this.decisionNode, this.frame, overlay, firstTick, list.length > 0);
    }

    /** Selects the run whose fills, trades and decisions are shown (none when undefined). */
    selectRun(runId: string | undefined): Promise<void> {
        return this.runSelection.select(runId);
    }

    // ------------------------------------------------------------------ indicators

    /** Lists the indicators to choose from again (built-in and plugins'): the panels' pickers and chips follow. */
    refreshIndicatorChoices(): Promise<IndicatorChoice[]> {
        return this.indicators.refreshChoices();
    }

    /** Adds the indicator `id` to `panel` (its default options when `options` is absent). */
    addIndicator(panel: number, id: string, options?: Record<string, unknown>): Promise<void> {
        return this.indicators.addIndicator(panel, id, options);
    }

    // ------------------------------------------------------------------ replay

    async openDataset(dataset: DatasetKey, cursor: number | undefined, follow = true): Promise<ReplayInfo | undefined> {
        this.pause();
        // indicator states belong to the bars of one replay (its engine settings): none carried over
        this.overlays.reset();
        const live = this.liveFollow.live;
        if (live && (live.run.run.instrumentId !== dataset.instrumentId || live.run.run.kind !== dataset.kind)) {
            this.liveFollow.stopFollowing();
        }
        this.viewState = { ...this.viewState, dataset: { instrumentId: dataset.instrumentId, kind: dataset.kind }, cursor };
        const summary = this.datasetList.find(d => d.instrumentId === dataset.instrumentId && d.kind === dataset.kind);
        this.title.label = summary ? `${ChartViewWidget.LABEL}: ${summary.symbol}` : ChartViewWidget.LABEL;
        this.toolbar.selectDataset(dataset);
        this.status('Indexing the dataset with the engine…');
        this.transport.setEnabled(false);
        this.info = undefined;
        this.frame = undefined;
        this.panelBars = this.panels.map(() => EMPTY_BARS);
        const overlay = this.runSelection.overlay;
        if (overlay && (overlay.run.instrumentId !== dataset.instrumentId || overlay.run.kind !== dataset.kind)) {
            this.runSelection.overlay = undefined;
            this.panels.forEach(p => p.setOverlay([], []));
        }
        try {
            const info = await this.replay.open({ dataset, timeframes: this.viewState.timeframes, engine: this.runSelection.engineFor(dataset) });
            this.info = info;
            this.panels.forEach(p => p.setTickSize(info.tickSize));
            await this.runSelection.refresh(dataset.instrumentId, dataset.kind);
            this.transport.setRange(info.tickCount);
            this.transport.setEnabled(true);
            const points = info.pointsPerBar ? ` (${info.pointsPerBar} path points per imported bar)` : '';
            this.status(`${info.tickCount.toLocaleString()} ticks${points}, ${info.sessions} sessions, price ${info.priceSource}, session ${info.session} (indexed in ${info.prepareMs} ms)`);
            if (follow && !this.liveFollow.live) {
                // a run of this instrument in progress: follow it
                const running = (await this.liveService.activeRuns()).find(r => r.run.instrumentId === dataset.instrumentId && r.run.kind === dataset.kind);
                if (running && await this.liveFollow.followRun(running)) {
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
        if (active && await this.liveFollow.followRun(active)) {
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
            this.setPanelTimeframes(timeframes);
        }
        try {
            this.runSelection.overlay = await this.runs.readRun(runId);
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

    /** Moves the cursor; while a move is in flight, only the latest request is kept. Resolves when shown. */
    goTo(tickIndex: number, fit = false, window = FRAME_WINDOW): Promise<void> {
        return this.cursor.goTo(tickIndex, fit, window);
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
                this.cursor.windowReplaced(i);
            }
            this.panelBars[i] = bars;
            const p = frame.partial;
            const partial: PanelBar | undefined = Number.isNaN(p.time[j]) ? undefined
                : { time: p.time[j], open: p.open[j], high: p.high[j], low: p.low[j], close: p.close[j], volume: p.volume[j] };
            panel.setBars(bars, partial, fit);
            panel.setCursor(frame.time);
        });
        if (this.runSelection.overlay) {
            const { fills, segments } = runOverlayAt(this.runSelection.overlay, this.runSelection.firstTick, frame);
            this.panels.forEach(p => p.setOverlay(fills, segments));
        }
        this.indicators.renderLines(frame);
        if (this.info) {
            this.transport.show(frame.tickIndex, this.info.tickCount, frame.time, frame.price);
        }
        this.node.dataset.cursor = String(frame.tickIndex);
        this.renderDecisions();
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
        return this.cursor.stepTick(direction);
    }

    stepBar(timeframe: string, direction: 1 | -1): Promise<void> {
        return this.cursor.stepBar(timeframe, direction);
    }

    /** To the selected run's next or previous order event (the tick it happened at). */
    jumpEvent(direction: 1 | -1): Promise<void> {
        return this.cursor.jumpEvent(direction);
    }

    /** To the entry tick (the entry fill) of the selected run's next or previous trade. */
    jumpTrade(direction: 1 | -1): Promise<void> {
        return this.cursor.jumpTrade(direction);
    }

    play(speed: string): void {
        this.cursor.play(speed);
    }

    pause(): void {
        this.cursor.pause();
    }

    setLayout(kind: ChartLayoutKind): void {
        this.viewState = { ...this.viewState, kind };
        this.createPanels();
    }

    protected setPanelTimeframes(timeframes: readonly string[]): void {
        this.viewState = { ...this.viewState, timeframes };
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

    // ------------------------------------------------------------------ state

    storeState(): object {
        return { ...this.viewState, cursor: this.frame?.tickIndex ?? this.viewState.cursor };
    }

    restoreState(oldState: object): void {
        this.viewState = restoredChartViewState(oldState);
        this.toolbar.linkBox.checked = this.viewState.linkTimeScales;
        this.createPanels();
        if (this.viewState.dataset) {
            this.refreshDatasets().then(() => this.openDataset(this.viewState.dataset!, this.viewState.cursor));
        }
    }

    // ------------------------------------------------------------------ live run

    /** Shows a run in progress: the bars as its strategy has seen them, its fills and trades, the cursor at its clock. */
    followRun(run: LiveRun): Promise<boolean> {
        return this.liveFollow.followRun(run);
    }

    override dispose(): void {
        this.liveFollow.dispose();
        this.liveFollow.stopFollowing();
        this.pause();
        this.panels.forEach(p => p.dispose());
        super.dispose();
    }
}
