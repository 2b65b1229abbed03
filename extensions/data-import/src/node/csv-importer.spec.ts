import { expect } from 'chai';
import { CsvFormatOptions, Instrument, TimestampFormat } from '../common/dataset-protocol';
import { CsvImporter } from './csv-importer';
import { DatasetWriter, ImportSink, RangeSet } from './dataset-writer';
import { PriceGrid } from './price-grid';
import { TimeZone } from './time-zone';
import { TimestampParser } from './timestamp-parser';

const instrument: Instrument = {
    id: 1, symbol: 'EURUSD', venue: 'test', assetClass: 'fx', tickSize: 0.00001, lotSize: 1, multiplier: 1,
    currency: 'USD', timeZone: 'UTC', session: '24h'
};

/** Records what a writer stores and what goes to quarantine, in order. */
class RecordingSink implements ImportSink {
    readonly outcomes: string[] = [];
    flushWriter(w: DatasetWriter): void {
        w.count = 0;
    }
    quarantine(writer: DatasetWriter | undefined, _file: string, line: number, _offset: number, _raw: string, reason: string): void {
        writer?.noteQuarantined();
        this.outcomes.push(`line ${line}: ${reason}`);
    }
    progress(): void { /* not needed */ }
    checkCancelled(): void { /* not needed */ }
}

function newWriter(sink: ImportSink): DatasetWriter {
    const writer = new DatasetWriter(sink, instrument, 'trades', new RangeSet(), -Infinity, { duplicates: 'keep', outOfOrderToleranceUs: 0 });
    writer.startFile();
    return writer;
}

/** What the importer must do with each row: the full byte parsers on each field, then the writer's validation. */
function expected(rows: readonly (readonly [string, string, string])[], format: TimestampFormat): string[] {
    const sink = new RecordingSink();
    const writer = newWriter(sink);
    const times = new TimestampParser(format, TimeZone.of('UTC'));
    times.fileDay = 16191;
    const price = new PriceGrid(instrument.tickSize);
    const size = new PriceGrid(1);
    const stored: string[] = [];
    rows.forEach(([t, p, s], i) => {
        const tb = Buffer.from(t, 'latin1');
        const pb = Buffer.from(p.length >= 2 && p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1) : p, 'latin1');
        const sb = Buffer.from(s, 'latin1');
        const time = times.parse(tb, 0, tb.length);
        const ticks = price.parse(pb, 0, pb.length);
        // An empty size field is an unknown size (NaN, stored as such), not a bad one.
        const lots = sb.length === 0 ? NaN : size.parse(sb, 0, sb.length);
        const before = writer.rows;
        const reason = time !== time ? (times.error ? `time: ${times.error}` : 'unparseable time') : ticks !== ticks ? `price: ${price.error}`
            : lots !== lots && sb.length > 0 ? `size: ${size.error}`
            : writer.addTrade(time, ticks, lots, 0);
        stored.push(reason ? `line ${i + 1}: ${reason}` : `line ${i + 1}: ${time} ${ticks} ${lots}`);
        if (!reason && writer.rows !== before + 1) {
            throw new Error('the reference writer did not store the row');
        }
    });
    return stored;
}

/** What CsvImporter stores and quarantines for the same rows. */
async function imported(rows: readonly (readonly [string, string, string])[], format: TimestampFormat, lineEnd: (i: number) => string): Promise<string[]> {
    const sink = new RecordingSink();
    const writer = newWriter(sink);
    const options: CsvFormatOptions = {
        kind: 'trades', delimiter: ',', header: false, columns: { time: 0, price: 1, size: 2 }, timestampFormat: format, timeZone: 'UTC', priceScale: 0
    };
    const text = rows.map((r, i) => r.join(',') + lineEnd(i)).join('');
    const outcomes: string[] = [];
    let line = 0;
    const add = writer.addTrade.bind(writer);
    writer.addTrade = (t, p, s, f) => {
        const reason = add(t, p, s, f);
        if (!reason) {
            outcomes.push(`line ${line}: ${t} ${p} ${s}`);
        }
        return reason;
    };
    const quarantine = sink.quarantine.bind(sink);
    sink.quarantine = (w, file, l, offset, raw, reason) => {
        quarantine(w, file, l, offset, raw, reason);
        outcomes.push(`line ${l}: ${reason}`);
    };
    // Line numbers of stored rows: count the lines the importer has passed (one row per line here).
    const importer = new CsvImporter(sink, options, writer);
    const parseRow = (importer as unknown as { parseRow: (buf: Buffer) => unknown }).parseRow.bind(importer);
    (importer as unknown as { parseRow: (buf: Buffer) => unknown }).parseRow = (buf: Buffer) => {
        line++;
        return parseRow(buf);
    };
    await importer.importFile('rows.csv', '20140501_rows.csv', Buffer.from(text, 'latin1'));
    return outcomes;
}

