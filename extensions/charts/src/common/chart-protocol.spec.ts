import { expect } from 'chai';
import { DEFAULT_CHART_LAYOUT } from './chart-protocol';

describe('DEFAULT_CHART_LAYOUT', () => {
    it('shows the six default timeframes, smallest first, one per panel', () => {
        expect(DEFAULT_CHART_LAYOUT.kind).to.equal(6);
        expect(DEFAULT_CHART_LAYOUT.timeframes).to.deep.equal(['1m', '5m', '15m', '1H', '4H', '1D']);
    });
});
