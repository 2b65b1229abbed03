import { expect } from 'chai';
import { isTimeframe, parseTimeframe, timeframeMicros } from './timeframe';

describe('the timeframe grammar <n>s|m|H|D', () => {
    it('reads each unit, normalising the label (h -> H, d -> D, leading zeros and surrounding space dropped)', () => {
        const cases: [string, string, number, number][] = [
            ['30s', '30s', 30e6, 0],
            ['1m', '1m', 60e6, 0],
            ['15m', '15m', 900e6, 0],
            ['4H', '4H', 14_400e6, 0],
            ['4h', '4H', 14_400e6, 0],
            ['24H', '24H', 86_400e6, 0],
            ['1D', '1D', 86_400e6, 1],
            ['2d', '2D', 172_800e6, 2],
            ['05m', '5m', 300e6, 0],
            [' 1H ', '1H', 3_600e6, 0]
        ];
        for (const [text, label, micros, days] of cases) {
            expect(parseTimeframe(text), text).to.deep.include({ label, micros, days });
            expect(timeframeMicros(text), text).to.equal(micros);
            expect(isTimeframe(text), text).to.equal(true);
        }
    });

    it('takes the longest, 100 years (366-day years) of seconds, and nothing longer', () => {
        expect(parseTimeframe(`${366 * 100 * 86_400}s`).micros).to.equal(366 * 100 * 86_400e6);
        expect(() => parseTimeframe(`${366 * 100 * 86_400 + 1}s`)).to.throw('unknown timeframe "3162240001s": longer than 100 years');
        expect(() => parseTimeframe('36601D')).to.throw(/longer than 100 years/);
    });

    it('refuses every other string, naming it and what to write instead', () => {
        const hint = 'use a whole number followed by s, m, H or D (e.g. 30s, 5m, 4H, 1D)';
        const cases: [string, string][] = [
            ['', hint], ['m', hint], ['5', hint], ['5x', hint], ['1W', hint], ['1 hour', hint], ['1.5m', hint], ['-1m', hint],
            ['+1m', hint], ['5 m', hint], ['5mm', hint], ['m5', hint], ['1e3s', hint], ['0x1m', hint], ['١m', hint], ['5é', hint], ['0é', hint], ['00', hint], ['12', hint],
            ['0m', 'the length must be at least 1'], ['00H', 'the length must be at least 1'],
            ['1M', `months are not supported (m is minutes); ${hint}`],
            ['99999999999999999999s', 'the number is too large']
        ];
        for (const [text, reason] of cases) {
            expect(() => parseTimeframe(text), JSON.stringify(text)).to.throw(`unknown timeframe "${text}": ${reason}`);
            expect(isTimeframe(text), JSON.stringify(text)).to.equal(false);
        }
    });
});
