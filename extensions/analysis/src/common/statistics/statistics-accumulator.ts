// *****************************************************************************
// StatisticsAccumulator: every statistic of a run, updated as equity samples and closed
// trades arrive (O(1) amortised per update; VaR/CVaR keep the daily returns), with a
// snapshot() cheap enough to call once a second during a run. computeStatistics() feeds
// the same accumulator, so the live figures at the end equal the final ones exactly.
// Formulas: STATISTICS.md.
// *****************************************************************************

import { DailyReturnsAccumulator } from './daily-returns-accumulator';
import { DrawdownTracker } from './drawdown-tracker';
import { tradingDayIndex, utcHour, weekdayOfDay, monthIndexOfDay } from './statistics-calendar';
import {
    BenchmarkStatistics, ClosedTrade, DEFAULT_STATISTICS_CONFIG, ExposureStatistics, MICROS_PER_DAY, MICROS_PER_YEAR,
    PnlBuckets, ReturnStatistics, StatisticsConfig, StatisticsReport, UndefinedReasons, UnixMicros
} from './statistics-types';
import { TradeStatisticsAccumulator } from './trade-statistics-accumulator';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class Buckets {
    readonly pnl: number[];
    readonly count: number[];
    readonly winners: number[];
    constructor(size: number) {
        this.pnl = new Array<number>(size).fill(0);
        this.count = new Array<number>(size).fill(0);
        this.winners = new Array<number>(size).fill(0);
    }
    add(i: number, pnl: number): void {
        this.pnl[i] += pnl;
        this.count[i]++;
        if (pnl > 0) {
            this.winners[i]++;
        }
    }
    snapshot(): PnlBuckets {
        return { pnl: this.pnl.slice(), count: this.count.slice(), winners: this.winners.slice() };
    }
}

/**
 * Compound annual growth rate over `span` microseconds: ratio^(1 / years) - 1 with Julian years.
 * Returns the reason instead when it has no meaning.
 */
export function compoundAnnualGrowth(ratio: number, span: UnixMicros): number | string {
    if (span < MICROS_PER_DAY) {
        return 'the run is shorter than a day';
    }
    if (!(ratio > 0)) {
        return 'the final value is not positive';
    }
    return Math.pow(ratio, MICROS_PER_YEAR / span) - 1;
}

export class StatisticsAccumulator {
    readonly config: StatisticsConfig;
    protected readonly daily: DailyReturnsAccumulator;
    protected readonly drawdown: DrawdownTracker;
    protected readonly all = new TradeStatisticsAccumulator();
    protected readonly long = new TradeStatisticsAccumulator();
    protected readonly short = new TradeStatisticsAccumulator();
    protected readonly byHour = new Buckets(24);
    protected readonly byWeekday = new Buckets(7);
    protected readonly byMonth = new Buckets(12);
    protected readonly byWeekdayHour = new Buckets(7 * 24);

    protected samples = 0;
    protected firstTime: UnixMicros | undefined;
    protected lastTime: UnixMicros | undefined;
    protected lastEquity: number;

    /** Exposure column: time with a position and integral of |exposure| over time. */
    protected exposureOnEverySample = true;
    protected lastExposure = 0;
    protected exposedTime = 0;
    protected exposureIntegral = 0;
    /** Union of the trades' [entry, exit) intervals: committed length plus the open merged interval. */
    protected tradeUnion = 0;
    protected tradeIntervalStart: UnixMicros | undefined;
    protected tradeIntervalEnd: UnixMicros = 0;
    /** Every trade's entry and exit, flat; only read when trades opened out of order. */
    protected readonly tradeIntervals: UnixMicros[] = [];
    protected tradeIntervalsOutOfOrder = false;

    protected benchmarkFirst: number | undefined;
    protected benchmarkLast = 0;
    protected benchmarkFirstTime: UnixMicros = 0;
    protected benchmarkLastTime: UnixMicros = 0;
    protected benchmarkPeak = 0;
    protected benchmarkMaxDrawdown = 0;

    constructor(readonly initialCapital: number, config: Partial<StatisticsConfig> = {}) {
        if (!(initialCapital > 0) || !Number.isFinite(initialCapital)) {
            throw new RangeError(`initial capital must be a positive finite number, got ${initialCapital}`);
        }
        this.config = { ...DEFAULT_STATISTICS_CONFIG, ...config };
        if (!(this.config.periodsPerYear > 0)) {
            throw new RangeError(`periodsPerYear must be positive, got ${this.config.periodsPerYear}`);
        }
        this.daily = new DailyReturnsAccumulator(initialCapital, this.config);
        this.drawdown = new DrawdownTracker(initialCapital);
        this.lastEquity = initialCapital;
    }

