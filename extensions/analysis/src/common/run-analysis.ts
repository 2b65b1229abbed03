// *****************************************************************************
// The analysis of one stored run: its StatisticsReport (computeStatistics on the run's
// equity and trades), the headline figures with the reason each undefined one has, the
// equity/drawdown curve thinned for charts, the trade columns and the distributions the
// dashboard and the reports draw. Pure: the backend, the CLI and the tests share it.
// *****************************************************************************

import { computeStatistics } from './statistics/compute-statistics';
import { statisticDefinition, statisticValue, STATISTIC_DEFINITIONS, StatisticUnit } from './statistics/statistic-definitions';
import { drawdownSeries, histogram, Histogram } from './statistics/statistics-series';
import { MonthlyReturnsRow, PnlBuckets, StatisticsConfig, StatisticsReport, TradeColumns } from './statistics/statistics-types';
import { RunHeadline, RunOutput, RunRecord, RunTradeColumns } from './run-store';
import { RunReportSection } from './report-sections';

/** One figure of the dashboard: its value, or why it has none. */
export interface HeadlineMetric {
    /** Statistic id (STATISTIC_DEFINITIONS), e.g. 'returns.sharpe'. */
    readonly id: string;
    readonly label: string;
    readonly unit: StatisticUnit;
    readonly value?: number;
    /** Why the value is undefined (e.g. 'no losing trades (gross loss is 0)'). */
    readonly reason?: string;
}

/** The figures shown first, in this order. */
export const HEADLINE_METRIC_IDS: readonly string[] = [
    'netProfit', 'returns.totalReturn', 'returns.cagr', 'returns.sharpe', 'returns.sortino', 'returns.calmar',
    'drawdown.maxDrawdownPercent', 'drawdown.maxDrawdown', 'trades.count', 'trades.winRate', 'trades.profitFactor',
    'trades.expectancy', 'trades.sqn', 'exposure.timeInMarket', 'trades.commission', 'benchmark.totalReturn'
];

/** Equity and drawdown at a subset of the samples that keeps each bucket's first, last and extremes. */
export interface EquityCurve {
    readonly time: Float64Array;
    readonly equity: Float64Array;
    /** Running peak - equity (money). */
    readonly drawdown: Float64Array;
    /** (Running peak - equity) / running peak. */
    readonly drawdownPercent: Float64Array;
    /** Samples of the run (before thinning). */
    readonly totalSamples: number;
}

export interface RunAnalysis {
    readonly run: RunRecord;
    readonly headline: readonly HeadlineMetric[];
    readonly statistics: StatisticsReport;
    readonly equity: EquityCurve;
    /** Every closed trade (columns of the run store). */
    readonly trades: RunTradeColumns;
    readonly monthlyReturns: readonly MonthlyReturnsRow[];
    /** P&L by weekday x hour of entry (UTC): index weekday * 24 + hour, weekday 0 = Sunday. */
    readonly pnlByWeekdayHour: PnlBuckets;
    /** Histogram of the trades' net P&L. */
    readonly returnDistribution: Histogram;
    /** MAE/MFE scatter: one point per trade (magnitudes in money) and its P&L for the colour. */
    readonly maeMfe: { readonly mae: Float64Array; readonly mfe: Float64Array; readonly pnl: Float64Array };
    /** Sections contributed by plugins, ordered by section id (absent without a plugin host). */
    readonly sections?: readonly RunReportSection[];
}

export interface RunAnalysisOptions {
    /** Buckets of the thinned equity curve (each keeps up to 5 samples). Default 1000. */
    readonly maxBuckets?: number;
    readonly histogramBins?: number;
    readonly config?: Partial<StatisticsConfig>;
}

/** Trade columns of the run store as the statistics engine's TradeColumns (ids 1..N in closing order). */
export function toTradeColumns(trades: RunTradeColumns): TradeColumns {
    const n = trades.pnl.length;
    const id = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        id[i] = i + 1;
    }
    return {
        id, side: Int8Array.from(trades.side), entryTime: trades.entryTime, exitTime: trades.exitTime,
        entryPrice: trades.entryPrice, exitPrice: trades.exitPrice, quantity: trades.qty, pnl: trades.pnl,
        commission: trades.commission, slippage: trades.slippage, mae: trades.mae, mfe: trades.mfe, barsHeld: trades.barsHeld
    };
}

/** The statistics of a stored run: initial capital from its models, the position column as exposure. */
export function runStatistics(run: RunRecord, output: Pick<RunOutput, 'equity' | 'trades'>, config?: Partial<StatisticsConfig>): StatisticsReport {
    return computeStatistics({
        initialCapital: run.config.models.initialCash,
        equity: { time: output.equity.time, equity: output.equity.equity, exposure: output.equity.position },
        trades: toTradeColumns(output.trades),
        // Buy and hold of the run's instrument over the same samples.
        benchmark: output.equity.price ? { time: output.equity.time, close: output.equity.price } : undefined,
        config
    });
}

