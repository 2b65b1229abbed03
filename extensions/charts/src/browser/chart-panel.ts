// *****************************************************************************
// One chart panel: candles and volume of one timeframe (lightweight-charts 5), the forming
// bar drawn hollow and translucent, a vertical time cursor, crosshair and range hooks.
// *****************************************************************************

import type {
    CandlestickData, HistogramData, IChartApi, IPriceLine, ISeriesApi, ISeriesMarkersPluginApi, LineData, LogicalRange, MouseEventParams, SeriesMarker, Time,
    UTCTimestamp, WhitespaceData
} from 'lightweight-charts' with { 'resolution-mode': 'import' };
import type { TradeSegment } from '../common/run-overlay-math';
import { Disposable, DisposableCollection, Emitter, Event } from '@theia/core/lib/common';
import { barIndexAt, tailChange } from '../common/bar-math';
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

/** A fill of a run, drawn as an arrow at the bar that holds its time. */
export interface FillMark {
    readonly time: number;
    readonly price: number;
    /** +1 buy, -1 sell. */
    readonly side: number;
    readonly text: string;
}

/** A line drawn over a panel: a recorded series or an indicator output; points at bar times, ascending, one per bar. */
export interface PanelLine {
    readonly key: string;
    readonly title: string;
    readonly color: string;
    readonly kind: 'line' | 'histogram' | 'band';
    /** `price`: on the candles' scale; otherwise an own scale of that name under the candles (oscillators). */
    readonly scale: string;
    readonly time: Float64Array;
    /** NaN where there is no value (warm-up). */
    readonly value: Float64Array;
}

/** A horizontal price level (a working order's stop or limit). */
export interface PanelLevel {
    readonly price: number;
    readonly title: string;
    readonly color: string;
}

