import { expect } from 'chai';
import { computeStatistics } from './compute-statistics';
import { STATISTIC_DEFINITIONS, statisticDefinition, statisticValue } from './statistic-definitions';
import { syntheticRun, trade } from './test-support/synthetic-run';

describe('STATISTIC_DEFINITIONS', () => {
    const report = computeStatistics(syntheticRun([trade(1, 'long', 2, 9, 40), trade(2, 'short', 10, 20, -15)], 48).input);

    it('documents every figure of the report, once, with a label and a formula', () => {
        const ids = STATISTIC_DEFINITIONS.map(def => def.id);
        expect(new Set(ids).size).to.equal(ids.length);
        const figures: string[] = [];
        for (const [key, value] of Object.entries(report)) {
            if (typeof value === 'number' || value === undefined) {
                figures.push(key);
            } else if (['returns', 'drawdown', 'exposure', 'trades', 'benchmark'].includes(key)) {
                figures.push(...Object.keys(value).filter(k => k !== 'reasons' && k !== 'source').map(k => `${key}.${k}`));
            }
        }
        expect(ids.slice().sort()).to.deep.equal(figures.sort());
        for (const def of STATISTIC_DEFINITIONS) {
            expect(def.label, def.id).to.not.equal('');
            expect(def.formula, def.id).to.not.equal('');
        }
    });

    it('reads a figure and the reason it is undefined by id', () => {
        expect(statisticValue(report, 'short.winRate').value).to.equal(0);
        expect(statisticValue(report, 'long.profitFactor')).to.deep.equal({ value: undefined, reason: 'no losing trades (gross loss is 0)' });
        expect(statisticValue(report, 'netProfit').value).to.equal(25);
        expect(statisticDefinition('short.kelly')?.label).to.equal('Kelly fraction');
    });
});
