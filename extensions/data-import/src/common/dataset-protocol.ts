// *****************************************************************************
// Dataset protocol: what the frontend and other extensions may ask of the data layer.
// Plain data only (numbers, strings, arrays, typed arrays); no class instances.
// *****************************************************************************

import { ApplicationError } from '@theia/core/lib/common/application-error';
import type {
    BarColumns, DatasetKey, DatasetKind, DatasetSummary, ImportRecord, Instrument, InstrumentSpec, QuarantinedRow, TickColumns, UnixMicros
} from '@backtestr/workspace-store';
import { ImportSourceDescriptor } from './import-source-protocol';

export * from './import-source-protocol';
/** What the store keeps of a dataset (declared in the workspace store): the types this service's answers are made of. */
export type {
    BarColumns, DatasetKey, DatasetKind, DatasetSummary, ImportRecord, Instrument, InstrumentSpec, QuarantinedRow, TickColumns, UnixMicros
};

export const DATASET_SERVICE_PATH = '/services/backtestr/datasets';

/** What the Datasets view is pushed: the workspace's datasets changed (an import committed, a dataset replaced or deleted, by anyone). */
export interface DatasetClient {
    onDidChangeDatasets(): void;
}

export type TimestampFormat =
    | 'epoch-s' | 'epoch-ms' | 'epoch-us' | 'epoch-ns'
    /** `2013-10-07T09:30:00.123456[Z|+02:00]`; a space instead of `T` is accepted. */
    | 'iso8601'
    /** `20170102 020000` (HistData), or `20131007 09:30[:00]` (Lean hour and daily bars). */
    | 'yyyymmdd-hhmmss'
    /** A date column (`YYYY-MM-DD`, `YYYYMMDD`, `MM/DD/YYYY`) and a time column (`HH:MM:SS[.ffffff]`). */
    | 'date+time'
    /** Milliseconds since local midnight, optionally with a fraction (`43.142`); the date (YYYYMMDD) comes from the file name (Lean). */
    | 'ms-since-midnight';

/** Zero-based column indexes of the fields an importer reads; absent fields are not read. */
export interface CsvColumnMapping {
    readonly time: number;
    /** Only for timestamp format `date+time`. */
    readonly date?: number;
    readonly price?: number;
    readonly size?: number;
    readonly bid?: number;
    readonly ask?: number;
    readonly bidSize?: number;
    readonly askSize?: number;
    readonly open?: number;
    readonly high?: number;
    readonly low?: number;
    readonly close?: number;
    readonly volume?: number;
    /** A single-character exchange code kept in the tick flags (Lean trades and equity quotes). */
    readonly exchange?: number;
    /** A 0/1 vendor "suspicious" mark kept in the tick flags (Lean trades and equity quotes). */
    readonly suspicious?: number;
    /** The stored tick flags as a whole number (BackTestr's own CSV export writes them). */
    readonly flags?: number;
}

export interface CsvFormatOptions {
    readonly kind: DatasetKind;
    /** One character; `\t` for tab. */
    readonly delimiter: string;
    readonly header: boolean;
    readonly columns: CsvColumnMapping;
    readonly timestampFormat: TimestampFormat;
    /** IANA name (`America/New_York`), `UTC`, or a fixed offset `UTC-05:00`. Ignored for epoch and zoned ISO times. */
    readonly timeZone: string;
    /**
     * Implied decimals of integer price fields: 4 when the file holds price x 10000 (Lean equities).
     * 0 when prices are written as decimals.
     */
    readonly priceScale: number;
    /** Bar timeframe of imported bars, e.g. `1m`. */
    readonly barTimeframe?: string;
    /** Quotes with bid above ask: quarantined (default) or kept and flagged; `ImportRequest.crossedQuotes` overrides it. */
    readonly crossedQuotes?: CrossedQuotePolicy;
    /**
     * Quotes: each row carries the side that changed, the other side 0 (US equity quote files). The 0 side is the
     * last one of the same file carried forward (flagged); rows before both sides were seen in the file are quarantined.
     */
    readonly oneSidedQuotes?: boolean;
}

