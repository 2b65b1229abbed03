// *****************************************************************************
// The documented definition of every figure of a StatisticsReport (STATISTICS.md in short),
// for the dashboard's labels and tooltips, the reports and the JSON export's schema.
// *****************************************************************************

import { StatisticsReport } from './statistics-types';

export type StatisticUnit = 'money' | 'fraction' | 'ratio' | 'count' | 'duration' | 'time' | 'price' | 'bars';

export interface StatisticDefinition {
    /** Path in the report, e.g. 'returns.sharpe'. Trade figures are given as 'trades.x'; 'long.x' and 'short.x' share them. */
    readonly id: string;
    readonly label: string;
    readonly unit: StatisticUnit;
    readonly formula: string;
}

const d = (id: string, label: string, unit: StatisticUnit, formula: string): StatisticDefinition => ({ id, label, unit, formula });

export const STATISTIC_DEFINITIONS: readonly StatisticDefinition[] = [
    d('initialCapital', 'Initial capital', 'money', 'given'),
    d('finalEquity', 'Final equity', 'money', 'equity of the last sample (initial capital without samples)'),
    d('netProfit', 'Net profit', 'money', 'final equity - initial capital'),
    d('firstTime', 'Start', 'time', 'time of the first equity sample'),
    d('lastTime', 'End', 'time', 'time of the last equity sample'),
    d('equitySamples', 'Equity samples', 'count', 'number of equity samples'),

    d('returns.days', 'Days', 'count', 'number of daily returns (trading days with at least one sample)'),
    d('returns.totalReturn', 'Total return', 'fraction', 'final equity / initial capital - 1'),
    d('returns.cagr', 'CAGR', 'fraction', '(final equity / initial capital)^(365.25 days / span) - 1; undefined under a day'),
    d('returns.annualVolatility', 'Annualised volatility', 'fraction', 'stdev(daily returns, n-1) * sqrt(periods per year)'),
    d('returns.sharpe', 'Sharpe ratio', 'ratio', '(mean(r) - rf/P) / stdev(r, n-1) * sqrt(P), r = daily returns'),
    d('returns.sortino', 'Sortino ratio', 'ratio', '(mean(r) - rf/P) / sqrt(sum(min(0, r - rf/P)^2) / n) * sqrt(P)'),
    d('returns.calmar', 'Calmar ratio', 'ratio', 'CAGR / max drawdown (percent)'),
    d('returns.omega', 'Omega ratio', 'ratio', 'sum(max(r - rf/P, 0)) / sum(max(rf/P - r, 0))'),
    d('returns.valueAtRisk95', 'VaR 95 % (daily)', 'fraction', '-(k-th smallest daily return), k = ceil(n / 20); a loss'),
    d('returns.conditionalValueAtRisk95', 'CVaR 95 % (daily)', 'fraction', '-mean of the k smallest daily returns, k = ceil(n / 20); a loss'),
    d('returns.skewness', 'Skewness', 'ratio', 'm3 / m2^1.5 of daily returns (population moments)'),
    d('returns.kurtosis', 'Excess kurtosis', 'ratio', 'm4 / m2^2 - 3 of daily returns (population moments)'),
    d('returns.bestDay', 'Best day', 'fraction', 'largest daily return'),
    d('returns.worstDay', 'Worst day', 'fraction', 'smallest daily return'),

    d('drawdown.maxDrawdown', 'Max drawdown', 'money', 'max over samples of (running peak - equity); the peak starts at the initial capital'),
    d('drawdown.maxDrawdownPercent', 'Max drawdown %', 'fraction', 'max over samples of (running peak - equity) / running peak'),
    d('drawdown.maxDrawdownDuration', 'Longest drawdown', 'duration', 'longest time from a peak to the first sample back at it (or to the end)'),
    d('drawdown.recoveryTime', 'Recovery time', 'duration', 'from the trough of the max % drawdown to the first sample back at its peak'),
    d('drawdown.averageDrawdown', 'Average drawdown', 'money', 'mean over drawdown episodes of their deepest fall'),
    d('drawdown.averageDrawdownPercent', 'Average drawdown %', 'fraction', 'mean over drawdown episodes of their deepest fall / peak'),
    d('drawdown.drawdownCount', 'Drawdowns', 'count', 'number of runs of samples below the running peak'),
    d('drawdown.ulcerIndex', 'Ulcer index', 'fraction', 'sqrt(mean((peak - close) / peak)^2) over daily closes'),

    d('exposure.timeInMarket', 'Time in market', 'fraction', 'time with a non-zero position / span (from the exposure column, else the union of trades)'),
    d('exposure.averageExposure', 'Average exposure', 'ratio', 'time-weighted mean |exposure| (exposure column only)'),

    d('trades.count', 'Trades', 'count', 'closed trades'),
    d('trades.winners', 'Winners', 'count', 'trades with pnl > 0'),
    d('trades.losers', 'Losers', 'count', 'trades with pnl < 0'),
    d('trades.breakeven', 'Breakeven', 'count', 'trades with pnl = 0'),
    d('trades.netProfit', 'Net profit (trades)', 'money', 'sum of pnl (net of commission and slippage)'),
    d('trades.grossProfit', 'Gross profit', 'money', 'sum of winners\' pnl'),
    d('trades.grossLoss', 'Gross loss', 'money', 'sum of losers\' pnl (negative)'),
    d('trades.profitFactor', 'Profit factor', 'ratio', 'gross profit / -gross loss; undefined without losers'),
    d('trades.expectancy', 'Expectancy', 'money', 'net profit / trades'),
    d('trades.winRate', 'Win rate', 'fraction', 'winners / trades'),
    d('trades.averageWin', 'Average win', 'money', 'gross profit / winners'),
    d('trades.averageLoss', 'Average loss', 'money', 'gross loss / losers (negative)'),
    d('trades.winLossRatio', 'Win/loss ratio', 'ratio', 'average win / -average loss'),
    d('trades.largestWin', 'Largest win', 'money', 'max pnl'),
    d('trades.largestLoss', 'Largest loss', 'money', 'min pnl (negative)'),
    d('trades.maxConsecutiveWins', 'Max consecutive wins', 'count', 'longest run of winners in closing order'),
    d('trades.maxConsecutiveLosses', 'Max consecutive losses', 'count', 'longest run of losers in closing order'),
    d('trades.averageBarsHeld', 'Average bars held', 'bars', 'mean bars held'),
    d('trades.averageTimeInTrade', 'Average time in trade', 'duration', 'mean(exit time - entry time)'),
    d('trades.sqn', 'SQN', 'ratio', 'sqrt(N) * mean(pnl) / stdev(pnl, N-1)'),
    d('trades.kelly', 'Kelly fraction', 'fraction', 'W - (1 - W) / R, W = win rate, R = win/loss ratio'),
    d('trades.commission', 'Commission paid', 'money', 'sum of commission'),
    d('trades.slippage', 'Slippage paid', 'money', 'sum of slippage'),
    d('trades.averageMae', 'Average MAE', 'money', 'mean maximum adverse excursion'),
    d('trades.maxMae', 'Max MAE', 'money', 'largest maximum adverse excursion'),
    d('trades.averageMfe', 'Average MFE', 'money', 'mean maximum favourable excursion'),
    d('trades.maxMfe', 'Max MFE', 'money', 'largest maximum favourable excursion'),
    d('trades.mfeEfficiency', 'MFE efficiency', 'fraction', 'sum(pnl) / sum(MFE)'),

    d('benchmark.firstClose', 'Benchmark first close', 'price', 'first benchmark close'),
    d('benchmark.lastClose', 'Benchmark last close', 'price', 'last benchmark close'),
    d('benchmark.totalReturn', 'Buy and hold return', 'fraction', 'last close / first close - 1'),
    d('benchmark.netProfit', 'Buy and hold profit', 'money', 'initial capital * buy-and-hold return'),
    d('benchmark.cagr', 'Buy and hold CAGR', 'fraction', '(last / first)^(365.25 days / span) - 1'),
    d('benchmark.maxDrawdownPercent', 'Buy and hold max drawdown %', 'fraction', 'max (running peak - close) / running peak'),
    d('benchmark.excessReturn', 'Excess return', 'fraction', 'total return - buy-and-hold return')
];

const BY_ID = new Map(STATISTIC_DEFINITIONS.map(def => [def.id, def]));

/** The definition of a figure; 'long.x' and 'short.x' resolve to 'trades.x'. */
export function statisticDefinition(id: string): StatisticDefinition | undefined {
    return BY_ID.get(id.replace(/^(long|short)\./, 'trades.'));
}

/** The value of a figure by its id (e.g. 'returns.sharpe', 'short.winRate'), and why it is undefined. */
export function statisticValue(report: StatisticsReport, id: string): { value: number | undefined; reason?: string } {
    const dot = id.indexOf('.');
    const source = report as unknown as Record<string, unknown>;
    if (dot < 0) {
        return { value: source[id] as number | undefined };
    }
    const group = source[id.slice(0, dot)] as Record<string, unknown> & { reasons: Record<string, string> };
    const key = id.slice(dot + 1);
    return { value: group[key] as number | undefined, reason: group.reasons[key] };
}
