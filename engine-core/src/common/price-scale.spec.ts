import { expect } from 'chai';
import { tickScale, ticksToPrices, ticksToPricesInPlace, toInt64Micros } from './price-scale';

describe('price-scale: stored columns to what the engine takes', () => {
    it('converts stored columns exactly: int64 times and decimal prices from tick counts', () => {
        const t = [0, 1, 4294967295, 4294967296, 1381242600123456, 2 ** 53 - 1];
        expect(Array.from(toInt64Micros(Float64Array.from(t)))).to.deep.equal(t.map(BigInt));
        const cents = tickScale(0.01);
        expect(16776 * cents.mantissa / cents.divisor).to.equal(167.76);
        const pips = tickScale(0.00001);
        expect(138683 * pips.mantissa / pips.divisor).to.equal(1.38683);
        const quarter = tickScale(0.25);
        expect(7 * quarter.mantissa / quarter.divisor).to.equal(1.75);
    });

    it('prints tick counts as the vendor writes the prices (not the nearest multiple of a float tick)', () => {
        const ticks = Float64Array.from([3, 11, 1]);
        const prices = ticksToPrices(ticks, tickScale(0.1));
        expect(Array.from(prices)).to.deep.equal([0.3, 1.1, 0.1]);
        expect(3 * 0.1, 'the naive product is off').to.not.equal(0.3);
        expect(Array.from(ticks), 'ticksToPrices leaves its input alone').to.deep.equal([3, 11, 1]);
        expect(ticksToPricesInPlace(ticks, tickScale(0.1))).to.equal(ticks);
        expect(Array.from(ticks)).to.deep.equal([0.3, 1.1, 0.1]);
    });
});
