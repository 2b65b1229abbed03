import { expect } from 'chai';
import * as fs from 'fs';
import { tradeRowOrder } from './trade-table';
// eslint-disable-next-line backtestr/runtime-folders -- the fixture reads the real bars with fs (test only)
import { EURUSD_M1_DIR, eurusdRunFixture } from '../node/test-support/eurusd-run-fixture';

describe('trade table order', function (): void {
    before(function (): void {
        if (!fs.existsSync(EURUSD_M1_DIR)) {
            this.skip();
        }
    });

    it('sorts the real run\'s trades by P&L both ways and filters winners, losers and a start day', () => {
        const { trades } = eurusdRunFixture().output;
        const n = trades.pnl.length;
        const down = tradeRowOrder(trades, 'pnl', true, 'all', '');
        expect(down.length).to.equal(n);
        for (let r = 1; r < n; r++) {
            expect(trades.pnl[down[r - 1]]).to.be.at.least(trades.pnl[down[r]]);
        }
        expect(trades.pnl[down[0]]).to.equal(Math.max(...Array.from(trades.pnl)));
        const up = tradeRowOrder(trades, 'pnl', false, 'all', '');
        expect(trades.pnl[up[0]]).to.equal(Math.min(...Array.from(trades.pnl)));
        const losers = tradeRowOrder(trades, 'trade', false, 'losers', '');
        expect(losers.length).to.equal(Array.from(trades.pnl).filter(p => p < 0).length);
        expect(Array.from(losers).every(i => trades.pnl[i] < 0)).to.equal(true);
        const fromMay = tradeRowOrder(trades, 'trade', false, 'all', '2017-05-01');
        expect(fromMay.length).to.be.greaterThan(0).and.lessThan(n);
        expect(trades.entryTime[fromMay[0]]).to.be.at.least(Date.UTC(2017, 4, 1) * 1000);
        expect(tradeRowOrder(trades, 'trade', false, 'short', '').length).to.equal(0);
    });
});
