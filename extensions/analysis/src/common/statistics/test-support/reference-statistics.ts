// *****************************************************************************
// Test support: an independent reference implementation of every statistic, written
// straight from the textbook definitions with naive loops over whole arrays (two-pass
// moments, sort-based quantiles, Date-based calendars), sharing no code with the engine.
// Slow on purpose. Used by the specs only.
// *****************************************************************************

import {
    ClosedTrade, MonthlyReturnsRow, PnlBuckets, StatisticsConfig, StatisticsReport, TradeStatistics, DEFAULT_STATISTICS_CONFIG
} from '../statistics-types';

export interface ReferenceInput {
    readonly initialCapital: number;
    readonly time: readonly number[];
    readonly equity: readonly number[];
    readonly exposure?: readonly number[];
    readonly trades: readonly ClosedTrade[];
    readonly benchmarkTime?: readonly number[];
    readonly benchmarkClose?: readonly number[];
    readonly config?: Partial<StatisticsConfig>;
}

const YEAR_US = 365.25 * 86_400_000_000;

function sum(xs: readonly number[]): number {
    let s = 0;
    for (const x of xs) {
        s += x;
    }
    return s;
}

/** Largest element by a loop (spreading 100k+ values into Math.max overflows the stack). */
function maxOf(xs: readonly number[]): number {
    let m = -Infinity;
    for (const x of xs) {
        m = x > m ? x : m;
    }
    return m;
}

function minOf(xs: readonly number[]): number {
    return -maxOf(xs.map(x => -x));
}

function mean(xs: readonly number[]): number | undefined {
    return xs.length === 0 ? undefined : sum(xs) / xs.length;
}

/** Two-pass sample standard deviation. */
function sampleStdev(xs: readonly number[]): number | undefined {
    if (xs.length < 2) {
        return undefined;
    }
    const m = sum(xs) / xs.length;
    let ss = 0;
    for (const x of xs) {
        ss += (x - m) * (x - m);
    }
    return Math.sqrt(ss / (xs.length - 1));
}

function centralMoment(xs: readonly number[], k: number): number {
    const m = sum(xs) / xs.length;
    let s = 0;
    for (const x of xs) {
        s += Math.pow(x - m, k);
    }
    return s / xs.length;
}

/** Trading-day label of a time, via Date: 'YYYY-MM-DD' of (time - offset). */
function dayLabel(timeUs: number, offsetUs: number): string {
    return new Date((timeUs - offsetUs) / 1000).toISOString().slice(0, 10);
}

function cagr(ratio: number, spanUs: number): number | undefined {
    if (spanUs < 86_400_000_000 || ratio <= 0) {
        return undefined;
    }
    return Math.pow(ratio, 1 / (spanUs / YEAR_US)) - 1;
}

