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

    it('extends a run by bars completed later: the same values as a fresh run over all of them; other bars need a new run', () => {
        const ema = coreIndicator('core.ema')!;
        const head: ChartBarColumns = {
            count: 5, time: bars.time.subarray(0, 5), open: bars.open.subarray(0, 5), high: bars.high.subarray(0, 5),
            low: bars.low.subarray(0, 5), close: bars.close.subarray(0, 5), volume: bars.volume.subarray(0, 5)
        };
        const run = new IndicatorRun(ema, { period: 3 }, head);
        const first = run.withForming(undefined);
        const before = Array.from(first.values.value);
        expect(run.extend(bars)).to.equal(true);
        expect(run.bars).to.equal(bars);
        const forming = { time: 8 * 60e6, open: 17, high: 22, low: 14, close: 19, volume: 5 };
        expect(run.withForming(forming)).to.deep.equal(computeIndicator(ema, { period: 3 }, bars, forming));
        // values handed out before do not change
        expect(Array.from(first.values.value)).to.deep.equal(before);
        const shifted: ChartBarColumns = { ...bars, time: bars.time.map(t => t + 60e6) };
        expect(run.extend(shifted)).to.equal(false);
        expect(run.extend(head)).to.equal(false);
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
