// *****************************************************************************
// Plain-data input and output of the statistics engine (see STATISTICS.md).
// No Theia, no Node: the engine worker, the CLI and the browser all use these.
// *****************************************************************************

/** Microseconds since 1970-01-01T00:00:00Z. */
export type UnixMicros = number;

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_HOUR = 3_600 * MICROS_PER_SECOND;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;
/** A Julian year (365.25 days), the year CAGR annualises by. */
export const MICROS_PER_YEAR = 365.25 * MICROS_PER_DAY;

export type TradeSide = 'long' | 'short';

/**
 * One closed trade. Money amounts are in the account currency.
 * `pnl` is the trade's net result: after commission and slippage
 * (`commission` and `slippage` are reported separately for the "costs paid" figures,
 * they are not subtracted again).
 */
export interface ClosedTrade {
    readonly id: number;
    readonly side: TradeSide;
    readonly entryTime: UnixMicros;
    readonly exitTime: UnixMicros;
    readonly entryPrice: number;
    readonly exitPrice: number;
    /** Size of the position, always positive. */
    readonly quantity: number;
    /** Net P&L in money (after commission and slippage). */
    readonly pnl: number;
    /** Commission paid on the trade's fills (>= 0). */
    readonly commission: number;
    /** Slippage cost paid on the trade's fills (>= 0). */
    readonly slippage: number;
    /** Maximum adverse excursion in money: the worst unrealised loss while open, as a magnitude (>= 0). */
    readonly mae: number;
    /** Maximum favourable excursion in money: the best unrealised gain while open, as a magnitude (>= 0). */
    readonly mfe: number;
    /** Number of bars (of the run's primary timeframe) the trade was open for. */
    readonly barsHeld: number;
}

/** Closed trades as columns; `side` is +1 for long and -1 for short. All columns have the same length. */
export interface TradeColumns {
    readonly id: Float64Array | Int32Array | readonly number[];
    readonly side: Int8Array | readonly number[];
    readonly entryTime: Float64Array;
    readonly exitTime: Float64Array;
    readonly entryPrice: Float64Array;
    readonly exitPrice: Float64Array;
    readonly quantity: Float64Array;
    readonly pnl: Float64Array;
    readonly commission: Float64Array;
    readonly slippage: Float64Array;
    readonly mae: Float64Array;
    readonly mfe: Float64Array;
    readonly barsHeld: Float64Array | Int32Array;
}

/** The account's equity, sampled in time order (e.g. at every bar close). */
export interface EquityColumns {
    readonly time: Float64Array;
    readonly equity: Float64Array;
    /**
     * Optional signed position exposure at each sample (quantity or notional; 0 = flat).
     * `exposure[i]` is the position held from `time[i]` until `time[i + 1]`.
     */
    readonly exposure?: Float64Array;
}

/** The benchmark of the buy-and-hold comparison: the instrument's close prices in time order. */
export interface BenchmarkColumns {
    readonly time: Float64Array;
    readonly close: Float64Array;
}

export interface StatisticsConfig {
    /** Periods (trading days) per year used to annualise daily figures. Default 252. */
    readonly periodsPerYear: number;
    /** Annual risk-free rate as a fraction (0.02 = 2 %). Default 0. */
    readonly riskFreeRate: number;
    /**
     * Start of the trading day as an offset from UTC midnight in microseconds (default 0 = UTC midnight;
     * 22:00 UTC = 17:00 New York winter time for FX). Daily closes, daily returns and monthly returns use it.
     */
    readonly dayBoundaryOffset: UnixMicros;
}

export const DEFAULT_STATISTICS_CONFIG: StatisticsConfig = {
    periodsPerYear: 252,
    riskFreeRate: 0,
    dayBoundaryOffset: 0
};

export interface StatisticsInput {
    readonly initialCapital: number;
    readonly equity: EquityColumns;
    readonly trades: TradeColumns | readonly ClosedTrade[];
    readonly benchmark?: BenchmarkColumns;
    readonly config?: Partial<StatisticsConfig>;
}

/** For each figure that is `undefined`, why it has no meaning (e.g. "no losing trades"). */
export type UndefinedReasons<T> = { readonly [K in keyof T]?: string };

/** Statistics of a set of closed trades (all, long only or short only). */
export interface TradeStatistics {
    readonly count: number;
    readonly winners: number;
    readonly losers: number;
    /** Trades with pnl exactly 0: neither winners nor losers. */
    readonly breakeven: number;
    /** Sum of pnl. */
    readonly netProfit: number;
    /** Sum of the winners' pnl (>= 0). */
    readonly grossProfit: number;
    /** Sum of the losers' pnl (<= 0, a negative number). */
    readonly grossLoss: number;
    readonly profitFactor: number | undefined;
    readonly expectancy: number | undefined;
    readonly winRate: number | undefined;
    readonly averageWin: number | undefined;
    /** Negative. */
    readonly averageLoss: number | undefined;
    readonly winLossRatio: number | undefined;
    readonly largestWin: number | undefined;
    /** Negative. */
    readonly largestLoss: number | undefined;
    readonly maxConsecutiveWins: number;
    readonly maxConsecutiveLosses: number;
    readonly averageBarsHeld: number | undefined;
    readonly averageTimeInTrade: UnixMicros | undefined;
    readonly sqn: number | undefined;
    readonly kelly: number | undefined;
    readonly commission: number;
    readonly slippage: number;
    readonly averageMae: number | undefined;
    readonly maxMae: number | undefined;
    readonly averageMfe: number | undefined;
    readonly maxMfe: number | undefined;
    /** Sum of pnl / sum of MFE: the share of the favourable excursions the trades kept (net of costs). */
    readonly mfeEfficiency: number | undefined;
    readonly reasons: UndefinedReasons<TradeStatistics>;
}

