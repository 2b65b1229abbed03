// *****************************************************************************
// CSV presets for the vendor formats in ../shared/data, and their detection from a file's
// name and first lines; plus a generic sniffer (delimiter, header, columns, time format).
// *****************************************************************************

import { CsvColumnMapping, CsvFormatOptions, CsvPreset, DatasetKind, TimestampFormat } from '../common/dataset-protocol';
import { TimeZone } from './time-zone';
import { TimestampParser } from './timestamp-parser';

export const CSV_PRESETS: readonly CsvPreset[] = [
    {
        id: 'lean-equity-trades',
        label: 'Lean / AlgoSeek equity trade ticks (one zip per day, New York time)',
        format: {
            kind: 'trades', delimiter: ',', header: false,
            columns: { time: 0, price: 1, size: 2, exchange: 3, suspicious: 5 },
            timestampFormat: 'ms-since-midnight', timeZone: 'America/New_York', priceScale: 4
        }
    },
    {
        // Each row is the side that changed, the other side 0 (`ms,bid_x10000,bid_size,ask_x10000,ask_size,exchange,
        // suspicious`, as Lean's Tick reader reads them; files with a condition column before `suspicious` are detected
        // too, see detectPreset): the 0 side is carried forward. A carried side can be stale against the new one, so
        // crossed quotes are kept (flagged), as the vendor's own quote bars keep them.
        id: 'lean-equity-quotes',
        label: 'Lean / AlgoSeek equity quote ticks, one side per row (one zip per day, New York time)',
        format: {
            kind: 'quotes', delimiter: ',', header: false,
            columns: { time: 0, bid: 1, bidSize: 2, ask: 3, askSize: 4, exchange: 5, suspicious: 6 },
            timestampFormat: 'ms-since-midnight', timeZone: 'America/New_York', priceScale: 4,
            oneSidedQuotes: true, crossedQuotes: 'keep'
        }
    },
    {
        // FX ECN feeds hold real crossed quotes and OANDA's own minute bars include them: kept (flagged) by default.
        id: 'lean-forex-quotes',
        label: 'Lean / OANDA forex quote ticks (one zip per day, UTC)',
        format: {
            kind: 'quotes', delimiter: ',', header: false,
            columns: { time: 0, bid: 1, ask: 2 },
            timestampFormat: 'ms-since-midnight', timeZone: 'UTC', priceScale: 0, crossedQuotes: 'keep'
        }
    },
    {
        id: 'lean-equity-minute-bars',
        label: 'Lean equity 1-minute trade bars (one zip per day, New York time, prices x10000)',
        format: {
            kind: 'bars', delimiter: ',', header: false,
            columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 },
            timestampFormat: 'ms-since-midnight', timeZone: 'America/New_York', priceScale: 4, barTimeframe: '1m'
        }
    },
    {
        id: 'lean-equity-hour-bars',
        label: 'Lean equity hourly trade bars (YYYYMMDD HH:MM, New York time, prices x10000)',
        format: {
            kind: 'bars', delimiter: ',', header: false,
            columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 },
            timestampFormat: 'yyyymmdd-hhmmss', timeZone: 'America/New_York', priceScale: 4, barTimeframe: '1H'
        }
    },
    {
        id: 'lean-equity-daily-bars',
        label: 'Lean equity daily trade bars (YYYYMMDD 00:00, New York time, prices x10000)',
        format: {
            kind: 'bars', delimiter: ',', header: false,
            columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 },
            timestampFormat: 'yyyymmdd-hhmmss', timeZone: 'America/New_York', priceScale: 4, barTimeframe: '1D'
        }
    },
    {
        id: 'backtestr-trades-csv',
        label: 'BackTestr CSV export of trades (time_us,time,price,price_ticks,size,flags)',
        format: {
            kind: 'trades', delimiter: ',', header: true, columns: { time: 0, price: 2, size: 4, flags: 5 },
            timestampFormat: 'epoch-us', timeZone: 'UTC', priceScale: 0
        }
    },
    {
        id: 'backtestr-quotes-csv',
        label: 'BackTestr CSV export of quotes (time_us,time,bid,ask,bid_ticks,ask_ticks,bid_size,ask_size,flags)',
        format: {
            kind: 'quotes', delimiter: ',', header: true, columns: { time: 0, bid: 2, ask: 3, bidSize: 6, askSize: 7, flags: 8 },
            timestampFormat: 'epoch-us', timeZone: 'UTC', priceScale: 0
        }
    },
    {
        id: 'histdata-m1',
        label: 'HistData.com 1-minute bid bars (EST, fixed UTC-5)',
        format: {
            kind: 'bars', delimiter: ';', header: false,
            columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 },
            timestampFormat: 'yyyymmdd-hhmmss', timeZone: 'UTC-05:00', priceScale: 0, barTimeframe: '1m'
        }
    }
];

