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
        return isoFromMicros(p.parse(b, 0, s.length, s.length + 1, b.length));
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
