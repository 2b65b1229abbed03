// *****************************************************************************
// The tearsheet: a self-contained HTML page (inline SVG, no scripts, no external files)
// printed to PDF by headless Chromium. Three A4 pages: 1 summary (run, headline figures,
// equity and drawdown), 2 monthly returns, P&L by weekday x hour, trade statistics by side,
// return distribution and MAE/MFE, 3 every statistic and the run configuration; and, when plugins
// contributed report sections, 4 those sections (each under its plugin's name, or its error).
// *****************************************************************************

import { STATISTIC_DEFINITIONS, statisticValue } from '../statistics/statistic-definitions';
import { MonthlyReturnsRow, PnlBuckets, StatisticsReport } from '../statistics/statistics-types';
import { RunAnalysis } from '../run-analysis';
import { RunRecord } from '../run-store';
import { reportSectionHeading, reportSectionValue, RunReportSection } from '../report-sections';
import { lookAheadText } from './look-ahead-text';
import { escapeHtml, formatPercent, formatStatistic, formatTime } from './report-format';
import { heatmapHtml, histogramSvg, lineChartSvg, MONTH_LABELS, scatterSvg, WEEKDAY_LABELS } from './report-svg';

export const TEARSHEET_PAGES = 3;

/** Pages of a tearsheet: a fourth one when there are report sections (which flow onto more pages when they need them). */
export function tearsheetPageCount(sections: readonly RunReportSection[] = []): number {
    return TEARSHEET_PAGES + (sections.length > 0 ? 1 : 0);
}

/** Report sections as HTML: a heading naming the plugin, then its rows or an error box; every plugin string escaped. */
export function reportSectionsHtml(sections: readonly RunReportSection[]): string {
    return sections.map(section => {
        const body = section.data
            ? keyValueTable(section.data.rows.map((r): [string, string] => [r.label, reportSectionValue(r.value)]))
            : `<div class="section-error">${escapeHtml(`${section.origin.name} (${section.sectionId}) failed: ${section.error ?? 'no data'}`)}</div>`;
        return `<div class="report-section" data-section="${escapeHtml(section.sectionId)}"><h2>${escapeHtml(reportSectionHeading(section))}</h2>${body}</div>`;
    }).join('\n');
}

const money = (v: number) => formatStatistic(v, 'money');

export function monthlyReturnsHeatmap(rows: readonly MonthlyReturnsRow[]): string {
    return heatmapHtml(rows.map(r => String(r.year)), MONTH_LABELS, rows.map(r => r.months), v => formatPercent(v, 1),
        { testId: 'monthly-heatmap', extraColumn: { label: 'Year', values: rows.map(r => r.yearReturn) } });
}

/** Hours 0-23 as columns, Monday..Sunday as rows (weekday 0 = Sunday in the buckets). */
export function weekdayHourHeatmap(buckets: PnlBuckets): string {
    const order = [1, 2, 3, 4, 5, 6, 0];
    const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
    const cells = order.map(d => hours.map((_, h) => buckets.count[d * 24 + h] > 0 ? buckets.pnl[d * 24 + h] : undefined));
    return heatmapHtml(order.map(d => WEEKDAY_LABELS[d]), hours, cells, v => Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(0),
        { testId: 'hour-weekday-heatmap' });
}

const TRADE_ROWS: readonly string[] = ['count', 'winRate', 'netProfit', 'grossProfit', 'grossLoss', 'profitFactor', 'expectancy', 'averageWin',
    'averageLoss', 'winLossRatio', 'largestWin', 'largestLoss', 'maxConsecutiveWins', 'maxConsecutiveLosses', 'averageBarsHeld',
    'averageTimeInTrade', 'sqn', 'kelly', 'commission', 'slippage', 'averageMae', 'averageMfe', 'mfeEfficiency'];

