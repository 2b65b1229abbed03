// *****************************************************************************
// The lines a panel draws over its candles at the replay cursor: the run's recorded series
// (only values recorded up to the cursor) and the panel's indicators, built-in ones computed
// here over the panel's bars, plugin ones by their plugin host (one call per change of the
// completed bars, never per tick).
// *****************************************************************************

import type { IndicatorDescriptor, PluginService } from '@backtestr/plugins';
import { CORE_INDICATORS } from '@backtestr/plugins-sdk';
import { upperBound } from '../common/bar-math';
import { ChartBarColumns } from '../common/replay-protocol';
import { RunOverlay } from '../common/run-overlay-protocol';
import { seriesKnownAt } from '../common/run-overlay-math';
import { IndicatorColumns, IndicatorRun, PanelIndicator, coreIndicator, indicatorShortLabel } from '../common/indicator-math';
import { ChartPanel, PanelBar, PanelLine } from './chart-panel';

const PALETTE = ['#f0b429', '#4098ff', '#c586c0', '#4ec9b0', '#ce9178', '#d16969', '#b5cea8', '#9cdcfe'];
/** Recorded series: colours apart from the indicators'. */
const RECORD_PALETTE = ['#ff8c00', '#00b7c3', '#b180d7', '#8fbc8f'];
/** Built-in indicators whose values are not prices: drawn on their own scale under the candles. */
const OSCILLATORS = new Set(['core.rsi', 'core.atr', 'core.macd', 'core.stochastic', 'core.adx']);

/** An indicator the user can add: a built-in one or a plugin's. */
export interface IndicatorChoice {
    readonly id: string;
    readonly label: string;
    readonly defaultOptions: Readonly<Record<string, unknown>>;
    readonly outputs: readonly { readonly id: string; readonly kind: 'line' | 'histogram' | 'band' }[];
    readonly plugin: boolean;
}

interface PluginResult {
    bars: ChartBarColumns | undefined;
    result?: IndicatorColumns;
    inflight: boolean;
}

export class PanelOverlays {
    protected readonly pluginResults = new Map<string, PluginResult>();
    protected readonly coreRuns = new Map<string, IndicatorRun>();
    /** Why an indicator of a panel cannot be drawn, by `panel:index`. */
    readonly errors = new Map<string, string>();

    constructor(protected readonly plugins: PluginService | undefined, protected readonly redraw: () => void) { }

    /** The run's recorded series known at `cursorTime`, one point per bar of the panel (the last recorded in it). */
    recordedLines(panel: ChartPanel, bars: ChartBarColumns, partial: PanelBar | undefined, overlay: RunOverlay | undefined, cursorTime: number): PanelLine[] {
        if (!overlay) {
            return [];
        }
        const from = bars.count > 0 ? bars.time[0] : partial?.time ?? Infinity;
        return Object.keys(overlay.series).sort().map((name, k) => {
            const s = overlay.series[name];
            const known = seriesKnownAt(s.time, cursorTime);
            const time: number[] = [];
            const value: number[] = [];
            // only the points from the panel's first loaded bar on: a step costs the window, not the run
            for (let i = upperBound(s.time, from - 1); i < known; i++) {
                const t = panel.barTimeOf(s.time[i]);
                if (t === undefined) {
                    continue;
                }
                if (time.length > 0 && time[time.length - 1] === t) {
                    value[value.length - 1] = s.value[i];
                } else {
                    time.push(t);
                    value.push(s.value[i]);
                }
            }
            return {
                key: `record:${name}`, title: name, color: RECORD_PALETTE[k % RECORD_PALETTE.length], kind: 'line', scale: 'price',
                time: Float64Array.from(time), value: Float64Array.from(value)
            };
        });
    }

