import { expect } from 'chai';
import { decimalParts, PriceGrid } from './price-grid';
import * as path from 'path';
import { detectPreset, sniffCsv } from './csv-presets';
import { previewFile } from './import-preview';
import { SHARED_DATA } from './test-support/test-files';
import { MICROS_PER_DAY, TimeZone, daysFromCivil, isoFromMicros } from './time-zone';
import { TimestampParser, dayFromFileName } from './timestamp-parser';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

function parsePrice(grid: PriceGrid, s: string): number {
    const b = bytes(s);
    return grid.parse(b, 0, b.length);
}

function parseTime(format: ConstructorParameters<typeof TimestampParser>[0], zone: string, s: string, date?: string): string {
    const p = new TimestampParser(format, TimeZone.of(zone));
    if (date !== undefined) {
        const b = bytes(`${s},${date}`);
        const t = p.parse(b, 0, s.length, s.length + 1, b.length);
        return t === t ? isoFromMicros(t) : 'NaN';
    }
    const b = bytes(s);
    const t = p.parse(b, 0, b.length);
    return t === t ? isoFromMicros(t) : 'NaN';
}

describe('price grid', () => {
    it('stores decimal prices as exact integer ticks', () => {
        const fx = new PriceGrid(0.00001);
        expect(parsePrice(fx, '1.38676')).to.equal(138676);
        expect(parsePrice(fx, '1.051550')).to.equal(105155);
        expect(parsePrice(fx, '1.3')).to.equal(130000);
        expect(fx.format(138676)).to.equal('1.38676');
        const spy = new PriceGrid(0.01, 4);
        expect(parsePrice(spy, '1674100')).to.equal(16741);
        expect(decimalParts(1e-9)).to.deep.equal({ mantissa: 1, exponent: 9 });
        expect(decimalParts(0.00001)).to.deep.equal({ mantissa: 1, exponent: 5 });
        expect(decimalParts(5)).to.deep.equal({ mantissa: 5, exponent: 0 });
        const quarter = new PriceGrid(0.25);
        expect(parsePrice(quarter, '1650.75')).to.equal(6603);
    });

    it('rejects prices off the grid and non-numbers instead of rounding them', () => {
        const spy = new PriceGrid(0.01);
        expect(parsePrice(spy, '167.415')).to.be.NaN;
        expect(spy.error).to.contain('not a multiple of 0.01');
        expect(parsePrice(new PriceGrid(0.25), '1650.10')).to.be.NaN;
        expect(parsePrice(spy, 'abc')).to.be.NaN;
        expect(spy.error).to.equal('not a number');
        expect(parsePrice(spy, '')).to.be.NaN;
        expect(spy.error).to.equal('empty field');
    });
});

