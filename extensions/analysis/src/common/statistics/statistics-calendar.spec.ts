import { expect } from 'chai';
import { monthIndexOfDay, tradingDayIndex, utcHour, weekdayOfDay } from './statistics-calendar';

describe('statistics calendar', () => {
    it('gives the month of every day from 1900 to 2100 as Date does', () => {
        for (let day = -25567; day <= 47482; day++) {
            const date = new Date(day * 86_400_000);
            expect(monthIndexOfDay(day), date.toISOString()).to.equal(date.getUTCFullYear() * 12 + date.getUTCMonth());
        }
    });

    it('puts a time on its trading day, at the boundary exactly', () => {
        const monday = Date.UTC(2017, 0, 2) * 1000;
        const day = monday / 86_400_000_000;
        expect(tradingDayIndex(monday, 0)).to.equal(day);
        expect(tradingDayIndex(monday - 1, 0)).to.equal(day - 1);
        // FX day at 22:00 UTC: Sunday 22:00 opens Monday's trading day.
        const offset = -2 * 3_600_000_000;
        expect(tradingDayIndex(monday - 2 * 3_600_000_000, offset)).to.equal(day);
        expect(tradingDayIndex(monday - 2 * 3_600_000_000 - 1, offset)).to.equal(day - 1);
        expect(weekdayOfDay(day)).to.equal(1);
        expect(utcHour(monday + 23 * 3_600_000_000 + 59)).to.equal(23);
        expect(utcHour(-1)).to.equal(23);
    });
});
