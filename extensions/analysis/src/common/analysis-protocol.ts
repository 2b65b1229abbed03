// *****************************************************************************
// Analysis protocol: statistics of backtest runs and their documented definitions.
// *****************************************************************************

export const ANALYSIS_SERVICE_PATH = '/services/backtestr/analysis';

/** A statistic the analysis view shows, with the formula it is computed by. */
export interface MetricDefinition {
    readonly id: string;
    readonly label: string;
    readonly formula: string;
}

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
    { id: 'netProfit', label: 'Net profit', formula: 'final equity - initial equity' },
    { id: 'totalReturn', label: 'Total return', formula: 'final equity / initial equity - 1' },
    { id: 'maxDrawdown', label: 'Max drawdown', formula: 'max over t of (peak equity up to t - equity at t) / peak equity up to t' },
    { id: 'sharpe', label: 'Sharpe ratio', formula: 'mean(daily returns) / stdev(daily returns, n-1) * sqrt(252)' },
    { id: 'profitFactor', label: 'Profit factor', formula: 'sum of winning trade P&L / |sum of losing trade P&L|' },
    { id: 'winRate', label: 'Win rate', formula: 'winning trades / closed trades' }
];

export const AnalysisService = Symbol('AnalysisService');
export interface AnalysisService {
    listMetricDefinitions(): Promise<readonly MetricDefinition[]>;
}