describe('time zones and timestamps', () => {
    it('converts New York wall-clock time across both 2013 daylight-saving changes', () => {
        const ny = TimeZone.of('America/New_York');
        const at = (y: number, m: number, d: number, h: number, mi = 0): string =>
            isoFromMicros(ny.toUtc(daysFromCivil(y, m, d) * MICROS_PER_DAY + (h * 60 + mi) * 60_000_000));
        expect(at(2013, 3, 9, 12)).to.equal('2013-03-09T17:00:00.000Z');
        expect(at(2013, 3, 10, 1, 59)).to.equal('2013-03-10T06:59:00.000Z');
        expect(at(2013, 3, 10, 3)).to.equal('2013-03-10T07:00:00.000Z');
        expect(at(2013, 10, 7, 4)).to.equal('2013-10-07T08:00:00.000Z');
        expect(at(2013, 11, 3, 0, 30)).to.equal('2013-11-03T04:30:00.000Z');
        expect(at(2013, 11, 3, 12)).to.equal('2013-11-03T17:00:00.000Z');
    });

    it('parses every supported timestamp format', () => {
        expect(parseTime('epoch-s', 'UTC', '1381132800')).to.equal('2013-10-07T08:00:00.000Z');
        expect(parseTime('epoch-ms', 'UTC', '1381132800464')).to.equal('2013-10-07T08:00:00.464Z');
        expect(parseTime('epoch-us', 'UTC', '1381132800464123')).to.equal('2013-10-07T08:00:00.464123Z');
        expect(parseTime('epoch-ns', 'UTC', '1381132800464123999')).to.equal('2013-10-07T08:00:00.464123Z');
        expect(parseTime('iso8601', 'UTC', '2013-10-07T08:00:00.464Z')).to.equal('2013-10-07T08:00:00.464Z');
        expect(parseTime('iso8601', 'UTC', '2013-10-07 04:00:00.5-04:00')).to.equal('2013-10-07T08:00:00.500Z');
        expect(parseTime('iso8601', 'America/New_York', '2013-10-07T04:00:00')).to.equal('2013-10-07T08:00:00.000Z');
        expect(parseTime('yyyymmdd-hhmmss', 'UTC-05:00', '20170102 020000')).to.equal('2017-01-02T07:00:00.000Z');
        expect(parseTime('date+time', 'UTC', '09:30:00.25', '10/07/2013')).to.equal('2013-10-07T09:30:00.250Z');
        expect(parseTime('epoch-ms', 'UTC', '2013-10-07')).to.equal('NaN');
        expect(parseTime('iso8601', 'UTC', '1381132800')).to.equal('NaN');
    });

    it('takes the date of milliseconds-since-midnight times from the file name', () => {
        const p = new TimestampParser('ms-since-midnight', TimeZone.of('America/New_York'));
        p.fileDay = dayFromFileName('spy/20131007_trade.zip');
        const b = bytes('14400464');
        expect(isoFromMicros(p.parse(b, 0, b.length))).to.equal('2013-10-07T08:00:00.464Z');
    });
});

describe('CSV detection and preview', () => {
    it('recognises the vendor presets from a file name and first line', () => {
        expect(detectPreset('20131007_spy_Trade_Tick.csv', '14400464,1674100,100,P,20002000,0')?.instrument).to.deep.equal({ symbol: 'SPY', venue: 'usa', assetClass: 'equity' });
        expect(detectPreset('20140501_eurusd_tick_quote.csv', '292,1.38676,1.38686')?.preset.id).to.equal('lean-forex-quotes');
        expect(detectPreset('DAT_ASCII_EURUSD_M1_201701.csv', '20170102 020000;1.051550;1.051970;1.051550;1.051900;0')?.preset.id).to.equal('histdata-m1');
        expect(detectPreset('x.csv', 'time,price')).to.equal(undefined);
    });

    it('proposes options for a generic CSV with a header', () => {
        const options = sniffCsv(['timestamp;bid;ask;bid_size;ask_size', '2014-05-01T00:00:00.292Z;1.38676;1.38686;1;2']);
        expect(options).to.deep.include({ kind: 'quotes', delimiter: ';', header: true, timestampFormat: 'iso8601' });
        expect(options?.columns).to.deep.equal({ time: 0, bid: 1, ask: 2, bidSize: 3, askSize: 4 });
    });

    it('previews the first rows of a real Lean zip with the detected preset', async () => {
        const preview = await previewFile(path.join(SHARED_DATA, 'spy-trades-2013-10', '20131007_trade.zip'), undefined, 2);
        expect(preview.presetId).to.equal('lean-equity-trades');
        expect(preview.rows[0]).to.deep.equal({ line: 1, values: { time: '2013-10-07T08:00:00.464Z', price: 167.41, size: 100 } });
    });
});