export interface DrawdownStatistics {
    /** Largest peak-to-trough fall in money (>= 0). */
    readonly maxDrawdown: number;
    /** Largest peak-to-trough fall as a fraction of the peak (>= 0; 0.1 = 10 %). */
    readonly maxDrawdownPercent: number;
    /** Longest time spent below a previous peak (ongoing drawdowns count up to the last sample). */
    readonly maxDrawdownDuration: UnixMicros;
    /** Time from the trough of the max (percent) drawdown back to its peak; undefined while not recovered. */
    readonly recoveryTime: UnixMicros | undefined;
    /** Mean over drawdown episodes of each episode's deepest fall in money. */
    readonly averageDrawdown: number | undefined;
    /** Mean over drawdown episodes of each episode's deepest fall as a fraction of its peak. */
    readonly averageDrawdownPercent: number | undefined;
    readonly drawdownCount: number;
    /** Ulcer index on daily closes: sqrt(mean(drawdown fraction^2)). */
    readonly ulcerIndex: number | undefined;
    readonly reasons: UndefinedReasons<DrawdownStatistics>;
}

export interface ReturnStatistics {
    /** Number of daily returns. */
    readonly days: number;
    readonly totalReturn: number | undefined;
    readonly cagr: number | undefined;
    readonly annualVolatility: number | undefined;
    readonly sharpe: number | undefined;
    readonly sortino: number | undefined;
    readonly calmar: number | undefined;
    readonly omega: number | undefined;
    /** Historical 95 % value at risk of a daily return, as a loss (positive = loss). */
    readonly valueAtRisk95: number | undefined;
    /** Historical 95 % conditional VaR (expected shortfall) of a daily return, as a loss. */
    readonly conditionalValueAtRisk95: number | undefined;
    readonly skewness: number | undefined;
    /** Excess kurtosis (0 for a normal distribution). */
    readonly kurtosis: number | undefined;
    readonly bestDay: number | undefined;
    readonly worstDay: number | undefined;
    readonly reasons: UndefinedReasons<ReturnStatistics>;
}

export interface ExposureStatistics {
    /** Fraction of the run's time with a position open. */
    readonly timeInMarket: number | undefined;
    /** Time-weighted mean of |exposure| (only with an exposure column). */
    readonly averageExposure: number | undefined;
    /** Where timeInMarket came from. */
    readonly source: 'exposure' | 'trades';
    readonly reasons: UndefinedReasons<ExposureStatistics>;
}

export interface BenchmarkStatistics {
    readonly firstClose: number | undefined;
    readonly lastClose: number | undefined;
    /** Buy-and-hold return: last close / first close - 1. */
    readonly totalReturn: number | undefined;
    /** initialCapital * totalReturn. */
    readonly netProfit: number | undefined;
    readonly cagr: number | undefined;
    readonly maxDrawdownPercent: number | undefined;
    /** Strategy total return - buy-and-hold total return. */
    readonly excessReturn: number | undefined;
    readonly reasons: UndefinedReasons<BenchmarkStatistics>;
}

/** P&L and trade count per bucket (hour 0-23, weekday 0 = Sunday .. 6, month 0 = January .. 11). */
export interface PnlBuckets {
    readonly pnl: readonly number[];
    readonly count: readonly number[];
    readonly winners: readonly number[];
}

export interface MonthlyReturnsRow {
    readonly year: number;
    /** Index 0 = January; undefined for a month without data. */
    readonly months: readonly (number | undefined)[];
    /** Compounded over the year's months. */
    readonly yearReturn: number;
}

export interface StatisticsReport {
    readonly initialCapital: number;
    readonly finalEquity: number;
    /** finalEquity - initialCapital. */
    readonly netProfit: number;
    readonly firstTime: UnixMicros | undefined;
    readonly lastTime: UnixMicros | undefined;
    readonly equitySamples: number;
    readonly returns: ReturnStatistics;
    readonly drawdown: DrawdownStatistics;
    readonly exposure: ExposureStatistics;
    readonly trades: TradeStatistics;
    readonly long: TradeStatistics;
    readonly short: TradeStatistics;
    /** By the UTC calendar hour of the trade's entry time. */
    readonly byHour: PnlBuckets;
    /** By the UTC calendar weekday of the trade's entry time. */
    readonly byWeekday: PnlBuckets;
    /** By the UTC calendar month of the trade's entry time. */
    readonly byMonth: PnlBuckets;
    /** P&L by weekday x hour of entry: index weekday * 24 + hour. */
    readonly byWeekdayHour: PnlBuckets;
    readonly monthlyReturns: readonly MonthlyReturnsRow[];
    readonly benchmark: BenchmarkStatistics;
    readonly config: StatisticsConfig;
}
