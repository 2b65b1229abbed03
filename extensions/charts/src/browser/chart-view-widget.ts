// *****************************************************************************
// The chart view: a grid of 6/4/2/1 panels (one timeframe each) of one instrument at a replay
// cursor, a transport bar and a decision panel. Every panel shows the engine's state at the
// cursor: completed bars up to it (never later ones) and the forming bar. The replay cursor,
// following a run in progress and the test hook are their own classes, wired here.
// *****************************************************************************

import { inject, injectable, optional, postConstruct } from '@theia/core/shared/inversify';
import { PluginService } from '@backtestr/plugins';
import { BaseWidget, Message, StatefulWidget, codicon } from '@theia/core/lib/browser';
import { ThemeService } from '@theia/core/lib/browser/theming';
import { MessageService } from '@theia/core/lib/common/message-service';
import { DatasetKey, DatasetService, DatasetSummary } from '@backtestr/data-import';
import { EMPTY_BARS, prependBars } from '../common/bar-math';
import { CHART_TIMEFRAMES, ChartLayoutKind, ChartViewState, DEFAULT_CHART_LAYOUT, panelTimeframesForRun } from '../common/chart-protocol';
import { ChartBarColumns, DEFAULT_SESSION, ReplayEngineSettings, ReplayFrame, ReplayInfo, ReplayService, defaultPriceSource } from '../common/replay-protocol';
import { RunOverlay, RunOverlayService, RunSummary } from '../common/run-overlay-protocol';
import { tradeEntryTicks, workingLevelsAt } from '../common/run-overlay-math';
import { PanelIndicator } from '../common/indicator-math';
import { createIndicatorPicker, fillIndicatorPicker, renderIndicatorChips } from './indicator-controls';
import { ChartPanel, PanelBar, PanelLevel } from './chart-panel';
import { IndicatorChoice, PanelOverlays } from './panel-overlays';
import { readChartColors } from './chart-theme';
import { TransportBar } from './transport-bar';
import { LiveChartService, LiveRun } from '../common/live-chart-protocol';
import { LiveChartClientImpl } from './live-chart-client';
import { LiveFollowController } from './live-follow-controller';
import { FRAME_WINDOW, ReplayCursorController } from './replay-cursor-controller';
import { installChartsTestHook } from './charts-test-hook';
import { renderDecisions, runOverlayAt } from './decision-panel';

export type { ChartsTestHook, LiveHookState } from './charts-test-hook';

export const DEFAULT_CHART_VIEW_STATE: ChartViewState = {
    kind: DEFAULT_CHART_LAYOUT.kind,
    timeframes: DEFAULT_CHART_LAYOUT.timeframes,
    linkTimeScales: DEFAULT_CHART_LAYOUT.linkTimeScales,
    stepTimeframe: '1m',
    speed: '1000/s'
};

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
    protected indicatorChoices: IndicatorChoice[] = [];

    protected viewState: ChartViewState = DEFAULT_CHART_VIEW_STATE;
    protected datasetList: DatasetSummary[] = [];
    protected panels: ChartPanel[] = [];
    protected info: ReplayInfo | undefined;
    protected frame: ReplayFrame | undefined;
    /** Per panel, the completed bars it holds (not `loaded`: the application shell sets `loaded` on widgets). */
    protected panelBars: ChartBarColumns[] = [];
    protected syncingRange = false;
    protected runList: RunSummary[] = [];
    protected overlay: RunOverlay | undefined;
    /** Dataset tick index of the run's first tick: the run's own tick numbers (event `seq`) start there. */
    protected runFirstTick = 0;
    protected runSelect: HTMLSelectElement;
    /** Run ticks of the selected run's trade entries. */
    protected tradeEntries: number[] = [];

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
        this.installTestHook();
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
            run: () => ({ overlay: this.overlay, firstTick: this.runFirstTick, tradeEntries: this.tradeEntries }),
            showFrame: (frame, fit) => {
                this.frame = frame;
                this.viewState = { ...this.viewState, cursor: frame.tickIndex };
                this.applyFrame(frame, fit);
            },
            renderLines: frame => this.renderLines(frame),
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
            indicatorChoices: () => this.indicatorChoices,
            panelIndicators: i => this.panelIndicators(i),
            status: text => this.status(text),
            pause: () => this.pause(),
            clearRunOverlay: () => {
                this.overlay = undefined;
                this.runSelect.value = '';
            },
            refreshDatasets: () => this.refreshDatasets(),
            openDataset: (dataset, cursor, follow) => this.openDataset(dataset, cursor, follow),
            openRun: (runId, time) => this.openRun(runId, time),
            setPanelTimeframes: timeframes => this.setPanelTimeframes(timeframes)
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
            panelIndicators: i => this.panelIndicators(i),
            clearForSynthetic: () => {
                this.pause();
                this.liveFollow.stopFollowing();
                this.info = undefined;
            }
        }));
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
        renderDecisions(this.decisionNode, this.frame, this.overlay, this.runFirstTick, this.runList.length > 0);
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
        if (this.liveFollow.live) {
            this.liveFollow.invalidatePanel(i);
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
        if (this.liveFollow.live) {
            this.liveFollow.invalidateIndicators();
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
        const live = this.liveFollow.live;
        if (live && (live.run.run.instrumentId !== dataset.instrumentId || live.run.run.kind !== dataset.kind)) {
            this.liveFollow.stopFollowing();
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
        if (this.overlay) {
            const { fills, segments } = runOverlayAt(this.overlay, this.runFirstTick, frame);
            this.panels.forEach(p => p.setOverlay(fills, segments));
        }
        this.renderLines(frame);
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
