import { expect } from 'chai';
import { computeStatistics, tradeAt } from './compute-statistics';
import { StatisticsAccumulator } from './statistics-accumulator';
import { ClosedTrade, StatisticsInput, StatisticsReport, TradeColumns } from './statistics-types';
import { referenceStatistics, ReferenceInput } from './test-support/reference-statistics';
import { expectAllFinite, expectReasonsComplete, expectStatisticsClose } from './test-support/statistics-expect';
import { HOUR, syntheticRun, T0, trade } from './test-support/synthetic-run';

function check(input: StatisticsInput, reference: ReferenceInput): StatisticsReport {
    const report = computeStatistics(input);
    expectStatisticsClose(report, referenceStatistics(reference));
    expectReasonsComplete(report);
    expectAllFinite(report);
    return report;
}

function toColumns(trades: readonly ClosedTrade[]): TradeColumns {
    const col = (f: (t: ClosedTrade) => number) => Float64Array.from(trades.map(f));
    return {
        id: col(t => t.id), side: Int8Array.from(trades.map(t => t.side === 'long' ? 1 : -1)),
        entryTime: col(t => t.entryTime), exitTime: col(t => t.exitTime),
        entryPrice: col(t => t.entryPrice), exitPrice: col(t => t.exitPrice), quantity: col(t => t.quantity),
        pnl: col(t => t.pnl), commission: col(t => t.commission), slippage: col(t => t.slippage),
        mae: col(t => t.mae), mfe: col(t => t.mfe), barsHeld: col(t => t.barsHeld)
    };
}