export interface DetectedPreset {
    readonly preset: CsvPreset;
    readonly instrument?: { symbol: string; venue: string; assetClass: string };
}

/** Recognises a vendor preset from a file's name (or zip entry name) and its first line. */
export function detectPreset(fileName: string, firstLine: string): DetectedPreset | undefined {
    const base = fileName.split(/[\\/]/).pop() ?? fileName;
    // A UTF-8 byte order mark before the first line (Excel, Windows tools) is no part of it.
    const line = firstLine.replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (/^\d+(\.\d+)?,\d+,\d+,[A-Za-z]?,\w*,[01]$/.test(line)) {
        const m = /^\d{8}_([a-z0-9.]+)_trade_tick\.csv$/i.exec(base);
        return { preset: preset('lean-equity-trades'), instrument: m ? { symbol: m[1].toUpperCase(), venue: 'usa', assetClass: 'equity' } : undefined };
    }
    const quote = /^\d+,\d+,\d+,\d+,\d+,[A-Za-z]?,(\w*,)?[01]$/.exec(line);
    if (quote) {
        const m = /^\d{8}_([a-z0-9.]+)_quote_tick\.csv$/i.exec(base);
        const p = preset('lean-equity-quotes');
        // A condition column before `suspicious`: the same preset, `suspicious` one column on.
        const found = quote[1] === undefined ? p : { ...p, format: { ...p.format, columns: { ...p.format.columns, suspicious: 7 } } };
        return { preset: found, instrument: m ? { symbol: m[1].toUpperCase(), venue: 'usa', assetClass: 'equity' } : undefined };
    }
    if (/^\d+,\d+(\.\d+)?,\d+(\.\d+)?$/.test(line)) {
        const m = /^\d{8}_([a-z]{6})_tick_quote\.csv$/i.exec(base);
        if (m || /^\d{8}_/.test(base)) {
            return { preset: preset('lean-forex-quotes'), instrument: m ? { symbol: m[1].toUpperCase(), venue: 'oanda', assetClass: 'forex' } : undefined };
        }
    }
    // What `backtestr export ... csv` writes (dataset-exporter.ts): its header names the columns.
    if (line === 'time_us,time,price,price_ticks,size,flags') {
        return { preset: preset('backtestr-trades-csv') };
    }
    if (line === 'time_us,time,bid,ask,bid_ticks,ask_ticks,bid_size,ask_size,flags') {
        return { preset: preset('backtestr-quotes-csv') };
    }
    // Lean trade bars: minute files `ms,open,high,low,close,volume` named `YYYYMMDD_<symbol>_minute_trade.csv`,
    // hour and daily files `YYYYMMDD HH:MM,...` named `<symbol>.csv` (daily bars all stamped 00:00).
    if (/^\d+(\.\d+)?,\d+,\d+,\d+,\d+,\d+$/.test(line)) {
        const m = /^\d{8}_([a-z0-9.]+)_minute_trade\.csv$/i.exec(base);
        if (m || /^\d{8}_/.test(base)) {
            return { preset: preset('lean-equity-minute-bars'), instrument: m ? { symbol: m[1].toUpperCase(), venue: 'usa', assetClass: 'equity' } : undefined };
        }
    }
    if (/^\d{8} \d{2}:\d{2},\d+,\d+,\d+,\d+,\d+$/.test(line)) {
        const m = /^([a-z0-9.]+)\.csv$/i.exec(base);
        const daily = /[\\/]daily[\\/]/i.test(fileName) || (!/[\\/]hour[\\/]/i.test(fileName) && line.slice(9, 14) === '00:00');
        return {
            preset: preset(daily ? 'lean-equity-daily-bars' : 'lean-equity-hour-bars'),
            instrument: m ? { symbol: m[1].toUpperCase(), venue: 'usa', assetClass: 'equity' } : undefined
        };
    }
    if (/^\d{8} \d{6};[\d.]+;[\d.]+;[\d.]+;[\d.]+;\d+$/.test(line)) {
        const m = /^DAT_ASCII_([A-Z]{6})_M1_/i.exec(base);
        return { preset: preset('histdata-m1'), instrument: m ? { symbol: m[1].toUpperCase(), venue: 'histdata', assetClass: 'forex' } : undefined };
    }
    return undefined;
}