export function referenceTradeStatistics(trades: readonly ClosedTrade[]): TradeStatistics {
    const pnls = trades.map(t => t.pnl);
    const wins = pnls.filter(p => p > 0);
    const losses = pnls.filter(p => p < 0);
    const grossProfit = sum(wins);
    const grossLoss = sum(losses);
    const averageWin = mean(wins);
    const averageLoss = mean(losses);
    const winRate = trades.length ? wins.length / trades.length : undefined;
    const winLossRatio = averageWin !== undefined && averageLoss !== undefined ? averageWin / Math.abs(averageLoss) : undefined;
    let maxW = 0;
    let maxL = 0;
    for (let i = 0; i < pnls.length; i++) {
        let j = i;
        while (j < pnls.length && pnls[j] > 0) {
            j++;
        }
        maxW = Math.max(maxW, j - i);
        j = i;
        while (j < pnls.length && pnls[j] < 0) {
            j++;
        }
        maxL = Math.max(maxL, j - i);
    }
    const sd = sampleStdev(pnls);
    const totalMfe = sum(trades.map(t => Math.abs(t.mfe)));
    return {
        count: trades.length,
        winners: wins.length,
        losers: losses.length,
        breakeven: pnls.filter(p => p === 0).length,
        netProfit: sum(pnls),
        grossProfit,
        grossLoss,
        profitFactor: losses.length ? grossProfit / Math.abs(grossLoss) : undefined,
        expectancy: mean(pnls),
        winRate,
        averageWin,
        averageLoss,
        winLossRatio,
        largestWin: wins.length ? maxOf(wins) : undefined,
        largestLoss: losses.length ? minOf(losses) : undefined,
        maxConsecutiveWins: maxW,
        maxConsecutiveLosses: maxL,
        averageBarsHeld: mean(trades.map(t => t.barsHeld)),
        averageTimeInTrade: mean(trades.map(t => t.exitTime - t.entryTime)),
        sqn: sd !== undefined && sd > 0 ? Math.sqrt(pnls.length) * mean(pnls)! / sd : undefined,
        kelly: winRate !== undefined && winLossRatio !== undefined ? winRate - (1 - winRate) / winLossRatio : undefined,
        commission: sum(trades.map(t => t.commission)),
        slippage: sum(trades.map(t => t.slippage)),
        averageMae: mean(trades.map(t => Math.abs(t.mae))),
        maxMae: trades.length ? maxOf(trades.map(t => Math.abs(t.mae))) : undefined,
        averageMfe: mean(trades.map(t => Math.abs(t.mfe))),
        maxMfe: trades.length ? maxOf(trades.map(t => Math.abs(t.mfe))) : undefined,
        mfeEfficiency: totalMfe > 0 ? sum(pnls) / totalMfe : undefined,
        reasons: {}
    };
}

function buckets(trades: readonly ClosedTrade[], size: number, key: (d: Date) => number): PnlBuckets {
    const pnl: number[] = [];
    const count: number[] = [];
    const winners: number[] = [];
    for (let b = 0; b < size; b++) {
        const inBucket = trades.filter(t => key(new Date(t.entryTime / 1000)) === b);
        pnl.push(sum(inBucket.map(t => t.pnl)));
        count.push(inBucket.length);
        winners.push(inBucket.filter(t => t.pnl > 0).length);
    }
    return { pnl, count, winners };
}

