// *****************************************************************************
// The CSV options of `backtestr import` from its command line: every field the import wizard sets
// (delimiter, header, column mapping, time format, time zone, price scale, kind, bar timeframe), on
// top of --preset's when one is given. Plain functions; data-cli.ts declares the flags.
// *****************************************************************************

import { CsvColumnMapping, CsvFormatOptions, DatasetKind, OverlapPolicy, TimestampFormat } from '../common/dataset-protocol';
import { CommandLineError, numberOption } from './command-line';
import { preset } from './csv-presets';

/** The flags of `backtestr import` that describe a CSV file (declared in DATA_COMMAND_OPTIONS.import). */
export interface CsvFlags {
    readonly preset?: string;
    readonly kind?: string;
    readonly delimiter?: string;
    readonly header?: boolean;
    readonly 'no-header'?: boolean;
    readonly columns?: string;
    readonly 'time-format'?: string;
    readonly 'time-zone'?: string;
    readonly 'price-scale'?: string;
    readonly timeframe?: string;
}

const KINDS: readonly DatasetKind[] = ['trades', 'quotes', 'bars'];
const TIME_FORMATS: readonly TimestampFormat[] = ['epoch-s', 'epoch-ms', 'epoch-us', 'epoch-ns', 'iso8601', 'yyyymmdd-hhmmss', 'date+time', 'ms-since-midnight'];

/** `--columns` names: the mapping's fields, with the two-word ones also written with a dash. */
const COLUMN_NAMES: Record<string, keyof CsvColumnMapping> = {
    time: 'time', date: 'date', price: 'price', size: 'size', bid: 'bid', ask: 'ask', 'bid-size': 'bidSize', bidsize: 'bidSize',
    'ask-size': 'askSize', asksize: 'askSize', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume',
    exchange: 'exchange', suspicious: 'suspicious', flags: 'flags'
};

/** `time=0,bid=1,ask=2` -> a column mapping (zero-based indexes). */
export function parseColumns(text: string): CsvColumnMapping {
    const columns: Partial<Record<keyof CsvColumnMapping, number>> = {};
    for (const part of text.split(',').map(p => p.trim()).filter(p => p.length > 0)) {
        const [name, index] = part.split('=').map(s => s.trim());
        const field = COLUMN_NAMES[name.toLowerCase()];
        if (!field) {
            throw new CommandLineError('--columns', `'${name}' is not a column; one of ${Object.keys(COLUMN_NAMES).join(', ')}`);
        }
        const n = Number(index);
        if (index === undefined || index === '' || !Number.isInteger(n) || n < 0) {
            throw new CommandLineError('--columns', `'${part}': give name=index with a zero-based column index, e.g. time=0,bid=1,ask=2`);
        }
        columns[field] = n;
    }
    if (columns.time === undefined) {
        throw new CommandLineError('--columns', 'map the time column (time=<index>)');
    }
    return columns as CsvColumnMapping;
}

/**
 * The CSV options the flags describe: undefined when they give none (the preset, or detection, decides); else the
 * preset's options (--preset) or, without one, --kind, --columns and --time-format, with each given flag applied.
 */
export function csvOptionsFromFlags(flags: CsvFlags): CsvFormatOptions | undefined {
    const given = flags.kind !== undefined || flags.delimiter !== undefined || flags.header !== undefined || flags['no-header'] !== undefined
        || flags.columns !== undefined || flags['time-format'] !== undefined || flags['time-zone'] !== undefined
        || flags['price-scale'] !== undefined || flags.timeframe !== undefined;
    if (!given) {
        return undefined;
    }
    if (flags.header && flags['no-header']) {
        throw new CommandLineError('--header', 'give --header or --no-header, not both');
    }
    if (flags.kind !== undefined && !(KINDS as readonly string[]).includes(flags.kind)) {
        throw new CommandLineError('--kind', `'${flags.kind}' is not ${KINDS.join(', ')}`);
    }
    if (flags['time-format'] !== undefined && !(TIME_FORMATS as readonly string[]).includes(flags['time-format'])) {
        throw new CommandLineError('--time-format', `'${flags['time-format']}' is not one of ${TIME_FORMATS.join(', ')}`);
    }
    const base: Partial<CsvFormatOptions> = flags.preset !== undefined ? preset(flags.preset).format : {};
    if (flags.preset === undefined) {
        const missing = [flags.kind === undefined && '--kind', flags.columns === undefined && '--columns', flags['time-format'] === undefined && '--time-format']
            .filter(Boolean);
        if (missing.length > 0) {
            throw new CommandLineError(String(missing[0]), `CSV options without --preset need ${missing.join(', ')} (see backtestr import --help)`);
        }
    }
    const delimiter = flags.delimiter === undefined ? base.delimiter ?? ','
        : flags.delimiter === '\\t' || flags.delimiter.toLowerCase() === 'tab' ? '\t' : flags.delimiter;
    if (delimiter.length !== 1) {
        throw new CommandLineError('--delimiter', `'${flags.delimiter}' is not one character (tab: --delimiter tab)`);
    }
    const kind = (flags.kind ?? base.kind) as DatasetKind;
    return {
        ...base,
        kind, delimiter,
        header: flags.header ? true : flags['no-header'] ? false : base.header ?? false,
        columns: flags.columns !== undefined ? parseColumns(flags.columns) : base.columns!,
        timestampFormat: (flags['time-format'] ?? base.timestampFormat) as TimestampFormat,
        timeZone: flags['time-zone'] ?? base.timeZone ?? 'UTC',
        priceScale: numberOption('price-scale', flags['price-scale'], 'a whole number of implied decimals (0-9), e.g. 4 for price x 10000',
            n => Number.isInteger(n) && n >= 0 && n <= 9) ?? base.priceScale ?? 0,
        barTimeframe: kind === 'bars' ? flags.timeframe ?? base.barTimeframe ?? '1m' : undefined
    };
}

/** The --overlap policy, or undefined (skip). */
export function overlapFlag(text: string | undefined): OverlapPolicy | undefined {
    if (text !== undefined && text !== 'skip' && text !== 'quarantine') {
        throw new CommandLineError('--overlap', `'${text}' is not skip or quarantine`);
    }
    return text;
}
