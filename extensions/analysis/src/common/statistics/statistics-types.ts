// *****************************************************************************
// Plain-data input and output of the statistics engine (see STATISTICS.md).
// No Theia, no Node: the engine worker, the CLI and the browser all use these.
// *****************************************************************************

import type { UnixMicros } from '@backtestr/workspace-store';

/** Microseconds since 1970-01-01T00:00:00Z (declared in the SDK, re-exported by the data layer). */
export type { UnixMicros };

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
    /**
     * Maximum adverse excursion in money: the worst unrealised loss while open. The statistics use its
     * magnitude, so a signed value (the engine's trades record MAE <= 0) means the same as its absolute value.
     */
    readonly mae: number;
    /** Maximum favourable excursion in money: the best unrealised gain while open (its magnitude is used, as for `mae`). */
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
    /** N, the number of closed trades. */
    readonly count: number;
    /** Trades with pnl > 0. */
    readonly winners: number;
    /** Trades with pnl < 0. */
    readonly losers: number;
    /** Trades with pnl exactly 0: neither winners nor losers. */
    readonly breakeven: number;
    /** Sum of pnl. */
    readonly netProfit: number;
    /** Sum of the winners' pnl (>= 0). */
    readonly grossProfit: number;
    /** Sum of the losers' pnl (<= 0, a negative number). */
    readonly grossLoss: number;
    /** grossProfit / -grossLoss (0 with losers only); undefined without losers (not Infinity). */
    readonly profitFactor: number | undefined;
    /** netProfit / N: mean P&L per trade. */
    readonly expectancy: number | undefined;
    /** winners / N. */
    readonly winRate: number | undefined;
    /** grossProfit / winners. */
    readonly averageWin: number | undefined;
    /** grossLoss / losers (negative). */
    readonly averageLoss: number | undefined;
    /** averageWin / -averageLoss. */
    readonly winLossRatio: number | undefined;
    /** Largest pnl of the winners. */
    readonly largestWin: number | undefined;
    /** Smallest pnl of the losers (negative). */
    readonly largestLoss: number | undefined;
    /** Longest run of winners in closing order (a breakeven trade ends a run). */
    readonly maxConsecutiveWins: number;
    /** Longest run of losers in closing order (a breakeven trade ends a run). */
    readonly maxConsecutiveLosses: number;
    /** mean(barsHeld). */
    readonly averageBarsHeld: number | undefined;
    /** mean(exitTime - entryTime). */
    readonly averageTimeInTrade: UnixMicros | undefined;
    /** Van Tharp's System Quality Number: sqrt(N) * mean(pnl) / stdev(pnl, N - 1); undefined for N < 2 or stdev 0. */
    readonly sqn: number | undefined;
    /** Kelly fraction W - (1 - W) / R, W = winRate, R = winLossRatio. */
    readonly kelly: number | undefined;
    /** Sum of commission (already inside pnl). */
    readonly commission: number;
    /** Sum of slippage (already inside pnl). */
    readonly slippage: number;
    /** mean(|MAE|). */
    readonly averageMae: number | undefined;
    /** max(|MAE|): the worst adverse excursion. */
    readonly maxMae: number | undefined;
    /** mean(MFE). */
    readonly averageMfe: number | undefined;
    /** max(MFE). */
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
    /** Number of drawdown episodes: maximal runs of samples below the running peak. */
    readonly drawdownCount: number;
    /** Ulcer index on daily closes: sqrt(mean(drawdown fraction^2)). */
    readonly ulcerIndex: number | undefined;
    readonly reasons: UndefinedReasons<DrawdownStatistics>;
}

export interface ReturnStatistics {
    /** n, the number of daily returns r_i = close_i / close_(i-1) - 1 (close_0 = initial capital). */
    readonly days: number;
    /** finalEquity / initialCapital - 1. */
    readonly totalReturn: number | undefined;
    /** (finalEquity / initialCapital)^(1 / years) - 1, years = span / 365.25 days; undefined under a day. */
    readonly cagr: number | undefined;
    /** stdev(r, n - 1) * sqrt(P). */
    readonly annualVolatility: number | undefined;
    /** (mean(r) - tau) / stdev(r, n - 1) * sqrt(P), tau = riskFreeRate / P. */
    readonly sharpe: number | undefined;
    /** (mean(r) - tau) / sqrt(sum(min(0, r - tau)^2) / n) * sqrt(P). */
    readonly sortino: number | undefined;
    /** cagr / drawdown.maxDrawdownPercent. */
    readonly calmar: number | undefined;
    /** sum(max(r - tau, 0)) / sum(max(tau - r, 0)). */
    readonly omega: number | undefined;
    /** Historical 95 % value at risk of a daily return, as a loss (positive = loss): -r_(k), r sorted ascending, k = ceil(n / 20). */
    readonly valueAtRisk95: number | undefined;
    /** Historical 95 % conditional VaR (expected shortfall) of a daily return, as a loss: -mean(r_(1) .. r_(k)). */
    readonly conditionalValueAtRisk95: number | undefined;
    /** Population skewness of r: m3 / m2^1.5, m_j = sum((r - mean)^j) / n. */
    readonly skewness: number | undefined;
    /** Population excess kurtosis of r: m4 / m2^2 - 3 (0 for a normal distribution). */
    readonly kurtosis: number | undefined;
    /** max(r). */
    readonly bestDay: number | undefined;
    /** min(r). */
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
