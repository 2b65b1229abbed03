// *****************************************************************************
// `window.__backtestrCharts`: what the e2e tests and the bench scripts read and drive of the chart view,
// and the synthetic bars they time the drawing with.
// *****************************************************************************

import { Disposable } from '@theia/core/lib/common/disposable';
import { ThemeService } from '@theia/core/lib/browser/theming';
import { DatasetKey, DatasetSummary } from '@backtestr/workspace-store';
import { prependBars, sliceBars } from '../common/bar-math';
import { ChartLayoutKind } from '../common/chart-protocol';
import { ChartBarColumns, ReplayFrame, ReplayInfo } from '../common/replay-protocol';
import { RunOverlayService, RunSummary } from '../common/run-overlay-protocol';
import { PanelIndicator } from '../common/indicator-math';
import { LiveChartService } from '../common/live-chart-protocol';
import { ChartPanel, PanelBar, PanelLevel, PanelLineSnapshot, PanelSnapshot, loadLightweightCharts } from './chart-panel';
import { readChartColors } from './chart-theme';
import { IndicatorChoice, PanelOverlays } from './panel-overlays';
import { DEFAULT_LIVE_FOLLOW_OPTIONS, LiveFollowController } from './live-follow-controller';
import { LiveFollowRecorder, LiveHookState } from './live-follow-recorder';

export type { LiveHookState } from './live-follow-recorder';
import type { ReplayCursorController } from './replay-cursor-controller';

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
    /** For the live bench (LiveFollowOptions.drawing): while false, pushes of a followed run are merged but not drawn. */
    setLiveDrawing(on: boolean): void;
    /** For the live bench (LiveFollowOptions.panelIntervalMs): the least milliseconds between two live draws of one panel. */
    setLivePanelInterval(ms: number): void;
    /** For the live bench (LiveFollowOptions.autoFollow): while false, the view does not follow runs of its instrument on its own. */
    setAutoFollow(on: boolean): void;
    /** The stored runs of the workspace (with their ticks and milliseconds once finished). */
    runs(): Promise<RunSummary[]>;
}

/** What the test hook reads and drives of the chart view. */
export interface ChartsTestHookHost {
    readonly node: HTMLElement;
    readonly decisionNode: HTMLElement;
    readonly cursor: ReplayCursorController;
    readonly liveFollow: LiveFollowController;
    readonly overlays: PanelOverlays;
    readonly liveService: LiveChartService;
    readonly runs: RunOverlayService;
    readonly themes: ThemeService;
    panels(): readonly ChartPanel[];
    info(): ReplayInfo | undefined;
    frame(): ReplayFrame | undefined;
    /** The tick datasets, listed again. */
    datasets(): Promise<DatasetSummary[]>;
    openDataset(dataset: DatasetKey, cursor: number | undefined): Promise<ReplayInfo | undefined>;
    openRun(runId: string, time: number | undefined): Promise<void>;
    setLayout(kind: ChartLayoutKind): void;
    refreshIndicatorChoices(): Promise<IndicatorChoice[]>;
    addIndicator(panel: number, id: string, options?: Record<string, unknown>): Promise<void>;
    panelIndicators(i: number): readonly PanelIndicator[];
    /** Stops playback and following and closes the replay (before drawing synthetic bars). */
    clearForSynthetic(): void;
}

/**
 * Installs `window.__backtestrCharts` for the view, and a recorder of the live following as its observer;
 * disposing removes both and puts the following's options back to the defaults.
 */