describe('CsvImporter plain-number fields', () => {
    // Fields the one-pass scan reads as numbers, and fields it must leave to the full parsers.
    const prices = ['1.38676', '12.', '.5', ' 1.5', '1.5 ', '"1.5"', '+1.5', '-1.5', '1.2.3', '1e2', '', '12345678901234567', '9007199254740993',
        '1.000001', '0', '0.00001', '1\r5', '2\r', '00001.50000', '7'];
    const sizes = ['100', '', '1.5', ' 2', '9007199254740992', '+4', '0'];
    const base: Record<string, number> = { 'epoch-s': 1400000000, 'epoch-ms': 1400000000000, 'epoch-us': 1400000000000000, 'ms-since-midnight': 1000 };
    const epochTimes = (b: number): string[] => [`${b}`, `${b}.5`, ` ${b}`, `${b}.`, `0${b}`, '99999999999999999', `${b}x`];

    function rowsFor(format: TimestampFormat): [string, string, string][] {
        const rows: [string, string, string][] = [[String(base[format]), '1.5', '1']];
        let i = 1;
        for (const p of prices) {
            for (const s of sizes) {
                const variants = format === 'ms-since-midnight' ? [`${1000 + i}`, `${1000 + i}.5`, `  ${1000 + i}`, '90000000', `${1000 + i}a`]
                    : epochTimes(base[format] + i);
                rows.push([variants[i % variants.length], p, s]);
                i++;
            }
        }
        return rows;
    }

    for (const format of ['epoch-ms', 'epoch-us', 'epoch-s', 'ms-since-midnight'] as TimestampFormat[]) {
        it(`stores and quarantines exactly what the full parsers give (${format}, LF and CRLF lines)`, async () => {
            const rows = rowsFor(format);
            const want = expected(rows, format);
            expect(await imported(rows, format, () => '\n')).to.deep.equal(want);
            expect(await imported(rows, format, i => i % 2 ? '\r\n' : '\n')).to.deep.equal(want);
            // The cases are not all one way: some rows are stored, some quarantined for the price, the size and the time.
            expect(want.filter(w => /: \d+ \d+ \d+$/.test(w)).length).to.be.greaterThan(10);
            for (const kind of ['price:', 'size:', 'unparseable time']) {
                expect(want.some(w => w.includes(kind)), kind).to.equal(true);
            }
        });
    }
});

describe('CsvImporter field counts', () => {
    /** Outcomes of importing `text` as EURUSD trades with the given columns: `line N: stored` or `line N: <reason>`. */
    async function outcomes(text: string, header = false, columns: CsvFormatOptions['columns'] = { time: 0, price: 1, size: 2 }): Promise<string[]> {
        const sink = new RecordingSink();
        const writer = newWriter(sink);
        const seen: string[] = [];
        const add = writer.addTrade.bind(writer);
        writer.addTrade = (t, p, s, f) => {
            const reason = add(t, p, s, f);
            if (!reason) {
                seen.push(`stored ${t} ${p} ${s}`);
            }
            return reason;
        };
        sink.quarantine = (w, _file, line, _offset, raw, reason) => {
            w?.noteQuarantined();
            seen.push(`line ${line}: ${reason}`);
        };
        const options: CsvFormatOptions = { kind: 'trades', delimiter: ',', header, columns, timestampFormat: 'epoch-ms', timeZone: 'UTC', priceScale: 0 };
        await new CsvImporter(sink, options, writer).importFile('rows.csv', 'rows.csv', Buffer.from(text, 'latin1'));
        return seen;
    }

    it('quarantines a row with more fields than the file\'s other rows (an unquoted thousands separator) instead of shifting its values', async () => {
        const rows = ['1000,1.5,100', '2000,1.6,1,234', '3000,1.7,200', '4000,1,234.5,300', '5000,1.8,300'];
        expect(await outcomes(rows.join('\n'))).to.deep.equal([
            'stored 1000000 150000 100',
            'line 2: expected 3 fields separated by \',\' like the other rows, found 4 (a delimiter inside a value, such as a thousands separator?)',
            'stored 3000000 170000 200',
            'line 4: expected 3 fields separated by \',\' like the other rows, found 4 (a delimiter inside a value, such as a thousands separator?)',
            'stored 5000000 180000 300'
        ]);
    });

    it('takes the file\'s field count from its rows, not from its first row alone, and counts a header\'s rows the same way', async () => {
        // The odd row first: the other rows set the count.
        expect(await outcomes(['1000,1,5,100', '2000,1.6,1', '3000,1.7,2', '4000,1.8,3'].join('\n'))).to.deep.equal([
            'line 1: expected 3 fields separated by \',\' like the other rows, found 4 (a delimiter inside a value, such as a thousands separator?)',
            'stored 2000000 160000 1', 'stored 3000000 170000 2', 'stored 4000000 180000 3'
        ]);
        // Columns beyond the mapping and a trailing delimiter on every row are the file's shape, not an error.
        expect(await outcomes(['time,price,size,venue,', '1000,1.5,1,X,', '2000,1.6,2,Y,', '3000,1.7,3,Z'].join('\n'), true)).to.deep.equal([
            'stored 1000000 150000 1', 'stored 2000000 160000 2',
            'line 4: expected 5 fields separated by \',\' like the other rows, found 4'
        ]);
    });

    it('quarantines extra fields in a Lean trade file (a fixed six fields)', async () => {
        const sink = new RecordingSink();
        const writer = newWriter(sink);
        const options: CsvFormatOptions = {
            kind: 'trades', delimiter: ',', header: false, columns: { time: 0, price: 1, size: 2, exchange: 3, suspicious: 5 },
            timestampFormat: 'ms-since-midnight', timeZone: 'UTC', priceScale: 4
        };
        const rows = ['14400464,1674100,100,P,20002000,0', '14400465,1674100,1,000,P,20002000,0', '14400466,1674200,100,P,20002000,0'];
        await new CsvImporter(sink, options, writer).importFile('20131007_spy_Trade_Tick.csv', '20131007_spy_Trade_Tick.csv', Buffer.from(rows.join('\n')));
        expect(sink.outcomes).to.deep.equal(['line 2: expected 6 fields separated by \',\' like the other rows, found 7 (a delimiter inside a value, such as a thousands separator?)']);
        expect(writer.rows).to.equal(2);
    });
});
