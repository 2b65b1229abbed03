// *****************************************************************************
// Run overlay protocol: a stored run's fills, trades and journal for the chart view, read
// from the workspace database (the workspace-store extension's RunStore) by the charts backend.
// *****************************************************************************

import type { DatasetKind, RunEventColumns, RunLogColumns, RunOrderColumns, RunSeriesColumns, RunTradeColumns } from '@backtestr/workspace-store';
import type { PriceSource } from './replay-protocol';

export const RUN_OVERLAY_SERVICE_PATH = '/services/backtestr/charts-runs';

export interface RunSummary {
    readonly id: string;
    readonly label: string;
    readonly status: string;
    readonly createdAt: number;
    readonly instrumentId: number;
    readonly kind: DatasetKind;
    readonly trades: number;
    /** First tick time the run processed (its replay starts there). */
    readonly firstTime?: number;
    /** The engine settings of the run (RunRecord.config): the replay uses the same. */
    readonly priceSource: PriceSource;
    readonly session: string;
    readonly timeframes: readonly string[];
    /** Ticks processed and wall-clock milliseconds of a finished run. */
    readonly ticks?: number;
    readonly elapsedMs?: number;
}

/** What the charts draw and list for one run; order tags joined to the events. */
export interface RunOverlay {
    readonly run: RunSummary;
    readonly events: RunEventColumns;
    /** Per event: the strategy's reason for the order (its tag), '' when none. */
    readonly eventTags: readonly string[];
    readonly trades: RunTradeColumns;
    readonly logs: RunLogColumns;
    /** Orders as sent (their stop and limit prices give the levels of working orders). */
    readonly orders: RunOrderColumns;
    /** Values the strategy recorded with `ctx.record()`, by name. */
    readonly series: Readonly<Record<string, RunSeriesColumns>>;
}

export const RunOverlayService = Symbol('RunOverlayService');
export interface RunOverlayService {
    /** Runs of an instrument's dataset, newest first; every run when `instrumentId` is absent. */
    listRuns(instrumentId?: number): Promise<RunSummary[]>;
    readRun(id: string): Promise<RunOverlay>;
}