    /**
     * One equity sample; times must not decrease. `exposure` is the position held from this
     * sample until the next (leave it out on every sample to derive time in market from trades).
     */
    addEquity(time: UnixMicros, equity: number, exposure?: number): void {
        if (!Number.isFinite(time) || !Number.isFinite(equity)) {
            throw new RangeError(`equity sample must be finite, got time ${time}, equity ${equity}`);
        }
        if (this.lastTime !== undefined) {
            if (time < this.lastTime) {
                throw new RangeError(`equity samples must be in time order: ${time} after ${this.lastTime}`);
            }
            const dt = time - this.lastTime;
            if (this.lastExposure !== 0) {
                this.exposedTime += dt;
                this.exposureIntegral += dt * Math.abs(this.lastExposure);
            }
        } else {
            this.firstTime = time;
        }
        if (exposure === undefined) {
            this.exposureOnEverySample = false;
            this.lastExposure = 0;
        } else {
            this.lastExposure = exposure;
        }
        this.samples++;
        this.lastTime = time;
        this.lastEquity = equity;
        this.daily.add(time, equity);
        this.drawdown.add(time, equity);
    }

    /** One closed trade, in the order trades closed (streaks follow this order). */
    addTrade(trade: ClosedTrade): void {
        this.all.add(trade);
        (trade.side === 'short' ? this.short : this.long).add(trade);
        const entry = trade.entryTime;
        const day = tradingDayIndex(entry, 0);
        const hour = utcHour(entry);
        const weekday = weekdayOfDay(day);
        this.byHour.add(hour, trade.pnl);
        this.byWeekday.add(weekday, trade.pnl);
        this.byMonth.add(monthIndexOfDay(day) % 12, trade.pnl);
        this.byWeekdayHour.add(weekday * 24 + hour, trade.pnl);
        this.addTradeInterval(entry, trade.exitTime);
    }

    protected addTradeInterval(start: UnixMicros, end: UnixMicros): void {
        this.tradeIntervals.push(start, end);
        if (this.tradeIntervalsOutOfOrder) {
            return;
        }
        if (this.tradeIntervalStart === undefined) {
            this.tradeIntervalStart = start;
            this.tradeIntervalEnd = end;
        } else if (start < this.tradeIntervalStart) {
            // A trade that opened before the previous one: snapshot() then sorts the intervals.
            this.tradeIntervalsOutOfOrder = true;
        } else if (start <= this.tradeIntervalEnd) {
            this.tradeIntervalEnd = Math.max(this.tradeIntervalEnd, end);
        } else {
            this.tradeUnion += this.tradeIntervalEnd - this.tradeIntervalStart;
            this.tradeIntervalStart = start;
            this.tradeIntervalEnd = end;
        }
    }

    /** Length of the union of the trades' [entry, exit) intervals. */
    protected tradeTimeInMarket(): UnixMicros {
        if (!this.tradeIntervalsOutOfOrder) {
            return this.tradeIntervalStart === undefined ? 0 : this.tradeUnion + this.tradeIntervalEnd - this.tradeIntervalStart;
        }
        const order: number[] = [];
        for (let i = 0; i < this.tradeIntervals.length; i += 2) {
            order.push(i);
        }
        const iv = this.tradeIntervals;
        order.sort((a, b) => iv[a] - iv[b] || iv[a + 1] - iv[b + 1]);
        let union = 0;
        let s = iv[order[0]];
        let e = iv[order[0] + 1];
        for (const i of order) {
            if (iv[i] <= e) {
                e = Math.max(e, iv[i + 1]);
            } else {
                union += e - s;
                s = iv[i];
                e = iv[i + 1];
            }
        }
        return union + e - s;
    }

    /** One close of the benchmark instrument (buy-and-hold comparison); times must not decrease. */
    addBenchmark(time: UnixMicros, close: number): void {
        if (this.benchmarkFirst === undefined) {
            this.benchmarkFirst = close;
            this.benchmarkFirstTime = time;
            this.benchmarkPeak = close;
        }
        this.benchmarkLast = close;
        this.benchmarkLastTime = time;
        if (close > this.benchmarkPeak) {
            this.benchmarkPeak = close;
        }
        const dd = this.benchmarkPeak > 0 ? (this.benchmarkPeak - close) / this.benchmarkPeak : 0;
        if (dd > this.benchmarkMaxDrawdown) {
            this.benchmarkMaxDrawdown = dd;
        }
    }