export interface CsvPreset {
    readonly id: string;
    readonly label: string;
    readonly format: CsvFormatOptions;
    /** Instrument the preset implies when the file names say it (e.g. `spy` in `20131007_spy_Trade_Tick.csv`). */
    readonly instrument?: { readonly symbol: string; readonly venue: string; readonly assetClass: string };
}

export type DuplicatePolicy = 'keep' | 'quarantine';

/**
 * Rows of a file whose times fall in a range the dataset already stores (another file of the same days):
 * `skip` (default) leaves them out and says how many, per file, in the import's warnings; `quarantine`
 * records each in the quarantine (with its file, line and reason).
 */
export type OverlapPolicy = 'skip' | 'quarantine';

/**
 * What an import does with a quote whose bid is above its ask: `quarantine` it, or `keep` it as the vendor sent it with
 * the tick flag CROSSED (FX ECN feeds hold real crossed quotes and the vendor's own bars include them). Locked quotes
 * (bid = ask) are always kept, flagged LOCKED.
 */
export type CrossedQuotePolicy = 'quarantine' | 'keep';

export type BinaryFieldType = 'i64' | 'u64' | 'i32' | 'u32' | 'i16' | 'u16' | 'u8' | 'f64' | 'f32';

/**
 * A user-declared fixed-size record layout for other binary tick files. Prices and sizes are read
 * as numbers and divided by `scale` (e.g. 10000 for price x 10000) before going on the tick grid.
 */
export interface BinaryLayout {
    readonly kind: 'trades' | 'quotes';
    /** Bytes to skip before the first record. */
    readonly headerBytes: number;
    readonly recordSize: number;
    readonly littleEndian: boolean;
    readonly fields: readonly {
        readonly name: 'time' | 'price' | 'size' | 'bid' | 'ask' | 'bidSize' | 'askSize' | 'flags';
        readonly type: BinaryFieldType;
        readonly offset: number;
        /** Divisor of the raw value: for `time` the units per microsecond inverse is given by `timeUnit` instead. */
        readonly scale?: number;
    }[];
    readonly timeUnit: 's' | 'ms' | 'us' | 'ns';
}

export interface ImportRequest {
    /** Files or folders (local paths on the backend host); folders and `.zip` files are expanded. */
    readonly paths: readonly string[];
    /**
     * `auto` (default) detects: an import source contributed by a plugin or extension whose file extension
     * the file has (when exactly one matches), FIX, our binary format, or a CSV preset.
     */
    readonly format?: 'auto' | 'csv' | 'fix' | 'binary';
    /** Read the files with this contributed import source (see `DatasetService.listImportSources`). */
    readonly sourceId?: string;
    /** Preset id, or explicit CSV options; detected when both are absent. */
    readonly presetId?: string;
    readonly csv?: CsvFormatOptions;
    /** Layout of a foreign fixed-record binary file (our own `.btb` format describes itself). */
    readonly binaryLayout?: BinaryLayout;
    /** Instrument the data belongs to: its symbol and venue, or a full spec to create it. */
    readonly instrument?: Partial<InstrumentSpec> & { readonly symbol: string };
    /** Exact consecutive duplicate rows: kept (default; trade tapes hold real repeats) or quarantined. */
    readonly duplicates?: DuplicatePolicy;
    /** Rows inside time ranges the dataset already stores: skipped (default) or quarantined. */
    readonly overlap?: OverlapPolicy;
    /** Crossed quotes (every format): default the CSV preset's (`csv.crossedQuotes`), else `quarantine`. */
    readonly crossedQuotes?: CrossedQuotePolicy;
    /** A tick may be this many microseconds older than the previous one before it is quarantined (default 0). */
    readonly outOfOrderToleranceUs?: number;
    /** Compute the bar cache and the quality report after the import (default true). */
    readonly computeDerived?: boolean;
    /**
     * Re-import: this dataset's stored rows, bar cache, quality days, quarantine and file records are deleted
     * inside the import's transaction, so they are back as they were when the import fails or is cancelled.
     */
    readonly replace?: DatasetKey;
}

