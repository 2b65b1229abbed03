import { expect } from 'chai';
import { SmaCalculation } from '@backtestr/plugins-sdk';
import { CORE_INDICATOR_IDS, IndicatorRun, computeIndicator, coreIndicator, formatIndicatorOptions, indicatorShortLabel, parseIndicatorOptions } from './indicator-math';
import { ChartBarColumns } from './replay-protocol';

const closes = [10, 11, 12, 13, 14, 15, 16, 17];
const bars: ChartBarColumns = {
    count: closes.length, time: Float64Array.from(closes, (_, i) => i * 60e6), open: Float64Array.from(closes, c => c - 0.5),
    high: Float64Array.from(closes, c => c + 1), low: Float64Array.from(closes, c => c - 1), close: Float64Array.from(closes), volume: Float64Array.from(closes, () => 100)
};

describe('indicators over a panel\'s bars', () => {
    it('runs a built-in SMA with its options: undefined while warming up, the forming bar peeked', () => {
        const sma = coreIndicator('core.sma')!;
        const out = computeIndicator(sma, { period: 3 }, bars, { time: 8 * 60e6, open: 17, high: 21, low: 17, close: 21, volume: 5 });
        expect(Array.from(out.defined)).to.deep.equal([0, 0, 1, 1, 1, 1, 1, 1, 1]);
        const reference = new SmaCalculation(3);
        const expected = closes.map(c => reference.update(c));
        expect(Array.from(out.values.value.subarray(2, 8))).to.deep.equal(expected.slice(2));
        expect(out.values.value[8]).to.be.closeTo((16 + 17 + 21) / 3, 1e-12);
        expect(out.time[8]).to.equal(8 * 60e6);
    });

    it('peeks at a changing forming bar without running the completed bars again: the same values as a fresh run', () => {
        const sma = coreIndicator('core.sma')!;
        const run = new IndicatorRun(sma, { period: 3 }, bars);
        for (const close of [18, 15, 21]) {
            const forming = { time: 8 * 60e6, open: 17, high: 22, low: 14, close, volume: 5 };
            expect(run.withForming(forming)).to.deep.equal(computeIndicator(sma, { period: 3 }, bars, forming));
        }
        expect(run.withForming(undefined).time.length).to.equal(bars.count);
    });

    it('maps multi-output values (Bollinger upper/middle/lower) and rejects unknown options', () => {
        const bb = coreIndicator('core.bollinger')!;
        const out = computeIndicator(bb, { period: 4 }, bars);
        expect(Object.keys(out.values)).to.deep.equal(['upper', 'middle', 'lower']);
        expect(out.values.middle[7]).to.be.closeTo((14 + 15 + 16 + 17) / 4, 1e-12);
        expect(out.values.upper[7]).to.be.greaterThan(out.values.middle[7]);
        expect(() => computeIndicator(coreIndicator('core.sma')!, { perod: 3 }, bars)).to.throw(/unknown option 'perod'/);
        expect(CORE_INDICATOR_IDS).to.include.members(['core.sma', 'core.ema', 'core.bollinger', 'core.macd']);
    });

    it('reads and writes options as name=value lists', () => {
        expect(parseIndicatorOptions('period=20, source=close, flag=true')).to.deep.equal({ period: 20, source: 'close', flag: true });
        expect(formatIndicatorOptions({ period: 20, source: 'close' })).to.equal('period=20, source=close');
        expect(() => parseIndicatorOptions('period 20')).to.throw(/name=value/);
        expect(indicatorShortLabel({ id: 'core.ema', options: { period: 10, source: 'close' } })).to.equal('ema(10,close)');
        expect(indicatorShortLabel({ id: 'examples.keltner', options: {} })).to.equal('keltner');
    });
});