export function headlineMetrics(report: StatisticsReport, ids: readonly string[] = HEADLINE_METRIC_IDS): HeadlineMetric[] {
    return ids.map(id => {
        const def = statisticDefinition(id);
        const { value, reason } = statisticValue(report, id);
        return {
            id, label: def?.label ?? id, unit: def?.unit ?? 'ratio',
            ...(value !== undefined ? { value } : { reason: reason ?? 'not computed' })
        };
    });
}

/** Every defined figure by id, as the run store's `metrics` keeps them (undefined ones left out). */
export function flattenMetrics(report: StatisticsReport): Record<string, number> {
    const metrics: Record<string, number> = {};
    for (const group of ['', 'long.', 'short.']) {
        for (const def of STATISTIC_DEFINITIONS) {
            if (group !== '' && !def.id.startsWith('trades.')) {
                continue;
            }
            const id = group === '' ? def.id : group + def.id.slice('trades.'.length);
            const { value } = statisticValue(report, id);
            if (value !== undefined && Number.isFinite(value)) {
                metrics[id] = value;
            }
        }
    }
    return metrics;
}

/** The headline the run store keeps on the run record. */
export function runHeadline(report: StatisticsReport): RunHeadline {
    const pct = (x: number | undefined) => x === undefined ? undefined : x * 100;
    return {
        netProfit: report.netProfit,
        totalReturnPercent: (report.finalEquity / report.initialCapital - 1) * 100,
        maxDrawdownPercent: report.drawdown.maxDrawdownPercent * 100,
        trades: report.trades.count,
        winRatePercent: pct(report.trades.winRate),
        profitFactor: report.trades.profitFactor,
        sharpe: report.returns.sharpe,
        finalEquity: report.finalEquity
    };
}

/**
 * Indices of the samples to draw: per bucket of consecutive samples its first and last, and the
 * samples where each series is smallest and largest, so that no peak or trough is lost.
 */
export function thinningIndices(n: number, series: readonly ArrayLike<number>[], maxBuckets: number): Uint32Array {
    if (n <= maxBuckets * 2) {
        return Uint32Array.from({ length: n }, (_, i) => i);
    }
    const picked: number[] = [];
    const size = n / maxBuckets;
    for (let b = 0; b < maxBuckets; b++) {
        const start = Math.floor(b * size);
        const end = Math.min(n, Math.floor((b + 1) * size));
        if (end <= start) {
            continue;
        }
        const bucket = new Set<number>([start, end - 1]);
        for (const s of series) {
            let lo = start;
            let hi = start;
            for (let i = start + 1; i < end; i++) {
                if (s[i] < s[lo]) {
                    lo = i;
                }
                if (s[i] > s[hi]) {
                    hi = i;
                }
            }
            bucket.add(lo);
            bucket.add(hi);
        }
        picked.push(...Array.from(bucket).sort((a, c) => a - c));
    }
    return Uint32Array.from(picked);
}

function gather(values: ArrayLike<number>, indices: Uint32Array): Float64Array {
    const out = new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
        out[i] = values[indices[i]];
    }
    return out;
}

export function equityCurve(time: Float64Array, equity: Float64Array, initialCapital: number, maxBuckets = 1000): EquityCurve {
    const dd = drawdownSeries({ time, equity }, initialCapital);
    const idx = thinningIndices(time.length, [equity, dd.drawdownPercent], maxBuckets);
    return {
        time: gather(time, idx), equity: gather(equity, idx), drawdown: gather(dd.drawdown, idx),
        drawdownPercent: gather(dd.drawdownPercent, idx), totalSamples: time.length
    };
}

export function buildRunAnalysis(run: RunRecord, output: Pick<RunOutput, 'equity' | 'trades'>, options: RunAnalysisOptions = {}): RunAnalysis {
    const statistics = runStatistics(run, output, options.config);
    const trades = output.trades;
    return {
        run,
        headline: headlineMetrics(statistics),
        statistics,
        equity: equityCurve(output.equity.time, output.equity.equity, statistics.initialCapital, options.maxBuckets ?? 1000),
        trades,
        monthlyReturns: statistics.monthlyReturns,
        pnlByWeekdayHour: statistics.byWeekdayHour,
        returnDistribution: histogram(trades.pnl, options.histogramBins ?? 40),
        maeMfe: { mae: magnitudes(trades.mae), mfe: magnitudes(trades.mfe), pnl: trades.pnl }
    };
}

/** The engine's trades carry a signed MAE (<= 0); the scatter plots magnitudes. */
function magnitudes(values: Float64Array): Float64Array {
    return values.map(Math.abs);
}