describe('values outside what storage holds exactly', () => {
    /** The prices, sizes and volumes no path may store: beyond 2^53 ticks (or int64), not finite, not numbers. */
    const HUGE = ['1e308', '1e17', '1e20', '-1e20', '1E400', '9007199254740993', '9007199254740992', '123456789012345678901234', 'inf', 'NaN',
        'Infinity', '-inf', '1e', '1e+', '--1', '1e5e5'];

    it('refuses every huge or non-numeric decimal on every grid, naming why, and never returns an unsafe integer', () => {
        for (const grid of [new PriceGrid(0.00001), new PriceGrid(0.01), new PriceGrid(0.25), new PriceGrid(1), new PriceGrid(1e-9)]) {
            for (const text of HUGE) {
                const ticks = parsePrice(grid, text);
                expect(ticks, `${text} on ${grid.tickSize}`).to.be.NaN;
                expect(grid.error, `${text} on ${grid.tickSize}`).to.match(/out of range|not a number|too many digits/);
            }
        }
        const fx = new PriceGrid(0.00001);
        parsePrice(fx, '1e20');
        expect(fx.error).to.equal('out of range');
        expect(parsePrice(new PriceGrid(1), '9007199254740991')).to.equal(9007199254740991);
    });

    it('reads exponent notation exactly, by the digits, not through a double', () => {
        const fx = new PriceGrid(0.00001);
        expect(parsePrice(fx, '1.38676e0')).to.equal(138676);
        expect(parsePrice(fx, '138676E-5')).to.equal(138676);
        expect(parsePrice(fx, '1.5e2')).to.equal(15000000);
        expect(parsePrice(fx, '-1.5e-3')).to.equal(-150);
        expect(parsePrice(fx, '0e400')).to.equal(0);
        // A double would round these onto the grid.
        expect(parsePrice(fx, '1.00000000000001e0')).to.be.NaN;
        expect(fx.error).to.contain('not a multiple');
        expect(parsePrice(fx, '1.000001e0')).to.be.NaN;
    });

    it('refuses numbers from binary and FIX input that are not finite or beyond 2^53 ticks', () => {
        const grid = new PriceGrid(0.01);
        for (const v of [1e308, 1e17, 1e20, -1e20, Infinity, -Infinity, NaN, 2 ** 53 * 0.01, Number.MAX_VALUE]) {
            expect(grid.fromNumber(v), String(v)).to.be.NaN;
            expect(grid.error).to.match(/out of range|not a number/);
        }
        expect(grid.fromNumber(167.41)).to.equal(16741);
    });
});