    snapshot(): StatisticsReport {
        const span = this.firstTime === undefined ? 0 : this.lastTime! - this.firstTime;
        const { figures, ulcerIndex, ulcerReason } = this.daily.snapshot();
        const drawdown = this.drawdown.snapshot(ulcerIndex, ulcerReason);
        const reasons = figures.reasons;
        const totalReturn = this.lastEquity / this.initialCapital - 1;
        let cagr: number | undefined;
        if (this.samples === 0) {
            reasons.cagr = 'no equity samples';
        } else {
            const growth = compoundAnnualGrowth(this.lastEquity / this.initialCapital, span);
            if (typeof growth === 'string') {
                reasons.cagr = growth;
            } else {
                cagr = growth;
            }
        }
        let calmar: number | undefined;
        if (cagr === undefined) {
            reasons.calmar = `CAGR undefined: ${reasons.cagr}`;
        } else if (drawdown.maxDrawdownPercent === 0) {
            reasons.calmar = 'no drawdown';
        } else {
            calmar = cagr / drawdown.maxDrawdownPercent;
        }
        const returns: ReturnStatistics = { ...figures, totalReturn, cagr, calmar, reasons };
        return {
            initialCapital: this.initialCapital,
            finalEquity: this.lastEquity,
            netProfit: this.lastEquity - this.initialCapital,
            firstTime: this.firstTime,
            lastTime: this.lastTime,
            equitySamples: this.samples,
            returns,
            drawdown,
            exposure: this.exposureSnapshot(span),
            trades: this.all.snapshot(),
            long: this.long.snapshot(),
            short: this.short.snapshot(),
            byHour: this.byHour.snapshot(),
            byWeekday: this.byWeekday.snapshot(),
            byMonth: this.byMonth.snapshot(),
            byWeekdayHour: this.byWeekdayHour.snapshot(),
            monthlyReturns: this.daily.monthlyReturns(),
            benchmark: this.benchmarkSnapshot(totalReturn),
            config: this.config
        };
    }

    protected exposureSnapshot(span: UnixMicros): ExposureStatistics {
        const reasons: Mutable<UndefinedReasons<ExposureStatistics>> = {};
        const fromColumn = this.samples > 0 && this.exposureOnEverySample;
        if (span <= 0) {
            reasons.timeInMarket = reasons.averageExposure = this.samples === 0 ? 'no equity samples' : 'the equity curve spans no time';
            return { timeInMarket: undefined, averageExposure: undefined, source: fromColumn ? 'exposure' : 'trades', reasons };
        }
        if (fromColumn) {
            return { timeInMarket: this.exposedTime / span, averageExposure: this.exposureIntegral / span, source: 'exposure', reasons };
        }
        reasons.averageExposure = 'no exposure column';
        return { timeInMarket: this.tradeTimeInMarket() / span, averageExposure: undefined, source: 'trades', reasons };
    }

    protected benchmarkSnapshot(strategyReturn: number): BenchmarkStatistics {
        const reasons: Mutable<UndefinedReasons<BenchmarkStatistics>> = {};
        const first = this.benchmarkFirst;
        if (first === undefined || !(first > 0)) {
            const why = first === undefined ? 'no benchmark' : 'the benchmark\'s first close is not positive';
            const keys = ['totalReturn', 'netProfit', 'cagr', 'maxDrawdownPercent', 'excessReturn'] as const;
            for (const key of first === undefined ? [...keys, 'firstClose', 'lastClose'] as const : keys) {
                reasons[key] = why;
            }
            return {
                firstClose: first, lastClose: first === undefined ? undefined : this.benchmarkLast, totalReturn: undefined,
                netProfit: undefined, cagr: undefined, maxDrawdownPercent: undefined, excessReturn: undefined, reasons
            };
        }
        const totalReturn = this.benchmarkLast / first - 1;
        const growth = compoundAnnualGrowth(this.benchmarkLast / first, this.benchmarkLastTime - this.benchmarkFirstTime);
        if (typeof growth === 'string') {
            reasons.cagr = growth;
        }
        return {
            firstClose: first,
            lastClose: this.benchmarkLast,
            totalReturn,
            netProfit: this.initialCapital * totalReturn,
            cagr: typeof growth === 'string' ? undefined : growth,
            maxDrawdownPercent: this.benchmarkMaxDrawdown,
            excessReturn: strategyReturn - totalReturn,
            reasons
        };
    }
}
