// *****************************************************************************
// Daily closes of the equity curve and the statistics of their returns.
// O(1) per equity sample; the VaR/CVaR quantiles keep the array of daily returns.
// The current (last) day is provisional: snapshot() counts its latest equity as its close
// without committing it, so a snapshot at the end equals the final figures.
// Formulas: STATISTICS.md, "Returns".
// *****************************************************************************

import { RunningMoments } from './running-moments';
import { monthIndexOfDay, tradingDayIndex } from './statistics-calendar';
import { MonthlyReturnsRow, ReturnStatistics, StatisticsConfig, UndefinedReasons, UnixMicros } from './statistics-types';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The part of ReturnStatistics computed from daily returns alone. */
export type DailyReturnFigures = Omit<ReturnStatistics, 'totalReturn' | 'cagr' | 'calmar' | 'reasons'> & {
    readonly reasons: Mutable<UndefinedReasons<ReturnStatistics>>;
};

/** Sums over daily returns that every figure but the quantiles needs. */
class ReturnSums {
    readonly moments = new RunningMoments();
    /** sum(max(r - tau, 0)) and sum(max(tau - r, 0)). */
    gain = 0;
    loss = 0;
    /** sum(min(r - tau, 0)^2). */
    downsideSquares = 0;
    best = -Infinity;
    worst = Infinity;
    /** Ulcer index on daily closes: running peak of the closes and sum of squared drawdown fractions. */
    closePeak: number;
    ulcerSquares = 0;

    constructor(initialCapital: number) {
        this.closePeak = initialCapital;
    }

    add(r: number, close: number, tau: number): void {
        this.moments.add(r);
        const excess = r - tau;
        if (excess > 0) {
            this.gain += excess;
        } else {
            this.loss -= excess;
            this.downsideSquares += excess * excess;
        }
        if (r > this.best) {
            this.best = r;
        }
        if (r < this.worst) {
            this.worst = r;
        }
        if (close > this.closePeak) {
            this.closePeak = close;
        }
        const dd = (this.closePeak - close) / this.closePeak;
        this.ulcerSquares += dd * dd;
    }

    clone(): ReturnSums {
        const c = new ReturnSums(this.closePeak);
        Object.assign(c, this, { moments: this.moments.clone() });
        return c;
    }
}

export class DailyReturnsAccumulator {
    protected readonly tau: number;
    protected readonly sums: ReturnSums;
    protected readonly returns: number[] = [];
    protected previousClose: number;
    protected day: number | undefined;
    protected dayClose = 0;
    /** A daily close <= 0 was reached: later returns have no meaning. */
    protected ruined = false;
    protected readonly monthKeys: number[] = [];
    protected readonly monthCloses: number[] = [];

    constructor(protected readonly initialCapital: number, protected readonly config: StatisticsConfig) {
        this.tau = config.riskFreeRate / config.periodsPerYear;
        this.sums = new ReturnSums(initialCapital);
        this.previousClose = initialCapital;
    }

    add(time: UnixMicros, equity: number): void {
        const day = tradingDayIndex(time, this.config.dayBoundaryOffset);
        if (day !== this.day) {
            if (this.day !== undefined) {
                this.commitDay(this.sums, this.returns);
            }
            this.day = day;
            const month = monthIndexOfDay(day);
            if (this.monthKeys.length === 0 || this.monthKeys[this.monthKeys.length - 1] !== month) {
                this.monthKeys.push(month);
                this.monthCloses.push(equity);
            }
        }
        this.dayClose = equity;
        this.monthCloses[this.monthCloses.length - 1] = equity;
    }

    protected commitDay(sums: ReturnSums, returns: number[]): void {
        if (this.ruined) {
            return;
        }
        const close = this.dayClose;
        returns.push(close / this.previousClose - 1);
        sums.add(returns[returns.length - 1], close, this.tau);
        if (sums === this.sums) {
            this.previousClose = close;
            this.ruined = close <= 0;
        }
    }

