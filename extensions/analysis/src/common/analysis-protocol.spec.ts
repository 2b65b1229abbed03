import { expect } from 'chai';
import { METRIC_DEFINITIONS } from './analysis-protocol';

describe('METRIC_DEFINITIONS', () => {
    it('gives every metric a unique id, a label and a formula', () => {
        const ids = METRIC_DEFINITIONS.map(d => d.id);
        expect(new Set(ids).size).to.equal(ids.length);
        for (const d of METRIC_DEFINITIONS) {
            expect(d.label, d.id).to.not.equal('');
            expect(d.formula, d.id).to.not.equal('');
        }
    });
});