/** What a panel draws of a line, for the test hook. */
export interface PanelLineSnapshot {
    readonly key: string;
    readonly title: string;
    readonly points: number;
    readonly firstTime: number | undefined;
    readonly lastTime: number | undefined;
    readonly lastValue: number | undefined;
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
    protected tradeLines: ISeriesApi<'Line'> | undefined;
    protected markers: ISeriesMarkersPluginApi<Time> | undefined;
    protected lc: LightweightCharts | undefined;
    protected lines: readonly PanelLine[] = [];
    protected readonly lineSeries = new Map<string, {
        series: ISeriesApi<'Line'> | ISeriesApi<'Histogram'>; signature: string; style: string; shown: PanelLineSnapshot; time: Float64Array; value: Float64Array
    }>();
    protected levels: readonly PanelLevel[] = [];
    protected priceLines: IPriceLine[] = [];
    protected levelSignature = '';
    protected tickSize: number | undefined;
    protected fills: readonly FillMark[] = [];
    /** What the markers and the trade line were last set to. */
    protected markerSignature = '';
    protected tradeLineSignature = '';
    protected segments: readonly TradeSegment[] = [];
    protected bars: ChartBarColumns | undefined;
    protected partial: PanelBar | undefined;
    protected cursorTime: number | undefined;
    /** Bar time (microseconds) where another panel last placed this panel's crosshair. */
    crosshairBarTime: number | undefined;
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
        this.lc = lc;
        this.lineSeries.clear();
        this.priceLines = [];
        this.levelSignature = '';
        this.candles = chart.addSeries(lc.CandlestickSeries, { priceLineVisible: false });
        this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.25 } });
        this.volume = chart.addSeries(lc.HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume', lastValueVisible: false, priceLineVisible: false });
        chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
        this.tradeLines = chart.addSeries(lc.LineSeries, { lineWidth: 2, lineStyle: lc.LineStyle.Dashed, lastValueVisible: false, priceLineVisible: false, crosshairMarkerVisible: false });
        this.markers = lc.createSeriesMarkers(this.candles, []);
        this.markerSignature = '';
        this.tradeLineSignature = '';
        if (this.tickSize) {
            this.setTickSize(this.tickSize);
        }
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
        this.renderLines();
        this.renderLevels();
    }

    /** Prices shown with the instrument's decimals (EURUSD 0.00001: five). */
    setTickSize(tickSize: number): void {
        this.tickSize = tickSize;
        const precision = Math.max(0, Math.min(10, Math.round(-Math.log10(tickSize))));
        this.candles?.applyOptions({ priceFormat: { type: 'price', precision, minMove: tickSize } });
    }

    /** Lines over the panel (recorded series, indicators); a line keeps its series while its key stays. */
    setLines(lines: readonly PanelLine[]): void {
        this.lines = lines;
        this.renderLines();
    }

    protected renderLines(): void {
        const chart = this.chart;
        const lc = this.lc;
        if (!chart || !lc) {
            return;
        }
        const keys = new Set(this.lines.map(l => l.key));
        for (const [key, entry] of this.lineSeries) {
            if (!keys.has(key)) {
                chart.removeSeries(entry.series);
                this.lineSeries.delete(key);
            }
        }
        for (const line of this.lines) {
            let entry = this.lineSeries.get(line.key);
            if (!entry) {
                const common = { priceScaleId: line.scale === 'price' ? 'right' : line.scale, lastValueVisible: false, priceLineVisible: false, title: line.title, color: line.color };
                const series = line.kind === 'histogram'
                    ? chart.addSeries(lc.HistogramSeries, common)
                    : chart.addSeries(lc.LineSeries, { ...common, lineWidth: line.kind === 'band' ? 1 : 2, crosshairMarkerVisible: false });
                if (line.scale !== 'price') {
                    chart.priceScale(line.scale).applyOptions({ scaleMargins: { top: 0.55, bottom: 0.22 } });
                }
                entry = { series, signature: '', style: `${line.title}:${line.color}`, time: new Float64Array(0), value: new Float64Array(0), shown: { key: line.key, title: line.title, points: 0, firstTime: undefined, lastTime: undefined, lastValue: undefined } };
                this.lineSeries.set(line.key, entry);
            }
            const n = line.time.length;
            // a replay step usually leaves a line as it was: redraw only when its points changed
            const signature = `${n}:${line.time[0]}:${line.time[n - 1]}:${line.value[n - 1]}:${line.title}:${line.color}`;
            // (title and colour change with the options: the series is restyled, not recreated)
            if (signature === entry.signature) {
                continue;
            }
            if (entry.style !== `${line.title}:${line.color}`) {
                entry.style = `${line.title}:${line.color}`;
                entry.series.applyOptions({ title: line.title, color: line.color });
            }
            entry.signature = signature;
            const item = (i: number): LineData<Time> | WhitespaceData<Time> => {
                const time = (line.time[i] / 1e6) as UTCTimestamp;
                return Number.isFinite(line.value[i]) ? { time, value: line.value[i] } : { time };
            };
            // a step usually changes only the newest point or two (the forming bar's value, a new bar): update those in place
            const from = tailChange(entry.time, entry.value, line.time, line.value);
            if (from !== undefined) {
                for (let i = from; i < n; i++) {
                    entry.series.update(item(i));
                }
            } else {
                const data: (LineData<Time> | WhitespaceData<Time>)[] = new Array(n);
                for (let i = 0; i < n; i++) {
                    data[i] = item(i);
                }
                entry.series.setData(data);
            }
            entry.time = line.time;
            entry.value = line.value;
            let points = 0, first: number | undefined, last: number | undefined, lastValue: number | undefined;
            for (let i = 0; i < n; i++) {
                if (Number.isFinite(line.value[i])) {
                    points++;
                    first ??= line.time[i];
                    last = line.time[i];
                    lastValue = line.value[i];
                }
            }
            entry.shown = { key: line.key, title: line.title, points, firstTime: first, lastTime: last, lastValue };
        }
    }

    /** Lines set on the panel. */
    get lineCount(): number {
        return this.lines.length;
    }

    /** What the panel draws of its lines. */
    lineSnapshot(): PanelLineSnapshot[] {
        return this.lines.map(l => this.lineSeries.get(l.key)?.shown).filter((x): x is PanelLineSnapshot => x !== undefined);
    }

    /** Horizontal levels (working orders' stops and limits at the cursor). */
    setLevels(levels: readonly PanelLevel[]): void {
        this.levels = levels;
        this.renderLevels();
    }

    get shownLevels(): readonly PanelLevel[] {
        return this.levels;
    }

    protected renderLevels(): void {
        const candles = this.candles;
        if (!candles || !this.lc) {
            return;
        }
        const signature = this.levels.map(l => `${l.price}:${l.title}:${l.color}`).join('|');
        if (signature === this.levelSignature) {
            return;
        }
        this.levelSignature = signature;
        this.priceLines.forEach(l => candles.removePriceLine(l));
        this.priceLines = this.levels.map(l => candles.createPriceLine({
            price: l.price, color: l.color, title: l.title, lineWidth: 1, lineStyle: this.lc!.LineStyle.Dashed, axisLabelVisible: true
        }));
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

    /** The visible time range in seconds, or undefined before data. */
    visibleTimeRange(): { from: number; to: number } | undefined {
        const r = this.chart?.timeScale().getVisibleRange();
        return r ? { from: Number(r.from), to: Number(r.to) } : undefined;
    }

    /** Scrolls `bars` bars back in time (as a user dragging the chart to the right). */
    scrollBack(bars: number): void {
        const ts = this.chart?.timeScale();
        if (ts) {
            ts.scrollToPosition(ts.scrollPosition() - bars, false);
        }
    }

    /** The background colour the chart is drawn with (for the theme test). */
    background(): string | undefined {
        const bg = this.chart?.options().layout.background;
        return bg && 'color' in bg ? bg.color : undefined;
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
        const prev = this.bars;
        const prevPartial = this.partial;
        this.bars = bars;
        this.partial = partial;
        if (!fit && prev && this.candles && this.volume && this.updateTail(prev, prevPartial)) {
            this.updateTitle();
            this.placeCursor();
            return;
        }
        this.render(fit);
    }

    /**
     * A replay step usually changes only the forming bar, or completes it and starts the next:
     * then the series are updated in place (lightweight-charts' `update`) instead of redrawn
     * from all bars. Completed bars are immutable, so equal counts and end bars mean equal bars.
     */
    protected updateTail(prev: ChartBarColumns, prevPartial: PanelBar | undefined): boolean {
        const bars = this.bars!;
        const p = this.partial;
        if (!p || bars.count === 0 || prev.count === 0 || bars.time[0] !== prev.time[0] || bars.count < prev.count
            || bars.time[prev.count - 1] !== prev.time[prev.count - 1]) {
            return false;
        }
        if (bars.count === prev.count) {
            if (!prevPartial || prevPartial.time !== p.time) {
                return false;
            }
        } else {
            // bars completed since (one per replay step, several in a live push): each new one in place, oldest first;
            // the first of them may replace the forming bar drawn before (same time)
            const first = bars.time[prev.count];
            if (first <= prev.time[prev.count - 1] || (prevPartial && first !== prevPartial.time) || p.time <= bars.time[bars.count - 1]) {
                return false;
            }
            if (bars.count - prev.count > 16) {
                return false; // more than a few new bars (a live push): one setData is cheaper than many updates
            }
            for (let i = prev.count; i < bars.count; i++) {
                this.candles!.update(this.candleItem(bars.time[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], false));
                this.volume!.update(this.volumeItem(bars.time[i], bars.open[i], bars.close[i], bars.volume[i], false));
            }
        }
        this.candles!.update(this.candleItem(p.time, p.open, p.high, p.low, p.close, true));
        this.volume!.update(this.volumeItem(p.time, p.open, p.close, p.volume, true));
        return true;
    }

    protected candleItem(timeMicros: number, open: number, high: number, low: number, close: number, forming: boolean): CandlestickData<Time> {
        const time = (timeMicros / 1e6) as UTCTimestamp;
        if (!forming) {
            return { time, open, high, low, close };
        }
        const c = this.colors;
        const up = close >= open;
        return { time, open, high, low, close, color: up ? c.partialUp : c.partialDown, borderColor: up ? c.up : c.down, wickColor: up ? c.up : c.down };
    }

    protected volumeItem(timeMicros: number, open: number, close: number, value: number, forming: boolean): HistogramData<Time> {
        const c = this.colors;
        const up = close >= open;
        const color = forming ? (up ? c.partialUp : c.partialDown) : withVolumeAlpha(up ? c.up : c.down);
        return { time: (timeMicros / 1e6) as UTCTimestamp, value, color };
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
        const n = bars.count + (this.partial ? 1 : 0);
        const candles = new Array<CandlestickData<Time>>(n);
        const volume = new Array<HistogramData<Time>>(n);
        for (let i = 0; i < bars.count; i++) {
            candles[i] = this.candleItem(bars.time[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], false);
            volume[i] = this.volumeItem(bars.time[i], bars.open[i], bars.close[i], bars.volume[i], false);
        }
        const p = this.partial;
        if (p) {
            candles[n - 1] = this.candleItem(p.time, p.open, p.high, p.low, p.close, true);
            volume[n - 1] = this.volumeItem(p.time, p.open, p.close, p.volume, true);
        }
        this.candles.setData(candles);
        this.volume.setData(volume);
        if (fit) {
            // to the newest bars at once: scrollToRealTime() animates for 400 ms, a repaint every frame
            const ts = this.chart?.timeScale();
            ts?.scrollToPosition(ts.options().rightOffset, false);
        }
        this.renderOverlay();
        this.updateTitle();
        this.placeCursor();
    }

    /** The run's fills and trades known at the cursor (the caller never passes later ones). */
    setOverlay(fills: readonly FillMark[], segments: readonly TradeSegment[]): void {
        this.fills = fills;
        this.segments = segments;
        this.renderOverlay();
    }

    /** The time of the bar (completed or forming) that holds `time`, or undefined before the first bar. */
    barTimeOf(time: number): number | undefined {
        const p = this.partial;
        if (p && time >= p.time) {
            return p.time;
        }
        const b = this.bars;
        const i = b ? barIndexAt(b, time) : -1;
        return b && i >= 0 ? b.time[i] : undefined;
    }

    protected renderOverlay(): void {
        if (!this.markers || !this.tradeLines || !this.bars) {
            return;
        }
        const c = this.colors;
        const markers: SeriesMarker<Time>[] = [];
        for (const f of this.fills) {
            const t = this.barTimeOf(f.time);
            if (t !== undefined) {
                markers.push({
                    time: (t / 1e6) as UTCTimestamp, position: f.side > 0 ? 'belowBar' : 'aboveBar', shape: f.side > 0 ? 'arrowUp' : 'arrowDown',
                    color: f.side > 0 ? c.up : c.down, text: f.text
                });
            }
        }
        // new bars rarely move a fill or a trade line (a live push, a replay step): set them only when they changed
        const markerSignature = markers.map(m => `${m.time}${m.shape}${m.color}${m.text}`).join('|');
        if (markerSignature !== this.markerSignature) {
            this.markerSignature = markerSignature;
            this.markers.setMarkers(markers);
        }
        const line: (LineData<Time> | WhitespaceData<Time>)[] = [];
        const spans = this.segments.map(seg => ({ seg, a: this.barTimeOf(seg.entryTime), b: this.barTimeOf(seg.exitTime) }));
        let lastTime = -Infinity;
        spans.forEach(({ seg, a, b }, k) => {
            if (a === undefined || b === undefined || a < lastTime || b <= a) {
                return;
            }
            const color = seg.pnl === undefined ? c.cursor : seg.pnl >= 0 ? c.up : c.down;
            if (a > lastTime) {
                line.push({ time: (a / 1e6) as UTCTimestamp, value: seg.entryPrice, color });
            }
            line.push({ time: (b / 1e6) as UTCTimestamp, value: seg.exitPrice, color });
            lastTime = b;
            // a gap at the next bar after the exit keeps this trade apart from the next one, unless that one starts at the exit (a reversal)
            const i = barIndexAt(this.bars!, b) + 1;
            const gap = i < this.bars!.count ? this.bars!.time[i] : undefined;
            const nextEntry = spans[k + 1]?.a;
            if (gap !== undefined && gap > b && (nextEntry === undefined || nextEntry > gap)) {
                line.push({ time: (gap / 1e6) as UTCTimestamp });
                lastTime = gap;
            }
        });
        const lineSignature = line.map(p => 'value' in p ? `${p.time}:${p.value}:${p.color}` : `${p.time}`).join('|');
        if (lineSignature !== this.tradeLineSignature) {
            this.tradeLineSignature = lineSignature;
            this.tradeLines.setData(line);
        }
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
        this.crosshairBarTime = time === undefined ? undefined : this.barTimeOf(time);
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