    /** Lines of a panel's indicators over its completed bars (and, for built-in ones, the forming bar). */
    indicatorLines(panelIndex: number, bars: ChartBarColumns, partial: PanelBar | undefined, indicators: readonly PanelIndicator[],
        choices: readonly IndicatorChoice[]): PanelLine[] {
        const out: PanelLine[] = [];
        indicators.forEach((ind, k) => {
            const errorKey = `${panelIndex}:${k}`;
            const choice = choices.find(c => c.id === ind.id);
            let columns: IndicatorColumns | undefined;
            try {
                const core = coreIndicator(ind.id);
                if (core) {
                    // completed bars run once (later ones through the same state); a step only peeks at the forming bar
                    const key = `${panelIndex}:${k}:${ind.id}:${JSON.stringify(ind.options)}`;
                    let run = this.coreRuns.get(key);
                    if (!run || (run.bars !== bars && !run.extend(bars))) {
                        run = new IndicatorRun(core, ind.options, bars);
                        this.coreRuns.set(key, run);
                    }
                    columns = run.withForming(partial);
                } else {
                    columns = this.pluginColumns(`${panelIndex}:${k}:${ind.id}:${JSON.stringify(ind.options)}`, ind, bars);
                }
                this.errors.delete(errorKey);
            } catch (e) {
                this.errors.set(errorKey, e instanceof Error ? e.message : String(e));
            }
            if (!columns) {
                return;
            }
            const label = indicatorShortLabel(ind);
            const outputs = choice?.outputs ?? Object.keys(columns.values).map(id => ({ id, kind: 'line' as const }));
            outputs.forEach((o, j) => {
                const v = columns!.values[o.id];
                if (!v) {
                    return;
                }
                const value = v.map((x, i) => columns!.defined[i] ? x : NaN);
                out.push({
                    key: `indicator:${k}:${ind.id}:${o.id}`, title: j === 0 ? label : '', color: PALETTE[(k * 3 + j) % PALETTE.length],
                    kind: o.kind, scale: OSCILLATORS.has(ind.id) ? `osc-${k}` : 'price', time: columns!.time, value
                });
            });
        });
        return out;
    }

    /** A plugin indicator's values over `bars`: the last result, and a new computation when the bars changed. */
    protected pluginColumns(key: string, ind: PanelIndicator, bars: ChartBarColumns): IndicatorColumns | undefined {
        if (!this.plugins) {
            throw new Error('Plugin indicators need the plugins extension.');
        }
        let entry = this.pluginResults.get(key);
        if (!entry) {
            entry = { bars: undefined, inflight: false };
            this.pluginResults.set(key, entry);
        }
        if (entry.bars !== bars && !entry.inflight && bars.count > 0) {
            const e = entry;
            e.inflight = true;
            e.bars = bars;
            const request = { time: bars.time, open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume };
            this.plugins.computeIndicator({ indicatorId: ind.id, options: ind.options, bars: request }).then(
                r => { e.result = { time: r.time, values: r.values, defined: r.defined }; this.errors.delete(key); },
                (error: unknown) => { e.result = undefined; this.errors.set(key, error instanceof Error ? error.message : String(error)); }
            ).finally(() => {
                e.inflight = false;
                this.redraw();
            });
        }
        const failed = this.errors.get(key);
        if (failed) {
            throw new Error(failed);
        }
        return entry.result;
    }

    /** Forgets plugin results (a panel's timeframe or indicators changed). */
    reset(): void {
        this.pluginResults.clear();
        this.coreRuns.clear();
        this.errors.clear();
    }

    /** Built-in indicators and the enabled plugins' ones. */
    async choices(): Promise<IndicatorChoice[]> {
        const core: IndicatorChoice[] = CORE_INDICATORS.map(d => ({
            id: d.id, label: d.label, defaultOptions: d.defaultOptions as Record<string, unknown>, outputs: d.outputs, plugin: false
        }));
        let plugin: IndicatorChoice[] = [];
        try {
            const list = (await this.plugins?.listContributions('indicators')) ?? [];
            plugin = (list.filter(c => c.kind === 'indicators') as IndicatorDescriptor[]).map(d => ({
                id: d.id, label: d.label, defaultOptions: d.defaultOptions, outputs: d.outputs, plugin: true
            }));
        } catch {
            plugin = [];
        }
        return [...core, ...plugin];
    }
}