describe('computeStatistics edge cases', () => {
    it('no trades: trade figures undefined with a reason, equity figures defined', () => {
        const run = syntheticRun([], 24 * 10);
        const report = check(run.input, run.reference);
        expect(report.trades.count).to.equal(0);
        expect(report.trades.profitFactor).to.equal(undefined);
        expect(report.trades.reasons.profitFactor).to.equal('no closed trades');
        expect(report.trades.winRate).to.equal(undefined);
        expect(report.exposure.timeInMarket).to.equal(0);
        expect(report.returns.totalReturn).to.equal(0);
    });

    it('flat equity: zero volatility, no drawdown, Sharpe/Sortino/Omega/Calmar undefined', () => {
        const run = syntheticRun([], 24 * 30);
        const report = check(run.input, run.reference);
        expect(report.returns.annualVolatility).to.equal(0);
        expect(report.returns.sharpe).to.equal(undefined);
        expect(report.returns.reasons.sharpe).to.equal('daily returns have zero variance');
        expect(report.returns.sortino).to.equal(undefined);
        expect(report.returns.omega).to.equal(undefined);
        expect(report.returns.calmar).to.equal(undefined);
        expect(report.returns.reasons.calmar).to.equal('no drawdown');
        expect(report.returns.cagr).to.equal(0);
        expect(report.drawdown.maxDrawdown).to.equal(0);
        expect(report.drawdown.drawdownCount).to.equal(0);
        expect(report.drawdown.recoveryTime).to.equal(undefined);
        expect(report.drawdown.ulcerIndex).to.equal(0);
        expect(report.returns.valueAtRisk95).to.equal(-0);
        expect(report.monthlyReturns).to.have.length(1);
        expect(report.monthlyReturns[0].months[0]).to.equal(0);
    });

    it('one trade: win rate 1, SQN undefined (fewer than two trades), profit factor undefined (no losers)', () => {
        const run = syntheticRun([trade(1, 'long', 5, 30, 250)], 24 * 5);
        const report = check(run.input, run.reference);
        expect(report.trades.count).to.equal(1);
        expect(report.trades.winRate).to.equal(1);
        expect(report.trades.sqn).to.equal(undefined);
        expect(report.trades.reasons.sqn).to.equal('fewer than two trades');
        expect(report.trades.profitFactor).to.equal(undefined);
        expect(report.trades.reasons.profitFactor).to.equal('no losing trades (gross loss is 0)');
        expect(report.trades.largestWin).to.equal(250);
        expect(report.trades.averageTimeInTrade).to.equal(25 * HOUR);
        expect(report.exposure.timeInMarket).to.be.closeTo(25 / 120, 1e-12);
        expect(report.short.count).to.equal(0);
        expect(report.byHour.count[5]).to.equal(1);
        expect(report.byWeekday.count[1]).to.equal(1);
        expect(report.byWeekdayHour.pnl[1 * 24 + 5]).to.equal(250);
        expect(report.netProfit).to.equal(250);
    });

    it('all winners: no losing streak, Kelly undefined, largest loss undefined', () => {
        const trades = [100, 50, 300, 20, 75].map((p, i) => trade(i + 1, i % 2 ? 'short' : 'long', i * 20, i * 20 + 10, p));
        const run = syntheticRun(trades, 24 * 6);
        const report = check(run.input, run.reference);
        expect(report.trades.maxConsecutiveWins).to.equal(5);
        expect(report.trades.maxConsecutiveLosses).to.equal(0);
        expect(report.trades.kelly).to.equal(undefined);
        expect(report.trades.largestLoss).to.equal(undefined);
        expect(report.trades.grossLoss).to.equal(0);
        expect(report.long.count + report.short.count).to.equal(5);
        expect(report.drawdown.maxDrawdown).to.equal(0);
    });

    it('all losers: profit factor 0, win rate 0, average win undefined, a drawdown that never recovers', () => {
        const trades = [-100, -50, -300].map((p, i) => trade(i + 1, 'long', i * 30, i * 30 + 12, p));
        const run = syntheticRun(trades, 24 * 5);
        const report = check(run.input, run.reference);
        expect(report.trades.profitFactor).to.equal(0);
        expect(report.trades.winRate).to.equal(0);
        expect(report.trades.averageWin).to.equal(undefined);
        expect(report.trades.reasons.averageWin).to.equal('no winning trades');
        expect(report.trades.maxConsecutiveLosses).to.equal(3);
        expect(report.drawdown.maxDrawdown).to.be.closeTo(450, 1e-9);
        expect(report.drawdown.recoveryTime).to.equal(undefined);
        expect(report.drawdown.reasons.recoveryTime).to.match(/not recovered/);
    });

    it('a run shorter than a day: one daily return, CAGR and Sharpe undefined', () => {
        const trades = [trade(1, 'long', 1, 3, 40), trade(2, 'short', 4, 6, -25), trade(3, 'long', 7, 9, 10)];
        const run = syntheticRun(trades, 10, HOUR / 4);
        const report = check(run.input, run.reference);
        expect(report.returns.days).to.equal(1);
        expect(report.returns.cagr).to.equal(undefined);
        expect(report.returns.reasons.cagr).to.equal('the run is shorter than a day');
        expect(report.returns.sharpe).to.equal(undefined);
        expect(report.returns.valueAtRisk95).to.be.closeTo(-25 / 10_000, 1e-12);
        expect(report.benchmark.cagr).to.equal(undefined);
    });

    it('mixed winners and losers, long and short, with a drawdown that recovers', () => {
        const pnls = [120, -80, -40, 200, -10, 60, 0, -150, 90, 300, -20, 45];
        const trades = pnls.map((p, i) => trade(i + 1, i % 3 === 0 ? 'short' : 'long', i * 14 + 1, i * 14 + 9, p));
        const run = syntheticRun(trades, 24 * 8);
        const report = check(run.input, run.reference);
        expect(report.trades.breakeven).to.equal(1);
        expect(report.drawdown.recoveryTime).to.be.a('number');
        expect(report.long.count).to.equal(8);
        expect(report.short.count).to.equal(4);
    });

    it('no equity samples at all', () => {
        const report = computeStatistics({
            initialCapital: 1000, equity: { time: new Float64Array(0), equity: new Float64Array(0) }, trades: []
        });
        expectReasonsComplete(report);
        expectAllFinite(report);
        expect(report.returns.days).to.equal(0);
        expect(report.returns.cagr).to.equal(undefined);
        expect(report.exposure.timeInMarket).to.equal(undefined);
        expect(report.benchmark.totalReturn).to.equal(undefined);
    });

    it('trades as columns give the same report as trades as records', () => {
        const trades = [120, -80, 200].map((p, i) => trade(i + 1, i === 1 ? 'short' : 'long', i * 10, i * 10 + 5, p));
        const run = syntheticRun(trades, 48);
        const fromColumns = computeStatistics({ ...run.input, trades: toColumns(trades) });
        expect(fromColumns).to.deep.equal(computeStatistics(run.input));
        expect(tradeAt(toColumns(trades), 1)).to.deep.equal(trades[1]);
    });

    it('MAE and MFE figures are magnitudes also from signed excursions (the engine records MAE <= 0)', () => {
        const maes = [0, 35.5, 120, 7.25, 60];
        const mfes = [10, 0, 44, 3, 90];
        const pnls = [10, -35, 30, -7, 60];
        const make = (sign: number) => pnls.map((p, i) => trade(i + 1, i % 2 ? 'short' : 'long', i * 10, i * 10 + 5, p,
            { mae: sign * maes[i], mfe: mfes[i] }));
        const signed = make(-1);
        const run = syntheticRun(signed, 72);
        const magnitudes = computeStatistics({ ...run.input, trades: make(1) }).trades;
        const acc = new StatisticsAccumulator(run.input.initialCapital);
        signed.forEach(t => acc.addTrade(t));
        for (const report of [computeStatistics(run.input), computeStatistics({ ...run.input, trades: toColumns(signed) })]) {
            expect(report.trades.maxMae).to.equal(120);
            expect(report.trades.averageMae).to.be.closeTo(222.75 / 5, 1e-12);
            expect(report.trades.maxMfe).to.equal(90);
            expect(report.trades).to.deep.equal(magnitudes);
        }
        expect(acc.snapshot().trades.maxMae).to.equal(120);
        expect(acc.snapshot().trades.averageMae).to.be.closeTo(222.75 / 5, 1e-12);
        // An MFE given with a sign is a magnitude too.
        const mfeSigned = computeStatistics({ ...run.input, trades: make(1).map(t => ({ ...t, mfe: -t.mfe })) }).trades;
        expect(mfeSigned).to.deep.equal(magnitudes);
    });

    it('time in market from an exposure column, and from overlapping trades opened out of order', () => {
        const trades = [trade(1, 'long', 10, 20, 5), trade(2, 'long', 2, 30, 5), trade(3, 'short', 40, 44, -3)];
        const run = syntheticRun(trades, 48);
        const fromTrades = check(run.input, run.reference);
        expect(fromTrades.exposure.timeInMarket).to.be.closeTo(32 / 48, 1e-12);
        const exposure = run.input.equity.time.map(t => (t >= T0 + 2 * HOUR && t < T0 + 30 * HOUR) ? 10 : 0);
        const withColumn = computeStatistics({ ...run.input, equity: { ...run.input.equity, exposure } });
        expectStatisticsClose(withColumn, referenceStatistics({ ...run.reference, exposure: Array.from(exposure) }));
        expect(withColumn.exposure.source).to.equal('exposure');
        expect(withColumn.exposure.timeInMarket).to.be.closeTo(28 / 48, 1e-12);
        expect(withColumn.exposure.averageExposure).to.be.closeTo(10 * 28 / 48, 1e-12);
    });

    it('risk-free rate and a day boundary offset change the figures as the definitions say', () => {
        const pnls = [120, -80, -40, 200, -10, 60, -150, 90];
        const trades = pnls.map((p, i) => trade(i + 1, 'long', i * 20 + 1, i * 20 + 15, p));
        const run = syntheticRun(trades, 24 * 7);
        const config = { riskFreeRate: 0.05, periodsPerYear: 260, dayBoundaryOffset: -2 * HOUR };
        const report = check({ ...run.input, config }, { ...run.reference, config });
        expect(report.config).to.deep.equal(config);
        expect(report.returns.sharpe).to.not.equal(computeStatistics(run.input).returns.sharpe);
    });

    it('rejects input it cannot give a meaning to', () => {
        expect(() => new StatisticsAccumulator(0)).to.throw(RangeError);
        const acc = new StatisticsAccumulator(100);
        acc.addEquity(T0 + HOUR, 100);
        expect(() => acc.addEquity(T0, 100)).to.throw(/time order/);
        expect(() => acc.addEquity(T0 + 2 * HOUR, NaN)).to.throw(RangeError);
    });
});

