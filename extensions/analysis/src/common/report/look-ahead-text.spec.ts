import { expect } from 'chai';
import { lookAheadBadge, lookAheadText } from './look-ahead-text';

describe('look-ahead verdict wording', () => {
    const T = Date.UTC(2017, 0, 5, 14, 30) * 1000;
    const fail = {
        verdict: 'fail', cuts: 20, seed: 3, cutTimes: [T + 60e6],
        divergence: { what: 'order', time: T, cutTime: T + 60e6, orderId: 7, tag: 'peek', full: "order #7 market buy 1 GTC 'peek'", cut: 'none' }
    } as const;

    it('the badge: cuts when it passed, the time of the first divergence when it failed', () => {
        expect(lookAheadBadge({ verdict: 'pass', cuts: 20, seed: 1, cutTimes: [] })).to.equal('no look-ahead ✓ (20 cuts)');
        expect(lookAheadBadge(fail)).to.equal('look-ahead ✗ at 2017-01-05 14:30:00Z');
    });

    it('the line names the first divergent order in both runs, the cut, the cuts and the seed', () => {
        expect(lookAheadText(undefined)).to.equal('not audited');
        expect(lookAheadText(fail)).to.equal('look-ahead: FAILED at 2017-01-05T14:30:00.000Z (cut at 2017-01-05T14:31:00.000Z; 20 cuts, seed 3): ' +
            "the first divergent order: full run order #7 market buy 1 GTC 'peek'; cut run none");
    });
});
