// *****************************************************************************
// One chart panel: candles and volume of one timeframe (lightweight-charts 5), the forming
// bar drawn hollow and translucent, a vertical time cursor, crosshair and range hooks.
// *****************************************************************************

import type {
    CandlestickData, HistogramData, IChartApi, ISeriesApi, LogicalRange, MouseEventParams, Time, UTCTimestamp
} from 'lightweight-charts' with { 'resolution-mode': 'import' };
import { Disposable, DisposableCollection, Emitter, Event } from '@theia/core/lib/common';
import { barIndexAt } from '../common/bar-math';
import { ChartBarColumns } from '../common/replay-protocol';
import { ChartColors } from './chart-theme';

type LightweightCharts = typeof import('lightweight-charts', { with: { 'resolution-mode': 'import' } });

let library: Promise<LightweightCharts> | undefined;
/** lightweight-charts is ESM-only: loaded once with `import()`. */
export function loadLightweightCharts(): Promise<LightweightCharts> {
    library ??= import('lightweight-charts');
    return library;
}

/** One bar of a panel as numbers (time in microseconds, period start). */
export interface PanelBar {
    readonly time: number;
    readonly open: number;
    readonly high: number;
    readonly low: number;
    readonly close: number;
    readonly volume: number;
}

/** What a panel shows, for the test hook and the data attributes. */
export interface PanelSnapshot {
    readonly timeframe: string;
    readonly bars: number;
    readonly firstTime: number | undefined;
    readonly lastCompleted: PanelBar | undefined;
    readonly partial: PanelBar | undefined;
}

export interface CrosshairMove {
    readonly panel: ChartPanel;
    /** Microseconds, or undefined when the pointer left the panel. */
    readonly time: number | undefined;
}

export class ChartPanel implements Disposable {
    readonly node: HTMLDivElement;
    protected readonly titleNode: HTMLDivElement;
    protected readonly chartNode: HTMLDivElement;
    protected readonly cursorNode: HTMLDivElement;
    protected chart: IChartApi | undefined;
    protected candles: ISeriesApi<'Candlestick'> | undefined;
    protected volume: ISeriesApi<'Histogram'> | undefined;
    protected bars: ChartBarColumns | undefined;
    protected partial: PanelBar | undefined;
    protected cursorTime: number | undefined;
    protected colors: ChartColors;
    protected readonly toDispose = new DisposableCollection();

    protected readonly onCrosshairEmitter = new Emitter<CrosshairMove>();
    readonly onCrosshair: Event<CrosshairMove> = this.onCrosshairEmitter.event;
    protected readonly onRangeEmitter = new Emitter<{ panel: ChartPanel; range: LogicalRange }>();
    /** The visible logical range changed (user scroll or zoom, or new data). */
    readonly onRange: Event<{ panel: ChartPanel; range: LogicalRange }> = this.onRangeEmitter.event;
    protected readonly onTimeRangeEmitter = new Emitter<{ panel: ChartPanel; from: number; to: number }>();
    /** The visible time range changed (seconds). */
    readonly onTimeRange: Event<{ panel: ChartPanel; from: number; to: number }> = this.onTimeRangeEmitter.event;

    constructor(public timeframe: string, colors: ChartColors) {
        this.colors = colors;
        this.node = document.createElement('div');
        this.node.className = 'backtestr-chart-panel';
        this.titleNode = document.createElement('div');
        this.titleNode.className = 'backtestr-chart-panel-title';
        this.chartNode = document.createElement('div');
        this.chartNode.className = 'backtestr-chart-canvas';
        this.cursorNode = document.createElement('div');
        this.cursorNode.className = 'backtestr-chart-cursor';
        this.node.append(this.titleNode, this.chartNode);
        this.chartNode.append(this.cursorNode);
        this.toDispose.pushAll([this.onCrosshairEmitter, this.onRangeEmitter, this.onTimeRangeEmitter]);
        this.updateTitle();
    }

