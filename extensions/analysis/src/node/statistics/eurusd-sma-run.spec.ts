// Every statistic of a real run (long-only SMA 10/30 cross on six months of HistData EURUSD
// 1-minute bars, derived at test time) against the independent reference implementation.

import { expect } from 'chai';
import * as fs from 'fs';
import { computeStatistics } from '../../common/statistics/compute-statistics';
import { StatisticsAccumulator } from '../../common/statistics/statistics-accumulator';
import { StatisticsConfig, StatisticsInput } from '../../common/statistics/statistics-types';
import { referenceStatistics, ReferenceInput } from '../../common/statistics/test-support/reference-statistics';
import {
    expectAllFinite, expectReasonsComplete, expectStatisticsClose
} from '../../common/statistics/test-support/statistics-expect';
import { EURUSD_M1_DIR, readEurusdM1, smaCrossRun, SmaCrossRun } from './test-support/eurusd-sma-run';

function inputs(run: SmaCrossRun, withExposure: boolean, config?: Partial<StatisticsConfig>): [StatisticsInput, ReferenceInput] {
    return [{
        initialCapital: run.initialCapital,
        equity: { time: run.time, equity: run.equity, exposure: withExposure ? run.exposure : undefined },
        trades: run.trades,
        benchmark: { time: run.benchmarkTime, close: run.benchmarkClose },
        config
    }, {
        initialCapital: run.initialCapital,
        time: Array.from(run.time), equity: Array.from(run.equity),
        exposure: withExposure ? Array.from(run.exposure) : undefined,
        trades: run.trades,
        benchmarkTime: Array.from(run.benchmarkTime), benchmarkClose: Array.from(run.benchmarkClose),
        config
    }];
}

describe('statistics of a real run: SMA(10/30) cross on EURUSD M1 2017 H1', function (): void {
    let run: SmaCrossRun;

    before(function (): void {
        if (!fs.existsSync(EURUSD_M1_DIR)) {
            this.skip();
        }
        run = smaCrossRun(readEurusdM1());
    });

    it('derives a plausible run from the real bars', () => {
        expect(run.time.length).to.equal(186_348);
        expect(run.trades.length).to.be.greaterThan(1000);
        // Flat at the start and at the end: the equity's net profit is the trades' P&L.
        const sumPnl = run.trades.reduce((s, t) => s + t.pnl, 0);
        expect(run.equity[run.equity.length - 1] - run.initialCapital).to.be.closeTo(sumPnl, 1e-6);
    });

    it('every statistic agrees with the reference (exposure column, default config)', () => {
        const [input, reference] = inputs(run, true);
        const report = computeStatistics(input);
        expectStatisticsClose(report, referenceStatistics(reference));
        expectReasonsComplete(report);
        expectAllFinite(report);
        expect(report.netProfit).to.be.closeTo(report.trades.netProfit, 1e-6);
        expect(report.trades.count).to.equal(run.trades.length);
        expect(report.short.count).to.equal(0);
        expect(report.returns.days).to.be.greaterThan(140);
        expect(report.monthlyReturns).to.have.length(1);
        expect(report.monthlyReturns[0].months.filter(m => m !== undefined)).to.have.length(6);
        expect(report.trades.commission).to.be.closeTo(5 * run.trades.length, 1e-6);
        expect(report.exposure.source).to.equal('exposure');
    });

    it('every statistic agrees with the reference (time in market from trades, FX day at 17:00 New York, 2 % risk-free, 260 days)', () => {
        const config = { dayBoundaryOffset: -2 * 3_600_000_000, riskFreeRate: 0.02, periodsPerYear: 260 };
        const [input, reference] = inputs(run, false, config);
        const report = computeStatistics(input);
        expectStatisticsClose(report, referenceStatistics(reference));
        expectReasonsComplete(report);
        expect(report.exposure.source).to.equal('trades');
        // Sunday-evening bars belong to Monday's trading day: no Sunday daily closes remain.
        expect(report.returns.days).to.be.lessThan(computeStatistics(inputs(run, false)[0]).returns.days);
    });

    it('the accumulator, snapshotted as the run goes, ends equal to computeStatistics exactly', () => {
        const [input] = inputs(run, true);
        const acc = new StatisticsAccumulator(run.initialCapital);
        let next = 0;
        let snapshots = 0;
        for (let i = 0; i < run.time.length; i++) {
            acc.addEquity(run.time[i], run.equity[i], run.exposure[i]);
            acc.addBenchmark(run.benchmarkTime[i], run.benchmarkClose[i]);
            while (next < run.trades.length && run.trades[next].exitTime <= run.time[i]) {
                acc.addTrade(run.trades[next++]);
            }
            if (i % 5000 === 0) {
                const live = acc.snapshot();
                expect(live.equitySamples).to.equal(i + 1);
                snapshots++;
            }
        }
        expect(next).to.equal(run.trades.length);
        expect(snapshots).to.be.greaterThan(30);
        expect(acc.snapshot()).to.deep.equal(computeStatistics(input));
    });

    it('is deterministic: the same data give a byte-identical report', () => {
        const a = JSON.stringify(computeStatistics(inputs(smaCrossRun(readEurusdM1()), true)[0]));
        const b = JSON.stringify(computeStatistics(inputs(run, true)[0]));
        expect(a).to.equal(b);
    });
});