export interface ImportProgress {
    readonly importId?: number;
    readonly file: string;
    readonly filesDone: number;
    readonly filesTotal: number;
    readonly rows: number;
    readonly quarantined: number;
    readonly rowsPerSecond: number;
    /** 0..100 over input bytes. */
    readonly percent: number;
}

export interface ImportedFile {
    readonly path: string;
    readonly rows: number;
    readonly quarantined: number;
    /** Rows left out because the dataset already stores their time range (overlap policy `skip`). */
    readonly skipped?: number;
    /** Why a file was skipped (already imported), or what it held instead of ticks. */
    readonly note?: string;
}

export interface ImportResult {
    readonly importId: number;
    /** `csv`, `fix`, `binary`, or `source` (then `sourceId` says which). */
    readonly format: string;
    /** The contributed import source that read the files. */
    readonly sourceId?: string;
    readonly presetId?: string;
    readonly datasets: readonly DatasetKey[];
    readonly rows: number;
    readonly quarantined: number;
    /** Instruments defined or updated by the import (FIX SecurityDefinition). */
    readonly instrumentsDefined: number;
    /** True when the input carried instrument definitions but no market data. */
    readonly noMarketData: boolean;
    readonly files: readonly ImportedFile[];
    readonly elapsedMs: number;
    readonly rowsPerSecond: number;
    readonly warnings: readonly string[];
}

export interface QualityDay {
    readonly instrumentId: number;
    readonly kind: DatasetKind;
    /** UTC day, `YYYY-MM-DD`. */
    readonly day: string;
    readonly tickCount: number;
    /** Gaps inside the session longer than the expected gap. */
    readonly gaps: number;
    readonly longestGapSeconds: number;
    readonly duplicates: number;
    readonly outOfOrder: number;
    readonly crossedQuotes: number;
    readonly spikes: number;
    readonly outsideSession: number;
    readonly quarantined: number;
    /** 0..100. */
    readonly score: number;
}

export interface QualityReport extends DatasetKey {
    readonly symbol: string;
    /** Mean of the daily scores, lowered for quarantined rows without a usable time (see `scoring`). */
    readonly score: number;
    /** Quarantined rows without a usable time: they count against the dataset score, not a day's. */
    readonly untimedQuarantined: number;
    readonly days: readonly QualityDay[];
    /** How the score is computed, for the UI to show. */
    readonly scoring: string;
}

export type ExportFormat = 'parquet' | 'csv' | 'btb';

export const DatasetService = Symbol('DatasetService');
export interface DatasetService {
    listDatasets(): Promise<DatasetSummary[]>;
    listInstruments(): Promise<Instrument[]>;
    listPresets(): Promise<CsvPreset[]>;
    /** Detects the format of a file and parses its first rows with it, for the wizard's preview. */
    preview(path: string, csv?: CsvFormatOptions, maxRows?: number): Promise<ImportPreview>;
    /** The preview with an explicit format or contributed import source. */
    previewImport(request: PreviewRequest): Promise<ImportPreview>;
    /** Import sources contributed by extensions and enabled plugins (e.g. JSON-lines ticks). */
    listImportSources(): Promise<ImportSourceDescriptor[]>;
    /** Starts an import; progress arrives through `getImportProgress`. */
    importData(request: ImportRequest): Promise<ImportResult>;
    getImportProgress(): Promise<ImportProgress | undefined>;
    cancelImport(): Promise<void>;
    listImports(): Promise<ImportRecord[]>;
    getQuarantine(importId?: number, offset?: number, limit?: number): Promise<QuarantinedRow[]>;
    getQualityReport(key: DatasetKey): Promise<QualityReport | undefined>;
    computeQualityReport(key: DatasetKey): Promise<QualityReport>;
    readBars(key: DatasetKey, timeframe: string, from?: UnixMicros, to?: UnixMicros, limit?: number): Promise<BarColumns>;
    /** Ticks with `from <= time < to` in stored (time) order, at most `limit` (the first ones); prices in instrument ticks. */
    readTicks(key: DatasetKey, from: UnixMicros, to: UnixMicros, limit?: number): Promise<TickColumns>;
    /** Deletes a dataset: its rows, bar cache, quality days, quarantine and file records (the instrument stays). */
    deleteDataset(key: DatasetKey): Promise<void>;
    /**
     * Imports a dataset again from the sources and options its imports recorded, replacing its rows in one
     * transaction: when a source is gone or the import fails, the stored data stays as it was.
     */
    reimportDataset(key: DatasetKey): Promise<ImportResult>;
    exportDataset(key: DatasetKey, format: ExportFormat, targetPath: string): Promise<{ path: string; rows: number; bytes: number }>;
}

