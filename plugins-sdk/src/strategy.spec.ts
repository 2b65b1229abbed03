import { expect } from 'chai';
import { defineStrategy, isStrategyDefinition, resolveParams, strategyTimeframes } from './strategy';

const strategy = defineStrategy({
    id: 'test.params',
    params: {
        fast: { type: 'int', default: 10, min: 2, max: 50 },
        ratio: { type: 'float', default: 0.5 },
        long: { type: 'bool', default: true },
        mode: { type: 'enum', default: 'a', values: ['a', 'b'] }
    },
    subscribe: { barClose: ['1m', '2H'] },
    timeframes: ['1m', '1H']
});

describe('defineStrategy and resolveParams', () => {
    it('marks what defineStrategy returned, and nothing else', () => {
        expect(isStrategyDefinition(strategy)).to.equal(true);
        expect(isStrategyDefinition({ ...strategy })).to.equal(false);
        expect(isStrategyDefinition({ id: 'x', params: {}, subscribe: { tick: true } })).to.equal(false);
    });

    it('computes the declared timeframes plus the subscribed ones', () => {
        expect(strategyTimeframes(strategy)).to.deep.equal(['1m', '1H', '2H']);
    });

    it('parses command-line values and keeps defaults', () => {
        expect(resolveParams(strategy, { fast: '12', long: 'false', mode: 'b' })).to.deep.equal({ fast: 12, ratio: 0.5, long: false, mode: 'b' });
    });

    it('names the parameter in every refusal', () => {
        expect(() => resolveParams(strategy, { slow: '3' })).to.throw(/Unknown parameter 'slow'.*fast, ratio, long, mode/);
        expect(() => resolveParams(strategy, { fast: '1.5' })).to.throw(/'fast' must be an integer/);
        expect(() => resolveParams(strategy, { fast: '99' })).to.throw(/'fast' = 99 is outside \[2, 50\]/);
        expect(() => resolveParams(strategy, { long: 'yes' })).to.throw(/'long' must be true or false/);
        expect(() => resolveParams(strategy, { mode: 'c' })).to.throw(/'mode' must be one of a, b/);
    });

    it('refuses invalid timeframes at definition', () => {
        expect(() => defineStrategy({ id: 'bad', params: {}, subscribe: { barClose: ['1 hour'] } })).to.throw('Strategy \'bad\': unknown timeframe "1 hour": use a whole number followed by s, m, H or D');
    });
});