export function referenceStatistics(input: ReferenceInput): StatisticsReport {
    const config: StatisticsConfig = { ...DEFAULT_STATISTICS_CONFIG, ...input.config };
    const { initialCapital: C, time, equity } = input;
    const n = time.length;
    const finalEquity = n ? equity[n - 1] : C;
    const span = n ? time[n - 1] - time[0] : 0;
    const P = config.periodsPerYear;
    const tau = config.riskFreeRate / P;

    // Daily closes: the last sample of each trading day.
    const closes: number[] = [];
    const closeLabels: string[] = [];
    for (let i = 0; i < n; i++) {
        const label = dayLabel(time[i], config.dayBoundaryOffset);
        if (i + 1 === n || dayLabel(time[i + 1], config.dayBoundaryOffset) !== label) {
            closes.push(equity[i]);
            closeLabels.push(label);
        }
    }
    const r = closes.map((c, i) => c / (i === 0 ? C : closes[i - 1]) - 1);
    const sd = sampleStdev(r);
    const meanR = mean(r);
    const downside = r.length ? Math.sqrt(sum(r.map(x => Math.pow(Math.min(0, x - tau), 2))) / r.length) : 0;
    const omegaUp = sum(r.map(x => Math.max(x - tau, 0)));
    const omegaDown = sum(r.map(x => Math.max(tau - x, 0)));
    const sorted = r.slice().sort((a, b) => a - b);
    let k = 0;
    while (k < sorted.length && 20 * k < sorted.length) {
        k++;
    }
    const m2 = r.length ? centralMoment(r, 2) : 0;

    // Drawdowns on every sample; the peak starts at the initial capital.
    let peak = C;
    const peaks: number[] = [];
    for (let i = 0; i < n; i++) {
        peak = Math.max(peak, equity[i]);
        peaks.push(peak);
    }
    const dd = equity.map((e, i) => peaks[i] - e);
    const ddPct = equity.map((e, i) => (peaks[i] - e) / peaks[i]);
    const maxDrawdown = n ? Math.max(0, maxOf(dd)) : 0;
    const maxDrawdownPercent = n ? Math.max(0, maxOf(ddPct)) : 0;
    // Episodes: maximal runs of samples below the peak.
    const episodes: { start: number; end: number }[] = [];
    for (let i = 0; i < n; i++) {
        if (equity[i] < peaks[i] && (i === 0 || equity[i - 1] >= peaks[i - 1])) {
            let j = i;
            while (j < n && equity[j] < peaks[j]) {
                j++;
            }
            episodes.push({ start: i, end: j });
        }
    }
    let maxDuration = 0;
    let recoveryTime: number | undefined;
    const troughIndex = ddPct.indexOf(maxDrawdownPercent);
    for (const ep of episodes) {
        const peakTime = ep.start === 0 ? time[0] : time[ep.start - 1];
        const endTime = ep.end < n ? time[ep.end] : time[n - 1];
        maxDuration = Math.max(maxDuration, endTime - peakTime);
        if (maxDrawdownPercent > 0 && troughIndex >= ep.start && troughIndex < ep.end && ep.end < n) {
            recoveryTime = time[ep.end] - time[troughIndex];
        }
    }
    const depths = episodes.map(ep => maxOf(dd.slice(ep.start, ep.end)));
    const depthPcts = episodes.map(ep => maxOf(ddPct.slice(ep.start, ep.end)));
    let closePeak = C;
    const ulcerTerms = closes.map(c => {
        closePeak = Math.max(closePeak, c);
        return Math.pow((closePeak - c) / closePeak, 2);
    });

    const totalReturn = finalEquity / C - 1;
    const cagrValue = n ? cagr(finalEquity / C, span) : undefined;

    // Exposure.
    let timeInMarket: number | undefined;
    let averageExposure: number | undefined;
    if (span > 0) {
        if (input.exposure) {
            let inMarket = 0;
            let integral = 0;
            for (let i = 0; i + 1 < n; i++) {
                if (input.exposure[i] !== 0) {
                    inMarket += time[i + 1] - time[i];
                    integral += Math.abs(input.exposure[i]) * (time[i + 1] - time[i]);
                }
            }
            timeInMarket = inMarket / span;
            averageExposure = integral / span;
        } else {
            // Sweep over entry (+1) and exit (-1) events.
            const events: [number, number][] = [];
            for (const t of input.trades) {
                events.push([t.entryTime, 1], [t.exitTime, -1]);
            }
            events.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
            let open = 0;
            let since = 0;
            let inMarket = 0;
            for (const [t, d] of events) {
                if (open === 0 && d === 1) {
                    since = t;
                }
                open += d;
                if (open === 0) {
                    inMarket += t - since;
                }
            }
            timeInMarket = inMarket / span;
        }
    }

    // Monthly returns from the last daily close of each month.
    const monthlyReturns: MonthlyReturnsRow[] = [];
    let previous = C;
    for (let i = 0; i < closes.length; i++) {
        const ym = closeLabels[i].slice(0, 7);
        if (i + 1 < closes.length && closeLabels[i + 1].slice(0, 7) === ym) {
            continue;
        }
        const year = Number(ym.slice(0, 4));
        const month = Number(ym.slice(5, 7)) - 1;
        let row = monthlyReturns.find(x => x.year === year) as { year: number; months: (number | undefined)[]; yearReturn: number } | undefined;
        if (!row) {
            row = { year, months: [], yearReturn: 0 };
            for (let m = 0; m < 12; m++) {
                row.months.push(undefined);
            }
            monthlyReturns.push(row);
        }
        row.months[month] = closes[i] / previous - 1;
        previous = closes[i];
        let growth = 1;
        for (const x of row.months) {
            growth *= x === undefined ? 1 : 1 + x;
        }
        row.yearReturn = growth - 1;
    }

    // Benchmark.
    const bt = input.benchmarkTime ?? [];
    const bc = input.benchmarkClose ?? [];
    let bhMaxDd = 0;
    let bhPeak = -Infinity;
    for (let i = 0; i < bc.length; i++) {
        bhPeak = Math.max(bhPeak, bc[i]);
        bhMaxDd = Math.max(bhMaxDd, (bhPeak - bc[i]) / bhPeak);
    }
    const bhReturn = bc.length ? bc[bc.length - 1] / bc[0] - 1 : undefined;

    return {
        initialCapital: C,
        finalEquity,
        netProfit: finalEquity - C,
        firstTime: n ? time[0] : undefined,
        lastTime: n ? time[n - 1] : undefined,
        equitySamples: n,
        returns: {
            days: r.length,
            totalReturn,
            cagr: cagrValue,
            annualVolatility: sd === undefined ? undefined : sd * Math.sqrt(P),
            sharpe: sd === undefined || sd === 0 ? undefined : (meanR! - tau) / sd * Math.sqrt(P),
            sortino: r.length < 2 || downside === 0 ? undefined : (meanR! - tau) / downside * Math.sqrt(P),
            calmar: cagrValue === undefined || maxDrawdownPercent === 0 ? undefined : cagrValue / maxDrawdownPercent,
            omega: r.length === 0 || omegaDown === 0 ? undefined : omegaUp / omegaDown,
            valueAtRisk95: k ? -sorted[k - 1] : undefined,
            conditionalValueAtRisk95: k ? -mean(sorted.slice(0, k))! : undefined,
            skewness: r.length < 2 || m2 === 0 ? undefined : centralMoment(r, 3) / Math.pow(m2, 1.5),
            kurtosis: r.length < 2 || m2 === 0 ? undefined : centralMoment(r, 4) / (m2 * m2) - 3,
            bestDay: r.length ? maxOf(r) : undefined,
            worstDay: r.length ? minOf(r) : undefined,
            reasons: {}
        },
        drawdown: {
            maxDrawdown,
            maxDrawdownPercent,
            maxDrawdownDuration: maxDuration,
            recoveryTime,
            averageDrawdown: mean(depths),
            averageDrawdownPercent: mean(depthPcts),
            drawdownCount: episodes.length,
            ulcerIndex: closes.length ? Math.sqrt(mean(ulcerTerms)!) : undefined,
            reasons: {}
        },
        exposure: { timeInMarket, averageExposure, source: input.exposure ? 'exposure' : 'trades', reasons: {} },
        trades: referenceTradeStatistics(input.trades),
        long: referenceTradeStatistics(input.trades.filter(t => t.side === 'long')),
        short: referenceTradeStatistics(input.trades.filter(t => t.side === 'short')),
        byHour: buckets(input.trades, 24, d => d.getUTCHours()),
        byWeekday: buckets(input.trades, 7, d => d.getUTCDay()),
        byMonth: buckets(input.trades, 12, d => d.getUTCMonth()),
        byWeekdayHour: buckets(input.trades, 168, d => d.getUTCDay() * 24 + d.getUTCHours()),
        monthlyReturns,
        benchmark: {
            firstClose: bc.length ? bc[0] : undefined,
            lastClose: bc.length ? bc[bc.length - 1] : undefined,
            totalReturn: bhReturn,
            netProfit: bhReturn === undefined ? undefined : C * bhReturn,
            cagr: bc.length ? cagr(bc[bc.length - 1] / bc[0], bt[bt.length - 1] - bt[0]) : undefined,
            maxDrawdownPercent: bc.length ? bhMaxDd : undefined,
            excessReturn: bhReturn === undefined ? undefined : totalReturn - bhReturn,
            reasons: {}
        },
        config
    };
}