export function tradeStatisticsTable(report: StatisticsReport): string {
    const rows = TRADE_ROWS.map(key => {
        const def = STATISTIC_DEFINITIONS.find(d => d.id === `trades.${key}`)!;
        const cells = ['trades', 'long', 'short'].map(group => {
            const { value, reason } = statisticValue(report, `${group}.${key}`);
            return `<td${reason ? ` title="${escapeHtml(reason)}"` : ''}>${escapeHtml(formatStatistic(value, def.unit))}</td>`;
        });
        return `<tr><th>${escapeHtml(def.label)}</th>${cells.join('')}</tr>`;
    });
    return `<table class="bt-stats"><thead><tr><th></th><th>All</th><th>Long</th><th>Short</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function runConfigurationRows(run: RunRecord): [string, string][] {
    const c = run.config;
    const m = c.models;
    const slippage = m.slippage.kind === 'none' ? 'none' : m.slippage.kind === 'random' ? `random up to ${m.slippage.maxTicks} ticks`
        : `${m.slippage.value} ${m.slippage.kind}`;
    const commission = Object.entries(m.commission).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    return [
        ['Run', run.id], ['Status', run.status + (run.message ? ` (${run.message})` : '')],
        ['Strategy', `${run.strategyLabel ?? run.strategyId} (${run.strategyId})`], ['Strategy file', c.strategyFile],
        ['Source SHA-256', run.sourceHash], ['Engine', run.engineVersion],
        ['Instrument', `${c.symbol} (${c.kind}, tick size ${c.tickSize}, multiplier ${c.multiplier})`],
        ['Data', `${formatTime(run.firstTime ?? c.from)} .. ${formatTime(run.lastTime ?? c.to)}`],
        ['Parameters', Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'],
        ['Timeframes', c.timeframes.join(', ')], ['Price source', c.priceSource], ['Session', c.session],
        ['Fills', `${m.fill}, limits fill on ${m.limitFill}`], ['Slippage', slippage], ['Commission', commission],
        ['Latency', `${m.latencyMicros} µs`], ['Initial cash', money(m.initialCash)], ['Seed', String(c.seed)],
        ['Ticks', run.ticks !== undefined ? run.ticks.toLocaleString('en-US') : '-'],
        ['Elapsed', run.elapsedMs !== undefined ? `${(run.elapsedMs / 1000).toFixed(2)} s` : '-'],
        ['Look-ahead audit', lookAheadText(run.lookAhead)],
        ['Created', formatTime(run.createdAt)]
    ];
}

function keyValueTable(rows: readonly [string, string][]): string {
    return `<table class="bt-kv">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

const CSS = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: sans-serif; font-size: 9.5pt; color: #222; margin: 0; }
.page { page-break-after: always; break-after: page; height: 270mm; overflow: hidden; }
.page:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 15pt; margin: 0 0 2mm 0; } h2 { font-size: 11pt; margin: 4mm 0 2mm 0; }
.sub { color: #666; margin-bottom: 3mm; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; }
.card { border: 1px solid #ccc; border-radius: 2mm; padding: 1.5mm 2mm; }
.card .label { color: #666; font-size: 8pt; } .card .value { font-size: 12pt; font-weight: bold; }
.card .reason { color: #999; font-size: 7pt; }
table { border-collapse: collapse; } th, td { padding: 0.6mm 1.5mm; text-align: right; } th { text-align: left; font-weight: normal; color: #555; }
.bt-heatmap td, .bt-heatmap th { font-size: 7pt; border: 1px solid #eee; text-align: center; padding: 0.5mm 0.8mm; }
.bt-stats td { min-width: 22mm; } .bt-stats th { white-space: nowrap; } .bt-stats tr:nth-child(odd) { background: #f6f6f6; }
.bt-kv td { text-align: left; word-break: break-all; } .bt-kv th { width: 40mm; }
.cols { display: flex; gap: 4mm; }
.all-stats { columns: 2; font-size: 8pt; } .all-stats div { break-inside: avoid; display: flex; justify-content: space-between; border-bottom: 1px solid #f0f0f0; }
.all-stats .why { color: #999; }
.page.flow { height: auto; overflow: visible; } .report-section { break-inside: avoid; } .section-error { border: 1px solid #d0453a; background: #fdf0ef; color: #8a1f17; padding: 2mm; white-space: pre-wrap; }
`;

export function tearsheetHtml(a: RunAnalysis, sections: readonly RunReportSection[] = a.sections ?? []): string {
    const s = a.statistics;
    const run = a.run;
    const title = `${run.strategyLabel ?? run.strategyId} on ${run.config.symbol}`;
    const cards = a.headline.map(h => `<div class="card"><div class="label">${escapeHtml(h.label)}</div>` +
        `<div class="value">${escapeHtml(formatStatistic(h.value, h.unit))}</div>` +
        (h.reason ? `<div class="reason">undefined because ${escapeHtml(h.reason)}</div>` : '') + '</div>').join('');
    const equity = lineChartSvg({ time: a.equity.time, lines: [{ values: a.equity.equity, color: '#2a6fdb', label: 'Equity' }],
        width: 680, height: 250, format: money, title: 'Equity' });
    const drawdown = lineChartSvg({ time: a.equity.time, lines: [{ values: a.equity.drawdownPercent.map(v => -v), color: '#d0453a', label: 'Drawdown' }],
        width: 680, height: 170, format: v => formatPercent(v, 1), area: true, title: 'Drawdown' });
    const allStats = STATISTIC_DEFINITIONS.filter(d => !d.id.startsWith('trades.')).map(d => {
        const { value, reason } = statisticValue(s, d.id);
        return `<div><span>${escapeHtml(d.label)}</span><span${reason ? ' class="why"' : ''}>${escapeHtml(value === undefined ? `- (${reason ?? 'not computed'})` : formatStatistic(value, d.unit))}</span></div>`;
    }).join('');
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>
<section class="page" data-page="1"><h1>${escapeHtml(title)}</h1>
<div class="sub">Run ${escapeHtml(run.id)} · ${escapeHtml(formatTime(s.firstTime))} .. ${escapeHtml(formatTime(s.lastTime))} UTC · ${escapeHtml(run.status)}</div>
<div class="cards">${cards}</div>${equity}${drawdown}</section>
<section class="page" data-page="2"><h1>Returns and trades</h1>
<h2>Monthly returns</h2>${monthlyReturnsHeatmap(a.monthlyReturns)}
<h2>P&amp;L by weekday and hour of entry (UTC)</h2>${weekdayHourHeatmap(a.pnlByWeekdayHour)}
<div class="cols"><div><h2>Trade statistics</h2>${tradeStatisticsTable(s)}</div>
<div>${histogramSvg(a.returnDistribution, 330, 190, money, 'Distribution of trade P&L')}
${scatterSvg(a.maeMfe.mae, a.maeMfe.mfe, a.maeMfe.pnl, 330, 210, money, { x: 'MAE', y: 'MFE', title: 'MAE / MFE per trade' })}</div></div></section>
<section class="page" data-page="3"><h1>Statistics and configuration</h1>
<div class="all-stats">${allStats}</div>
<h2>Run configuration</h2>${keyValueTable(runConfigurationRows(run))}</section>
${sections.length > 0 ? `<section class="page flow" data-page="4"><h1>Plugin report sections</h1>\n${reportSectionsHtml(sections)}</section>\n` : ''}</body></html>`;
}
