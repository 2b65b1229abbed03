// *****************************************************************************
// Charts as SVG text and heatmaps as HTML tables: the same drawings in the Analysis view and
// in the PDF tearsheet. Numbers in, markup out; every label goes through escapeHtml.
// *****************************************************************************

import { Histogram } from '../statistics/statistics-series';
import { escapeHtml, formatTime } from './report-format';

export interface ChartLine {
    readonly values: ArrayLike<number>;
    readonly color: string;
    readonly label?: string;
}

export interface LineChartOptions {
    readonly time: ArrayLike<number>;
    readonly lines: readonly ChartLine[];
    readonly width: number;
    readonly height: number;
    readonly format: (value: number) => string;
    /** Fill between the first line and zero (drawdown area). */
    readonly area?: boolean;
    readonly title?: string;
}

const PAD = { left: 70, right: 12, top: 22, bottom: 22 };

function range(lines: readonly ChartLine[], withZero: boolean): [number, number] {
    let lo = withZero ? 0 : Infinity;
    let hi = withZero ? 0 : -Infinity;
    for (const line of lines) {
        for (let i = 0; i < line.values.length; i++) {
            const v = line.values[i];
            if (Number.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
    }
    if (!Number.isFinite(lo)) {
        return [0, 1];
    }
    return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

const f1 = (x: number) => x.toFixed(1);

function frame(width: number, height: number, title: string | undefined, body: string): string {
    return `<svg xmlns="http://www.w3.org/2000/svg" class="bt-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
        `font-family="sans-serif" font-size="10">${title ? `<text x="${PAD.left}" y="13" font-weight="bold">${escapeHtml(title)}</text>` : ''}${body}</svg>`;
}

export function lineChartSvg(o: LineChartOptions): string {
    const n = o.time.length;
    const w = o.width - PAD.left - PAD.right;
    const h = o.height - PAD.top - PAD.bottom;
    if (n === 0) {
        return frame(o.width, o.height, o.title, `<text x="${o.width / 2}" y="${o.height / 2}" text-anchor="middle">no samples</text>`);
    }
    const t0 = o.time[0];
    const t1 = n > 1 ? o.time[n - 1] : t0 + 1;
    const [lo, hi] = range(o.lines, o.area === true);
    const x = (t: number) => PAD.left + (t1 > t0 ? (t - t0) / (t1 - t0) : 0) * w;
    const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * h;
    let body = '';
    for (let k = 0; k <= 4; k++) {
        const v = lo + (hi - lo) * k / 4;
        body += `<line x1="${PAD.left}" x2="${PAD.left + w}" y1="${f1(y(v))}" y2="${f1(y(v))}" stroke="#8884" />` +
            `<text x="${PAD.left - 4}" y="${f1(y(v) + 3)}" text-anchor="end">${escapeHtml(o.format(v))}</text>`;
    }
    for (const [t, anchor] of [[t0, 'start'], [(t0 + t1) / 2, 'middle'], [t1, 'end']] as const) {
        body += `<text x="${f1(x(t))}" y="${o.height - 6}" text-anchor="${anchor}">${escapeHtml(formatTime(t).slice(0, 10))}</text>`;
    }
    o.lines.forEach((line, k) => {
        let d = '';
        for (let i = 0; i < n; i++) {
            const v = line.values[i];
            if (Number.isFinite(v)) {
                d += `${d === '' ? 'M' : 'L'}${f1(x(o.time[i]))} ${f1(y(v))}`;
            }
        }
        if (o.area && k === 0) {
            body += `<path d="${d}L${f1(x(t1))} ${f1(y(0))}L${f1(x(t0))} ${f1(y(0))}Z" fill="${line.color}" fill-opacity="0.35" stroke="none" />`;
        }
        body += `<path d="${d}" fill="none" stroke="${line.color}" stroke-width="1.2" />`;
        if (line.label) {
            body += `<text x="${PAD.left + w - 4}" y="${PAD.top + 12 + 12 * k}" text-anchor="end" fill="${line.color}">${escapeHtml(line.label)}</text>`;
        }
    });
    return frame(o.width, o.height, o.title, body);
}

export function histogramSvg(hist: Histogram, width: number, height: number, format: (v: number) => string, title?: string): string {
    const k = hist.counts.length;
    if (k === 0) {
        return frame(width, height, title, `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no trades</text>`);
    }
    const w = width - PAD.left - PAD.right;
    const h = height - PAD.top - PAD.bottom;
    const max = hist.counts.reduce((m, c) => Math.max(m, c), 0);
    const lo = hist.edges[0];
    const hi = hist.edges[k] > lo ? hist.edges[k] : lo + 1;
    const x = (v: number) => PAD.left + (v - lo) / (hi - lo) * w;
    let body = `<text x="${PAD.left - 4}" y="${PAD.top + 3}" text-anchor="end">${max}</text><text x="${PAD.left - 4}" y="${PAD.top + h}" text-anchor="end">0</text>`;
    for (let b = 0; b < k; b++) {
        const x0 = k === 1 ? PAD.left : x(hist.edges[b]);
        const x1 = k === 1 ? PAD.left + w : x(hist.edges[b + 1]);
        const bh = max > 0 ? hist.counts[b] / max * h : 0;
        const mid = (hist.edges[b] + hist.edges[b + 1]) / 2;
        body += `<rect x="${f1(x0 + 0.5)}" y="${f1(PAD.top + h - bh)}" width="${f1(Math.max(0.5, x1 - x0 - 1))}" height="${f1(bh)}" ` +
            `fill="${mid >= 0 ? '#2e9d5b' : '#d0453a'}"><title>${escapeHtml(`${format(hist.edges[b])} .. ${format(hist.edges[b + 1])}: ${hist.counts[b]}`)}</title></rect>`;
    }
    body += `<text x="${PAD.left}" y="${height - 6}">${escapeHtml(format(lo))}</text><text x="${PAD.left + w}" y="${height - 6}" text-anchor="end">${escapeHtml(format(hi))}</text>`;
    if (lo < 0 && hi > 0) {
        body += `<line x1="${f1(x(0))}" x2="${f1(x(0))}" y1="${PAD.top}" y2="${PAD.top + h}" stroke="#888" stroke-dasharray="3 2" />`;
    }
    return frame(width, height, title, body);
}

/** Points (x, y) coloured by the sign of `colour` (green >= 0, red < 0); at most `maxPoints` drawn, evenly chosen. */
export function scatterSvg(xs: ArrayLike<number>, ys: ArrayLike<number>, colour: ArrayLike<number>, width: number, height: number,
    format: (v: number) => string, labels: { x: string; y: string; title?: string }, maxPoints = 4000): string {
    const n = xs.length;
    if (n === 0) {
        return frame(width, height, labels.title, `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no trades</text>`);
    }
    const w = width - PAD.left - PAD.right;
    const h = height - PAD.top - PAD.bottom - 10;
    let xmax = 0;
    let ymax = 0;
    for (let i = 0; i < n; i++) {
        xmax = Math.max(xmax, xs[i]);
        ymax = Math.max(ymax, ys[i]);
    }
    xmax = xmax > 0 ? xmax : 1;
    ymax = ymax > 0 ? ymax : 1;
    const step = Math.max(1, n / maxPoints);
    let body = `<text x="${PAD.left - 4}" y="${PAD.top + 3}" text-anchor="end">${escapeHtml(format(ymax))}</text>` +
        `<text x="${PAD.left - 4}" y="${PAD.top + h}" text-anchor="end">0</text>` +
        `<text x="${PAD.left + w}" y="${PAD.top + h + 12}" text-anchor="end">${escapeHtml(format(xmax))}</text>` +
        `<text x="${PAD.left + w / 2}" y="${height - 4}" text-anchor="middle">${escapeHtml(labels.x)}</text>` +
        `<text x="12" y="${PAD.top + h / 2}" transform="rotate(-90 12 ${PAD.top + h / 2})" text-anchor="middle">${escapeHtml(labels.y)}</text>` +
        `<rect x="${PAD.left}" y="${PAD.top}" width="${w}" height="${h}" fill="none" stroke="#8884" />`;
    for (let p = 0; p < n; p += step) {
        const i = Math.floor(p);
        body += `<circle cx="${f1(PAD.left + xs[i] / xmax * w)}" cy="${f1(PAD.top + (1 - ys[i] / ymax) * h)}" r="1.6" ` +
            `fill="${colour[i] >= 0 ? '#2e9d5b' : '#d0453a'}" fill-opacity="0.6" />`;
    }
    return frame(width, height, labels.title, body);
}

/** Background for a value scaled by `scale` (the largest magnitude): green for gains, red for losses. */
export function heatColour(value: number, scale: number): string {
    const a = scale > 0 ? Math.min(1, Math.abs(value) / scale) : 0;
    const alpha = (0.12 + 0.7 * a).toFixed(2);
    return value >= 0 ? `rgba(46, 157, 91, ${alpha})` : `rgba(208, 69, 58, ${alpha})`;
}

/** A heatmap as an HTML table: `cells[row][col]`, undefined cells empty. */
export function heatmapHtml(rowLabels: readonly string[], colLabels: readonly string[], cells: readonly (readonly (number | undefined)[])[],
    format: (v: number) => string, options: { testId?: string; extraColumn?: { label: string; values: readonly (number | undefined)[] } } = {}): string {
    let scale = 0;
    for (const row of cells) {
        for (const v of row) {
            if (v !== undefined && Number.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
    }
    const cell = (v: number | undefined, title: string) => v === undefined || !Number.isFinite(v)
        ? '<td></td>'
        : `<td style="background:${heatColour(v, scale)}" title="${escapeHtml(title)}">${escapeHtml(format(v))}</td>`;
    const extra = options.extraColumn;
    let html = `<table class="bt-heatmap"${options.testId ? ` data-testid="${escapeHtml(options.testId)}"` : ''}><thead><tr><th></th>` +
        colLabels.map(c => `<th>${escapeHtml(c)}</th>`).join('') + (extra ? `<th>${escapeHtml(extra.label)}</th>` : '') + '</tr></thead><tbody>';
    cells.forEach((row, r) => {
        html += `<tr><th>${escapeHtml(rowLabels[r])}</th>` + row.map((v, c) => cell(v, `${rowLabels[r]} ${colLabels[c]}`)).join('') +
            (extra ? cell(extra.values[r], `${rowLabels[r]} ${extra.label}`) : '') + '</tr>';
    });
    return html + '</tbody></table>';
}

export const MONTH_LABELS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const WEEKDAY_LABELS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