/** The preset and the instrument its file names imply, judged by the name alone (when the content did not match). */
export function impliedByName(presetId: string, fileName: string): DetectedPreset | undefined {
    const base = fileName.split(/[\\/]/).pop() ?? fileName;
    const patterns: Record<string, [RegExp, string, string]> = {
        'lean-equity-trades': [/^\d{8}_([a-z0-9.]+)_trade_tick\.csv$/i, 'usa', 'equity'],
        'lean-equity-quotes': [/^\d{8}_([a-z0-9.]+)_quote_tick\.csv$/i, 'usa', 'equity'],
        'lean-forex-quotes': [/^\d{8}_([a-z]{6})_tick_quote\.csv$/i, 'oanda', 'forex'],
        'lean-equity-minute-bars': [/^\d{8}_([a-z0-9.]+)_minute_trade\.csv$/i, 'usa', 'equity'],
        'lean-equity-hour-bars': [/^([a-z0-9.]+)\.csv$/i, 'usa', 'equity'],
        'lean-equity-daily-bars': [/^([a-z0-9.]+)\.csv$/i, 'usa', 'equity'],
        'histdata-m1': [/^DAT_ASCII_([A-Z]{6})_M1_/i, 'histdata', 'forex']
    };
    const entry = patterns[presetId];
    const m = entry?.[0].exec(base);
    return m ? { preset: preset(presetId), instrument: { symbol: m[1].toUpperCase(), venue: entry[1], assetClass: entry[2] } } : undefined;
}

export function preset(id: string): CsvPreset {
    const p = CSV_PRESETS.find(x => x.id === id);
    if (!p) {
        throw new Error(`Unknown CSV preset '${id}'; known: ${CSV_PRESETS.map(x => x.id).join(', ')}`);
    }
    return p;
}

const DELIMITERS = [',', ';', '\t', '|'];

function splitLine(line: string, delimiter: string): string[] {
    return line.split(delimiter).map(f => f.trim().replace(/^"(.*)"$/, '$1'));
}

const TIME_FORMATS: readonly TimestampFormat[] = ['iso8601', 'yyyymmdd-hhmmss', 'epoch-ns', 'epoch-us', 'epoch-ms', 'epoch-s'];

/** The timestamp format a value parses with, judged by digits for epochs (plausible 1990-2100). */
export function sniffTimestamp(value: string): TimestampFormat | undefined {
    const v = value.trim();
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) {
        return 'iso8601';
    }
    if (/^\d{8} (\d{6}|\d{2}:\d{2})/.test(v)) {
        return 'yyyymmdd-hhmmss';
    }
    if (/^\d+(\.\d+)?$/.test(v)) {
        const digits = v.split('.')[0].length;
        if (digits >= 18 && digits <= 19) {
            return 'epoch-ns';
        }
        if (digits >= 15 && digits <= 16) {
            return 'epoch-us';
        }
        if (digits >= 12 && digits <= 13) {
            return 'epoch-ms';
        }
        if (digits >= 9 && digits <= 10) {
            return 'epoch-s';
        }
    }
    return undefined;
}