export interface PreviewRequest {
    readonly path: string;
    /** As `ImportRequest.format`; `auto` also picks an import source by file extension. */
    readonly format?: 'auto' | 'csv' | 'fix' | 'binary';
    readonly sourceId?: string;
    readonly csv?: CsvFormatOptions;
    readonly maxRows?: number;
}

export interface ImportPreview {
    readonly path: string;
    readonly format: 'csv' | 'fix' | 'binary' | 'source' | 'unknown';
    /** The contributed import source that read the preview (format `source`). */
    readonly source?: ImportSourceDescriptor;
    readonly presetId?: string;
    readonly csv?: CsvFormatOptions;
    /** First raw lines of the file as text. */
    readonly rawLines: readonly string[];
    /** First rows parsed with the options: UTC ISO time and decimal prices, or an error per row. */
    readonly rows: readonly { readonly line: number; readonly values?: Record<string, string | number>; readonly error?: string }[];
    readonly message?: string;
}

/** Errors of the data-import extension cross RPC with codes 5000-5099. */
export namespace DatasetErrors {
    export const FormatMismatch = ApplicationError.declare(5000, (file: string, reason: string) => ({
        message: `${file}: ${reason}`,
        data: { file, reason }
    }));
    export const CorruptFile = ApplicationError.declare(5001, (file: string, reason: string) => ({
        message: `${file}: ${reason}`,
        data: { file, reason }
    }));
    export const ImportCancelled = ApplicationError.declare(5002, () => ({
        message: 'The import was cancelled; the database is unchanged.',
        data: {}
    }));
    export const UnknownInstrument = ApplicationError.declare(5003, (symbol: string) => ({
        message: `Unknown instrument ${symbol}: no specification ships for it. Give its tick size (backtestr import --tick-size 0.01, with --lot-size, `
            + `--currency, --asset-class as needed; the import wizard's tick size), or --venue usa for a US stock, or import its definition first.`,
        data: { symbol }
    }));
    export const UnknownDataset = ApplicationError.declare(5004, (instrumentId: number, kind: string) => ({
        message: `No ${kind} dataset for instrument ${instrumentId}.`,
        data: { instrumentId, kind }
    }));
    export const ImportBusy = ApplicationError.declare(5005, () => ({
        message: 'Another import is running; wait for it or cancel it.',
        data: {}
    }));
    export const InvalidOptions = ApplicationError.declare(5006, (reason: string) => ({
        message: reason,
        data: { reason }
    }));
    /** A contributed import source (a plugin's data source) failed on a file: it threw, hung or returned malformed rows. */
    export const SourceFailed = ApplicationError.declare(5007, (file: string, source: string, reason: string) => ({
        message: `${file}: the import source ${source} failed; nothing was imported. ${reason}`,
        data: { file, source, reason }
    }));
}