describe('StatisticsAccumulator', () => {
    const pnls = [120, -80, -40, 200, -10, 60, 0, -150, 90, 30, -20, 45];
    const trades = pnls.map((p, i) => trade(i + 1, i % 3 === 0 ? 'short' : 'long', i * 14 + 1, i * 14 + 9, p));
    const run = syntheticRun(trades, 24 * 8);

    it('its snapshot at the end equals computeStatistics exactly, however often it was taken', () => {
        const acc = new StatisticsAccumulator(run.input.initialCapital);
        const { time, equity } = run.input.equity;
        let next = 0;
        for (let i = 0; i < time.length; i++) {
            acc.addEquity(time[i], equity[i]);
            while (next < trades.length && trades[next].exitTime <= time[i]) {
                acc.addTrade(trades[next++]);
            }
            acc.addBenchmark(run.input.benchmark!.time[i], run.input.benchmark!.close[i]);
            if (i % 7 === 0) {
                acc.snapshot();
            }
        }
        expect(acc.snapshot()).to.deep.equal(computeStatistics(run.input));
    });

    it('mid-run snapshots equal the final figures of the run so far', () => {
        const acc = new StatisticsAccumulator(run.input.initialCapital);
        const { time, equity } = run.input.equity;
        for (let i = 0; i < 50; i++) {
            acc.addEquity(time[i], equity[i]);
        }
        const sofar = computeStatistics({
            initialCapital: run.input.initialCapital,
            equity: { time: time.subarray(0, 50), equity: equity.subarray(0, 50) }, trades: []
        });
        expect(acc.snapshot()).to.deep.equal(sofar);
    });

    it('is deterministic: the same input gives an identical report', () => {
        expect(JSON.stringify(computeStatistics(run.input))).to.equal(JSON.stringify(computeStatistics(run.input)));
    });
});