    /** Creates the chart (after the node is in the document). */
    async attach(): Promise<void> {
        const lc = await loadLightweightCharts();
        if (this.toDispose.disposed) {
            return;
        }
        const chart = lc.createChart(this.chartNode, {
            autoSize: true,
            layout: { attributionLogo: false, fontSize: 11 },
            timeScale: { timeVisible: true, secondsVisible: false, rightOffset: 3 },
            crosshair: { mode: lc.CrosshairMode.Normal },
            localization: { dateFormat: 'yyyy-MM-dd' }
        });
        this.chart = chart;
        this.candles = chart.addSeries(lc.CandlestickSeries, { priceLineVisible: false });
        this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.25 } });
        this.volume = chart.addSeries(lc.HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume', lastValueVisible: false, priceLineVisible: false });
        chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
        this.applyColors(this.colors);
        const onMove = (p: MouseEventParams<Time>): void => {
            if (p.sourceEvent === undefined && p.point !== undefined) {
                return; // set programmatically by another panel
            }
            this.onCrosshairEmitter.fire({ panel: this, time: p.time === undefined ? undefined : Number(p.time) * 1e6 });
        };
        chart.subscribeCrosshairMove(onMove);
        const onRange = (range: LogicalRange | null): void => {
            this.placeCursor();
            if (range) {
                this.onRangeEmitter.fire({ panel: this, range });
            }
        };
        chart.timeScale().subscribeVisibleLogicalRangeChange(onRange);
        const onTime = (): void => {
            const r = chart.timeScale().getVisibleRange();
            if (r) {
                this.onTimeRangeEmitter.fire({ panel: this, from: Number(r.from), to: Number(r.to) });
            }
        };
        chart.timeScale().subscribeVisibleTimeRangeChange(onTime);
        chart.timeScale().subscribeSizeChange(() => this.placeCursor());
        this.toDispose.push(Disposable.create(() => {
            chart.unsubscribeCrosshairMove(onMove);
            chart.timeScale().unsubscribeVisibleLogicalRangeChange(onRange);
            chart.timeScale().unsubscribeVisibleTimeRangeChange(onTime);
            chart.remove();
        }));
        if (this.bars) {
            this.render(true);
        }
    }

    applyColors(colors: ChartColors): void {
        this.colors = colors;
        this.chart?.applyOptions({
            layout: { background: { color: colors.background }, textColor: colors.text },
            grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
            rightPriceScale: { borderColor: colors.border },
            timeScale: { borderColor: colors.border }
        });
        this.candles?.applyOptions({ upColor: colors.up, downColor: colors.down, borderUpColor: colors.up, borderDownColor: colors.down, wickUpColor: colors.up, wickDownColor: colors.down });
        this.cursorNode.style.borderColor = colors.cursor;
        if (this.bars) {
            this.render(false);
        }
    }

    setTimeframe(timeframe: string): void {
        this.timeframe = timeframe;
        this.bars = undefined;
        this.partial = undefined;
        this.candles?.setData([]);
        this.volume?.setData([]);
        this.updateTitle();
    }

    /** Completed bars (oldest first) and the forming bar; `fit` scrolls to the newest bars. */
    setBars(bars: ChartBarColumns, partial: PanelBar | undefined, fit = false): void {
        this.bars = bars;
        this.partial = partial;
        this.render(fit);
    }

    get data(): ChartBarColumns | undefined {
        return this.bars;
    }

    get forming(): PanelBar | undefined {
        return this.partial;
    }

    protected render(fit: boolean): void {
        const bars = this.bars;
        if (!this.candles || !this.volume || !bars) {
            this.updateTitle();
            return;
        }
        const c = this.colors;
        const n = bars.count + (this.partial ? 1 : 0);
        const candles = new Array<CandlestickData<Time>>(n);
        const volume = new Array<HistogramData<Time>>(n);
        for (let i = 0; i < bars.count; i++) {
            const time = (bars.time[i] / 1e6) as UTCTimestamp;
            const open = bars.open[i], close = bars.close[i];
            candles[i] = { time, open, high: bars.high[i], low: bars.low[i], close };
            volume[i] = { time, value: bars.volume[i], color: withVolumeAlpha(close >= open ? c.up : c.down) };
        }
        const p = this.partial;
        if (p) {
            const time = (p.time / 1e6) as UTCTimestamp;
            const up = p.close >= p.open;
            candles[n - 1] = {
                time, open: p.open, high: p.high, low: p.low, close: p.close,
                color: up ? c.partialUp : c.partialDown, borderColor: up ? c.up : c.down, wickColor: up ? c.up : c.down
            };
            volume[n - 1] = { time, value: p.volume, color: up ? c.partialUp : c.partialDown };
        }
        this.candles.setData(candles);
        this.volume.setData(volume);
        if (fit) {
            this.chart?.timeScale().scrollToRealTime();
        }
        this.updateTitle();
        this.placeCursor();
    }

    protected updateTitle(): void {
        const p = this.partial;
        const fmt = (v: number): string => Number.isFinite(v) ? String(Number(v.toPrecision(10))) : '-';
        this.titleNode.textContent = p
            ? `${this.timeframe}  O ${fmt(p.open)} H ${fmt(p.high)} L ${fmt(p.low)} C ${fmt(p.close)} V ${fmt(p.volume)} (forming)`
            : this.timeframe;
        const snap = this.snapshot();
        this.node.dataset.timeframe = this.timeframe;
        this.node.dataset.bars = String(snap.bars);
        this.node.dataset.partial = p ? JSON.stringify(p) : '';
    }

    /** The time cursor: a vertical line at the bar holding `time` (microseconds), hidden when undefined. */
    setCursor(time: number | undefined): void {
        this.cursorTime = time;
        this.placeCursor();
    }

    protected placeCursor(): void {
        const t = this.cursorTime;
        const x = t === undefined ? null : this.coordinateOf(t);
        if (x === null) {
            this.cursorNode.style.display = 'none';
            return;
        }
        this.cursorNode.style.display = 'block';
        this.cursorNode.style.left = `${Math.round(x)}px`;
    }

    /** X coordinate of the bar whose period holds `time` (microseconds). */
    protected coordinateOf(time: number): number | null {
        const bars = this.bars;
        if (!this.chart || !bars) {
            return null;
        }
        let barTime: number;
        if (this.partial && time >= this.partial.time) {
            barTime = this.partial.time;
        } else {
            const i = barIndexAt(bars, time);
            if (i < 0) {
                return null;
            }
            barTime = bars.time[i];
        }
        return this.chart.timeScale().timeToCoordinate((barTime / 1e6) as UTCTimestamp);
    }

    /** Shows the crosshair at the bar that holds `time` (microseconds), as another panel points at it. */
    showCrosshairAt(time: number | undefined): void {
        if (!this.chart || !this.candles || !this.bars) {
            return;
        }
        if (time === undefined) {
            this.chart.clearCrosshairPosition();
            return;
        }
        const p = this.partial;
        if (p && time >= p.time) {
            this.chart.setCrosshairPosition(p.close, (p.time / 1e6) as UTCTimestamp, this.candles);
            return;
        }
        const i = barIndexAt(this.bars, time);
        if (i < 0) {
            this.chart.clearCrosshairPosition();
            return;
        }
        this.chart.setCrosshairPosition(this.bars.close[i], (this.bars.time[i] / 1e6) as UTCTimestamp, this.candles);
    }

    visibleLogicalRange(): LogicalRange | null {
        return this.chart?.timeScale().getVisibleLogicalRange() ?? null;
    }

    /** Shows the time range [from, to] (seconds), for linked panels. */
    setVisibleTimeRange(from: number, to: number): void {
        if (!this.chart || !this.bars || this.bars.count === 0) {
            return;
        }
        try {
            this.chart.timeScale().setVisibleRange({ from: from as UTCTimestamp, to: to as UTCTimestamp });
        } catch {
            // a range outside the data: keep the current one
        }
    }

    snapshot(): PanelSnapshot {
        const b = this.bars;
        const last = b && b.count > 0 ? b.count - 1 : -1;
        return {
            timeframe: this.timeframe,
            bars: b?.count ?? 0,
            firstTime: b && b.count > 0 ? b.time[0] : undefined,
            lastCompleted: b && last >= 0 ? { time: b.time[last], open: b.open[last], high: b.high[last], low: b.low[last], close: b.close[last], volume: b.volume[last] } : undefined,
            partial: this.partial
        };
    }

    /** Completed bars shown, as rows (for the test hook). */
    rows(from: number, to: number): PanelBar[] {
        const b = this.bars;
        const out: PanelBar[] = [];
        if (!b) {
            return out;
        }
        for (let i = Math.max(0, from); i < Math.min(to, b.count); i++) {
            out.push({ time: b.time[i], open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i] });
        }
        return out;
    }

    dispose(): void {
        this.toDispose.dispose();
        this.node.remove();
    }
}

function withVolumeAlpha(color: string): string {
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(color);
    return hex ? `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, 0.5)` : color;
}