    snapshot(): { figures: DailyReturnFigures; ulcerIndex: number | undefined; ulcerReason: string | undefined } {
        const sums = this.sums.clone();
        const returns = this.returns.slice();
        if (this.day !== undefined) {
            this.commitDay(sums, returns);
        }
        const reasons: Mutable<UndefinedReasons<ReturnStatistics>> = {};
        const m = sums.moments;
        const n = m.n;
        const P = this.config.periodsPerYear;
        const variance = m.sampleVariance();
        const ruinNote = this.ruined ? ' (equity reached zero: later days are not counted)' : '';
        let annualVolatility: number | undefined;
        let sharpe: number | undefined;
        if (variance === undefined) {
            reasons.annualVolatility = reasons.sharpe = `fewer than two daily returns${ruinNote}`;
        } else {
            annualVolatility = Math.sqrt(variance) * Math.sqrt(P);
            if (variance === 0) {
                reasons.sharpe = 'daily returns have zero variance';
            } else {
                sharpe = (m.mean - this.tau) / Math.sqrt(variance) * Math.sqrt(P);
            }
        }
        let sortino: number | undefined;
        if (n < 2) {
            reasons.sortino = `fewer than two daily returns${ruinNote}`;
        } else if (sums.downsideSquares === 0) {
            reasons.sortino = 'no daily return below the risk-free rate (downside deviation 0)';
        } else {
            sortino = (m.mean - this.tau) / Math.sqrt(sums.downsideSquares / n) * Math.sqrt(P);
        }
        let omega: number | undefined;
        if (n === 0) {
            reasons.omega = 'no daily returns';
        } else if (sums.loss === 0) {
            reasons.omega = 'no daily return below the risk-free rate';
        } else {
            omega = sums.gain / sums.loss;
        }
        let valueAtRisk95: number | undefined;
        let conditionalValueAtRisk95: number | undefined;
        if (n === 0) {
            reasons.valueAtRisk95 = reasons.conditionalValueAtRisk95 = 'no daily returns';
        } else {
            returns.sort((a, b) => a - b);
            const k = Math.ceil(n / 20);
            valueAtRisk95 = -returns[k - 1];
            let tail = 0;
            for (let i = 0; i < k; i++) {
                tail += returns[i];
            }
            conditionalValueAtRisk95 = -tail / k;
        }
        const skewness = m.skewness();
        const kurtosis = m.excessKurtosis();
        if (skewness === undefined) {
            reasons.skewness = reasons.kurtosis = n < 2 ? 'fewer than two daily returns' : 'daily returns have zero variance';
        }
        if (n === 0) {
            reasons.bestDay = reasons.worstDay = 'no daily returns';
        }
        const figures: DailyReturnFigures = {
            days: n,
            annualVolatility,
            sharpe,
            sortino,
            omega,
            valueAtRisk95,
            conditionalValueAtRisk95,
            skewness,
            kurtosis,
            bestDay: n > 0 ? sums.best : undefined,
            worstDay: n > 0 ? sums.worst : undefined,
            reasons
        };
        return {
            figures,
            ulcerIndex: n > 0 ? Math.sqrt(sums.ulcerSquares / n) : undefined,
            ulcerReason: n > 0 ? undefined : 'no daily closes'
        };
    }

    /**
     * Returns of each month's last daily close over the previous month's (the first over the initial
     * capital); undefined once a month closed at or below zero.
     */
    monthlyReturns(): MonthlyReturnsRow[] {
        const rows: { year: number; months: (number | undefined)[]; yearReturn: number }[] = [];
        let previous = this.initialCapital;
        for (let i = 0; i < this.monthKeys.length; i++) {
            const key = this.monthKeys[i];
            const year = Math.floor(key / 12);
            // After a close at or below zero a return has no base: those months stay undefined.
            const r = previous > 0 ? this.monthCloses[i] / previous - 1 : undefined;
            previous = previous > 0 ? this.monthCloses[i] : previous;
            let row = rows[rows.length - 1];
            if (row === undefined || row.year !== year) {
                row = { year, months: new Array<number | undefined>(12).fill(undefined), yearReturn: 0 };
                rows.push(row);
            }
            row.months[key - year * 12] = r;
            if (r !== undefined) {
                row.yearReturn = (1 + row.yearReturn) * (1 + r) - 1;
            }
        }
        return rows;
    }
}