describe('impossible and unstorable times', () => {
    const cases: [Parameters<typeof parseTime>[0], string, string?][] = [
        ['iso8601', '2013-02-31T00:00:00Z'], ['iso8601', '2013-02-29T00:00:00Z'], ['iso8601', '2100-02-29T00:00:00Z'], ['iso8601', '2013-04-31T12:00:00Z'],
        ['iso8601', '2013-00-10T12:00:00Z'], ['iso8601', '2013-13-10T12:00:00Z'], ['iso8601', '2013-01-00T12:00:00Z'], ['iso8601', '2013-01-01T24:00:00Z'],
        ['iso8601', '2013-01-01T23:60:00Z'], ['iso8601', '2013-01-01T23:59:60Z'], ['iso8601', '2013-01-01T23:59:60.5Z'], ['iso8601', '2013-01-01T12:00:00+24:00'],
        ['iso8601', '2013-01-01T12:00:00+01:60'],
        ['yyyymmdd-hhmmss', '20130231 120000'], ['yyyymmdd-hhmmss', '20130101 240000'], ['yyyymmdd-hhmmss', '20130101 236000'],
        ['yyyymmdd-hhmmss', '20130101 235960'], ['yyyymmdd-hhmmss', '20131131 000000'],
        ['date+time', '24:00:00', '2013-01-01'], ['date+time', '12:00:60', '2013-01-01'], ['date+time', '12:60', '2013-01-01'],
        ['date+time', '12:00:00', '02/30/2013'], ['date+time', '120000', '20130631'],
        // Beyond what microseconds in a double hold exactly: refused, never stored a few microseconds off.
        ['iso8601', '3000-01-01T00:00:00.000001Z'], ['iso8601', '9999-12-31T23:59:59.999999Z'], ['iso8601', '0001-01-01T00:00:00Z'],
        ['yyyymmdd-hhmmss', '29000101 000000'], ['epoch-us', '9007199254740993'], ['epoch-ns', '99999999999999999999'], ['epoch-s', '-99999999999']
    ];

    it('refuses impossible calendar dates and times in every format instead of rolling them over', () => {
        for (const [format, text, date] of cases) {
            expect(parseTime(format, 'UTC', text, date), `${format} ${date ?? ''} ${text}`).to.equal('NaN');
        }
    });

    it('says which part of a time is impossible', () => {
        const p = new TimestampParser('iso8601', TimeZone.of('UTC'));
        for (const [text, why] of [['2013-02-31T00:00:00Z', /2013-02-31/], ['2013-01-01T24:00:00Z', /hour 24/], ['2013-01-01T23:59:60Z', /second 60/],
            ['3000-01-01T00:00:00Z', /1700-01-01.*2199-12-31/]] as const) {
            const b = bytes(text);
            expect(p.parse(b, 0, b.length)).to.be.NaN;
            expect(p.error, text).to.match(why);
        }
    });

    it('keeps every microsecond of the times it accepts, before 1970 and up to the last storable year', () => {
        const exact: [Parameters<typeof parseTime>[0], string, string][] = [
            ['iso8601', '2012-02-29T23:59:59.999999Z', '2012-02-29T23:59:59.999999Z'],
            ['iso8601', '2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
            ['iso8601', '2199-12-31T23:59:59.999999Z', '2199-12-31T23:59:59.999999Z'],
            ['iso8601', '2150-06-30T12:34:56.000001Z', '2150-06-30T12:34:56.000001Z'],
            ['iso8601', '1969-12-31T23:59:59.999999Z', '1969-12-31T23:59:59.999999Z'],
            ['iso8601', '1900-01-01T00:00:00.000001Z', '1900-01-01T00:00:00.000001Z'],
            ['iso8601', '1700-01-01T00:00:00Z', '1700-01-01T00:00:00.000Z'],
            ['yyyymmdd-hhmmss', '19691231 235959.5', '1969-12-31T23:59:59.500Z'],
            ['epoch-us', '-1', '1969-12-31T23:59:59.999999Z'],
            ['epoch-ms', '-1.5', '1969-12-31T23:59:59.998500Z'],
            ['epoch-s', '-86400', '1969-12-31T00:00:00.000Z'],
            // Sub-microsecond digits go down (floor), before 1970 as after it.
            ['epoch-ns', '-1500', '1969-12-31T23:59:59.999998Z'],
            ['epoch-ns', '1500', '1970-01-01T00:00:00.000001Z'],
            ['epoch-ms', '-0.0005', '1969-12-31T23:59:59.999999Z']
        ];
        for (const [format, text, iso] of exact) {
            expect(parseTime(format, 'UTC', text), `${format} ${text}`).to.equal(iso);
        }
        // Every microsecond of a second in 2199 and in 1969 (a double off by its spacing would collapse neighbours).
        const p = new TimestampParser('iso8601', TimeZone.of('UTC'));
        for (const second of ['2199-12-31T23:59:58', '1969-12-31T23:59:59']) {
            let previous = -Infinity;
            for (let us = 0; us < 1_000_000; us += 997) {
                const b = bytes(`${second}.${String(us).padStart(6, '0')}Z`);
                const t = p.parse(b, 0, b.length);
                expect(t - previous === 997 || previous === -Infinity, `${second}.${us}`).to.equal(true);
                previous = t;
            }
        }
    });

    it('reads no day from a file name holding an impossible date', () => {
        expect(dayFromFileName('20130231_trade.zip')).to.equal(undefined);
        expect(dayFromFileName('20130431_trade.zip')).to.equal(undefined);
        expect(dayFromFileName('20120229_trade.zip')).to.equal(daysFromCivil(2012, 2, 29));
    });
});
