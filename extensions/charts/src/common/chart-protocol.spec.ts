import { expect } from 'chai';
import { DEFAULT_CHART_LAYOUT, panelTimeframesForRun } from './chart-protocol';

describe('DEFAULT_CHART_LAYOUT', () => {
    it('shows the six default timeframes, smallest first, one per panel', () => {
        expect(DEFAULT_CHART_LAYOUT.kind).to.equal(6);
        expect(DEFAULT_CHART_LAYOUT.timeframes).to.deep.equal(['1m', '5m', '15m', '1H', '4H', '1D']);
    });
});

describe('panelTimeframesForRun', () => {
    const six = DEFAULT_CHART_LAYOUT.timeframes;
    it('keeps the panels when they already show every timeframe of the run', () => {
        expect(panelTimeframesForRun(['1m', '1H', '5m', '15m', '4H', '1D'], six, 6)).to.equal(six);
        expect(panelTimeframesForRun(['1m', '5m'], six, 2)).to.equal(six);
    });
    it('puts the run\'s own timeframes first, shortest first, then the others, six in all', () => {
        expect(panelTimeframesForRun(['1H', '30m'], six, 6)).to.deep.equal(['30m', '1H', '1m', '5m', '15m', '4H']);
        expect(panelTimeframesForRun(['4H', '1m'], six, 2)).to.deep.equal(['1m', '4H', '5m', '15m', '1H', '1D']);
        expect(panelTimeframesForRun(['1W', '2m'], six, 6)).to.equal(six);
    });
});