export function installChartsTestHook(host: ChartsTestHookHost): Disposable {
    const { cursor, liveFollow } = host;
    const recorder = new LiveFollowRecorder(() => host.panels());
    liveFollow.observer = recorder;
    const hook: ChartsTestHook = {
        openDataset: async (symbol, kind) => {
            const d = (await host.datasets()).find(x => x.symbol === symbol && x.kind === kind);
            return d ? host.openDataset({ instrumentId: d.instrumentId, kind: d.kind }, undefined) : undefined;
        },
        seek: k => cursor.goTo(k),
        stepTick: d => cursor.stepTick(d),
        stepBar: (tf, d) => cursor.stepBar(tf, d),
        state: () => ({ cursor: host.frame()?.tickIndex, time: host.frame()?.time, tickCount: host.info()?.tickCount ?? 0, panels: host.panels().map(p => p.snapshot()) }),
        rows: (panel, count) => {
            const panels = host.panels();
            const data = panels[panel]?.data;
            return data ? panels[panel].rows(data.count - count, data.count) : [];
        },
        setLayout: kind => host.setLayout(kind),
        play: speed => cursor.play(speed),
        pause: () => cursor.pause(),
        timings: cursor.timings,
        timingParts: cursor.timingParts,
        renderSynthetic: async (count, visible) => {
            await loadLightweightCharts();
            host.clearForSynthetic();
            return renderSynthetic(host.panels()[0], count, visible);
        },
        followRun: async runId => {
            const run = (await host.liveService.activeRuns()).find(r => r.run.id === runId);
            return run ? liveFollow.followRun(run) : false;
        },
        live: () => recorder.state,
        runs: () => host.runs.listRuns(),
        setLiveDrawing: on => liveFollow.configure({ drawing: on }),
        setLivePanelInterval: ms => liveFollow.configure({ panelIntervalMs: ms }),
        setAutoFollow: on => liveFollow.configure({ autoFollow: on }),
        decisions: () => Array.from(host.decisionNode.children, c => c.textContent ?? ''),
        openRun: (runId, time) => host.openRun(runId, time),
        jumpEvent: d => cursor.jumpEvent(d),
        jumpTrade: d => cursor.jumpTrade(d),
        indicatorChoices: async () => (await host.refreshIndicatorChoices()).map(c => ({ id: c.id, label: c.label, plugin: c.plugin })),
        addIndicator: (panel, id, options) => host.addIndicator(panel, id, options),
        overlays: () => host.panels().map((p, i) => ({
            lines: p.lineSnapshot(), levels: [...p.shownLevels],
            errors: host.panelIndicators(i).map((_, k) => host.overlays.errors.get(`${i}:${k}`)).filter((e): e is string => e !== undefined)
        })),
        scrollBack: (panel, bars) => host.panels()[panel]?.scrollBack(bars),
        sync: () => ({ crosshair: host.panels().map(p => p.crosshairBarTime), ranges: host.panels().map(p => p.visibleTimeRange()) }),
        setTheme: id => host.themes.setCurrentTheme(id, false),
        colors: () => ({ editorBackground: readChartColors(host.node).background, panels: host.panels().map(p => p.background()) })
    };
    (window as unknown as { __backtestrCharts?: ChartsTestHook }).__backtestrCharts = hook;
    return Disposable.create(() => {
        delete (window as unknown as { __backtestrCharts?: ChartsTestHook }).__backtestrCharts;
        if (liveFollow.observer === recorder) {
            liveFollow.observer = undefined;
        }
        liveFollow.configure(DEFAULT_LIVE_FOLLOW_OPTIONS);
    });
}

/** Draws `count` synthetic 1m bars (or the newest `visible` of them, then one page of 500 older ones) into `panel`, timing each until painted. */
async function renderSynthetic(panel: ChartPanel, count: number, visible?: number): Promise<{ openMs: number; bars: number; olderPageMs: number }> {
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
    panel.setBars(shown, undefined, true);
    await painted();
    const openMs = performance.now() - started;
    let olderPageMs = NaN;
    if (shown.count < count) {
        const t0 = performance.now();
        panel.setBars(prependBars(sliceBars(all, count - shown.count - 500, count - shown.count), shown), undefined, false);
        await painted();
        olderPageMs = performance.now() - t0;
    }
    return { openMs, bars: shown.count, olderPageMs };
}