describe('computeStatistics when money runs out or the benchmark is unusable', () => {
    const DAY = 24 * HOUR;
    const equity = [1000, 500, 0, -100, -50];
    const input: StatisticsInput = {
        initialCapital: 1000,
        equity: { time: Float64Array.from(equity.map((_, i) => T0 + i * DAY)), equity: Float64Array.from(equity) },
        trades: [],
        benchmark: { time: Float64Array.from([T0, T0 + DAY]), close: Float64Array.from([0, 5]) }
    };

    it('stops counting daily returns after equity reaches zero, and stays finite', () => {
        const report = computeStatistics(input);
        expectReasonsComplete(report);
        expectAllFinite(report);
        expect(report.returns.days).to.equal(3);
        expect(report.returns.worstDay).to.equal(-1);
        expect(report.returns.cagr).to.equal(undefined);
        expect(report.returns.reasons.cagr).to.equal('the final value is not positive');
        expect(report.drawdown.maxDrawdown).to.equal(1100);
        expect(report.monthlyReturns[0].months[0]).to.equal(-1.05);
    });

    it('gives no buy-and-hold figures from a benchmark that starts at zero', () => {
        const report = computeStatistics(input);
        expect(report.benchmark.totalReturn).to.equal(undefined);
        expect(report.benchmark.reasons.totalReturn).to.match(/not positive/);
    });
});
