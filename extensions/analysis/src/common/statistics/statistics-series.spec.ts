import { expect } from 'chai';
import { computeStatistics } from './compute-statistics';
import { dailySeries, drawdownSeries, histogram } from './statistics-series';
import { HOUR, syntheticRun, trade } from './test-support/synthetic-run';

describe('statistics series', () => {
    const pnls = [120, -80, -40, 200, -10, 60, 0, -150, 90, 300, -20, 45];
    const trades = pnls.map((p, i) => trade(i + 1, 'long', i * 14 + 1, i * 14 + 9, p));
    const run = syntheticRun(trades, 24 * 8, HOUR / 2);
    const report = computeStatistics(run.input);

    it('the drawdown curve peaks at the max drawdown of the figures', () => {
        const dd = drawdownSeries(run.input.equity, run.input.initialCapital);
        expect(Math.max(...dd.drawdown)).to.equal(report.drawdown.maxDrawdown);
        expect(Math.max(...dd.drawdownPercent)).to.equal(report.drawdown.maxDrawdownPercent);
        expect(dd.drawdown[0]).to.equal(0);
    });

    it('daily closes and returns match the figures computed from them', () => {
        const daily = dailySeries(run.input.equity, run.input.initialCapital);
        expect(daily.close.length).to.equal(report.returns.days);
        expect(daily.close[daily.close.length - 1]).to.equal(report.finalEquity);
        expect(Math.min(...daily.dailyReturn)).to.equal(report.returns.worstDay);
        expect(Math.max(...daily.dailyReturn)).to.equal(report.returns.bestDay);
        expect(daily.time[0]).to.equal(run.input.equity.time[47]);
    });

    it('bins trade P&L with every trade counted once', () => {
        const h = histogram(pnls, 5);
        expect(Array.from(h.counts).reduce((a, b) => a + b, 0)).to.equal(pnls.length);
        expect(h.edges[0]).to.equal(-150);
        expect(h.edges[5]).to.equal(300);
        expect(Array.from(h.counts)).to.deep.equal([2, 4, 3, 2, 1]);
        expect(Array.from(histogram([3, 3], 4).counts)).to.deep.equal([2]);
        expect(histogram([], 4).counts.length).to.equal(0);
    });
});