/** Best-effort CSV options for an unknown file: delimiter, header, columns by header names, time format. */
export function sniffCsv(lines: readonly string[]): CsvFormatOptions | undefined {
    const sample = lines.map((l, i) => (i === 0 ? l.replace(/^\uFEFF/, '') : l).replace(/\r$/, '')).filter(l => l.length > 0).slice(0, 20);
    if (sample.length === 0) {
        return undefined;
    }
    let delimiter = ',';
    let best = 0;
    for (const d of DELIMITERS) {
        const counts = sample.map(l => l.split(d).length - 1);
        if (counts[0] > 0 && counts.every(c => c === counts[0]) && counts[0] > best) {
            best = counts[0];
            delimiter = d;
        }
    }
    const first = splitLine(sample[0], delimiter);
    const header = first.some(f => /[a-z]/i.test(f) && !sniffTimestamp(f) && isNaN(Number(f)));
    const names = header ? first.map(f => f.toLowerCase()) : [];
    const data = splitLine(sample[header ? 1 : 0] ?? '', delimiter);
    const find = (...candidates: string[]): number | undefined => {
        const i = names.findIndex(n => candidates.includes(n));
        return i >= 0 ? i : undefined;
    };
    let timeIndex = find('time', 'timestamp', 'datetime', 'date_time', 'ts', 'transacttime') ?? data.findIndex(v => sniffTimestamp(v) !== undefined);
    const dateIndex = find('date', 'day');
    let timestampFormat: TimestampFormat | undefined = timeIndex >= 0 ? sniffTimestamp(data[timeIndex] ?? '') : undefined;
    if (dateIndex !== undefined && (timeIndex < 0 || timeIndex === undefined || !timestampFormat)) {
        const t = find('time', 'hour');
        if (t !== undefined) {
            timeIndex = t;
            timestampFormat = 'date+time';
        }
    }
    if (timeIndex < 0 || !timestampFormat) {
        return undefined;
    }
    const columns: { -readonly [K in keyof CsvColumnMapping]: CsvColumnMapping[K] } = { time: timeIndex };
    if (timestampFormat === 'date+time') {
        columns.date = dateIndex;
    }
    if (header) {
        columns.bid = find('bid', 'bid_price', 'bidprice');
        columns.ask = find('ask', 'ask_price', 'askprice', 'offer');
        columns.bidSize = find('bid_size', 'bidsize', 'bidvolume', 'bid_volume');
        columns.askSize = find('ask_size', 'asksize', 'askvolume', 'ask_volume');
        columns.open = find('open', 'o');
        columns.high = find('high', 'h');
        columns.low = find('low', 'l');
        columns.close = find('close', 'c');
        columns.price = find('price', 'last', 'trade_price', 'px');
        columns.size = find('size', 'qty', 'quantity', 'amount', 'last_size');
        columns.volume = find('volume', 'vol', 'v');
    } else {
        const numeric = data.map((v, i) => i !== timeIndex && v !== '' && !isNaN(Number(v)) ? i : -1).filter(i => i >= 0);
        if (numeric.length >= 4) {
            [columns.open, columns.high, columns.low, columns.close] = numeric;
            columns.volume = numeric[4];
        } else {
            columns.price = numeric[0];
            columns.size = numeric[1];
        }
    }
    let kind: DatasetKind = 'trades';
    if (columns.open !== undefined && columns.close !== undefined) {
        kind = 'bars';
        if (columns.size !== undefined && columns.volume === undefined) {
            columns.volume = columns.size;
        }
    } else if (columns.bid !== undefined && columns.ask !== undefined) {
        kind = 'quotes';
    } else if (columns.price === undefined) {
        return undefined;
    }
    for (const key of Object.keys(columns) as (keyof CsvColumnMapping)[]) {
        if (columns[key] === undefined) {
            delete columns[key];
        }
    }
    return {
        kind, delimiter, header, columns, timestampFormat, timeZone: 'UTC', priceScale: 0,
        barTimeframe: kind === 'bars' ? '1m' : undefined
    };
}

/** Checks that options are complete for their kind; returns a message or undefined. */
export function validateCsvOptions(o: CsvFormatOptions): string | undefined {
    if (!o.delimiter || o.delimiter.length !== 1) {
        return 'The delimiter must be one character';
    }
    const c = o.columns;
    if (c.time === undefined) {
        return 'Map a time column';
    }
    if (o.timestampFormat === 'date+time' && c.date === undefined) {
        return 'Map a date column for the date+time format';
    }
    if (o.kind === 'trades' && c.price === undefined) {
        return 'Map a price column for trades';
    }
    if (o.kind === 'quotes' && (c.bid === undefined || c.ask === undefined)) {
        return 'Map bid and ask columns for quotes';
    }
    if (o.crossedQuotes !== undefined && o.crossedQuotes !== 'keep' && o.crossedQuotes !== 'quarantine') {
        return `Unknown crossed-quote policy ${o.crossedQuotes} (quarantine or keep)`;
    }
    if (o.kind === 'bars' && [c.open, c.high, c.low, c.close].some(x => x === undefined)) {
        return 'Map open, high, low and close columns for bars';
    }
    if (!TIME_FORMATS.includes(o.timestampFormat) && o.timestampFormat !== 'date+time' && o.timestampFormat !== 'ms-since-midnight') {
        return `Unknown timestamp format ${o.timestampFormat}`;
    }
    try {
        new TimestampParser(o.timestampFormat, TimeZone.of(o.timeZone));
    } catch (error) {
        return (error as Error).message;
    }
    return undefined;
}
