// *****************************************************************************
// What the workspace database stores of market data, as the store's readers and writers see it:
// datasets (one kind of one instrument), instruments, the records of imports and their quarantine,
// and ticks and bars as typed-array columns. Plain data only; the importers (data-import) and
// everybody who reads data (engine, charts, analysis) use these types.
// *****************************************************************************

import { ApplicationError } from '@theia/core/lib/common/application-error';
import type { UnixMicros } from '@backtestr/plugins-sdk';

/** Microseconds since 1970-01-01T00:00:00Z. Int64 in storage; a JS number (exact below 2^53) here (declared in the SDK). */
export type { UnixMicros };

export type DatasetKind = 'trades' | 'quotes' | 'bars';

/** Identifies one dataset: the ticks (or imported bars) of one kind of one instrument. */
export interface DatasetKey {
    readonly instrumentId: number;
    readonly kind: DatasetKind;
}

export interface InstrumentSpec {
    readonly symbol: string;
    /** Market or venue, e.g. `usa`, `oanda`, `XCME`. */
    readonly venue: string;
    /** `equity`, `forex`, `future`, `option`, `cfd`, `crypto`, `index`. */
    readonly assetClass: string;
    readonly description?: string;
    /** Minimum price variation; stored prices are integer multiples of it. */
    readonly tickSize: number;
    readonly lotSize: number;
    readonly multiplier: number;
    /** Quote currency. */
    readonly currency: string;
    /** IANA time zone of the exchange, e.g. `America/New_York`. */
    readonly timeZone: string;
    /** Regular session in exchange-local time, `HH:MM-HH:MM` (may wrap midnight), or `24h`. */
    readonly session: string;
}

export interface Instrument extends InstrumentSpec {
    readonly id: number;
}

export interface DatasetSummary extends DatasetKey {
    readonly symbol: string;
    readonly venue: string;
    readonly firstTime: UnixMicros;
    readonly lastTime: UnixMicros;
    /** Ticks, or bars for kind `bars`. */
    readonly tickCount: number;
    /** Estimated bytes of the database file this dataset takes (compressed columns). */
    readonly sizeOnDisk: number;
    /** 0..100, the dataset score of its quality report (see QualityReport.score); undefined before a report exists. */
    readonly qualityScore?: number;
    readonly quarantinedRows: number;
    /** Timeframe of imported bars (`1m`), only for kind `bars`. */
    readonly timeframe?: string;
}

export interface QuarantinedRow {
    readonly importId: number;
    readonly file: string;
    /** 1-based line number in the (unzipped) file, or -1 for binary input. */
    readonly line: number;
    /** Byte offset in the (unzipped) file. */
    readonly byteOffset: number;
    readonly raw: string;
    readonly reason: string;
}

export interface ImportRecord {
    readonly id: number;
    readonly startedAt: UnixMicros;
    readonly format: string;
    readonly paths: readonly string[];
    readonly status: 'committed' | 'failed' | 'cancelled';
    readonly rows: number;
    readonly quarantined: number;
    readonly message?: string;
}

/** Columns of ticks as typed arrays; prices in instrument ticks (multiply by tickSize at the edges). */
export interface TickColumns {
    readonly count: number;
    readonly time: Float64Array;
    readonly price?: Float64Array;
    readonly size?: Float64Array;
    readonly bid?: Float64Array;
    readonly ask?: Float64Array;
    readonly flags: Int32Array;
}

export interface BarColumns {
    readonly count: number;
    readonly time: Float64Array;
    readonly open: Float64Array;
    readonly high: Float64Array;
    readonly low: Float64Array;
    readonly close: Float64Array;
    readonly volume: Float64Array;
}

/** Errors of the workspace store cross RPC with codes 5100-5199 (the importers' are 5000-5099). */
export namespace WorkspaceStoreErrors {
    /** An instrument's tick size cannot change while ticks are stored on its grid: they would mean other prices. */
    export const TickSizeLocked = ApplicationError.declare(5100, (instrument: string, reason: string) => ({
        message: `${instrument} ${reason}`,
        data: { instrument, reason }
    }));
}
