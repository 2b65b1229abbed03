// *****************************************************************************
// Run overlay protocol: a stored run's fills, trades and journal for the chart view, read
// from the workspace database (the data-import extension's RunStore) by the charts backend.
// *****************************************************************************

import type { DatasetKind, RunEventColumns, RunLogColumns, RunTradeColumns } from '@backtestr/data-import';

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
}

/** What the charts draw and list for one run; order tags joined to the events. */
export interface RunOverlay {
    readonly run: RunSummary;
    readonly events: RunEventColumns;
    /** Per event: the strategy's reason for the order (its tag), '' when none. */
    readonly eventTags: readonly string[];
    readonly trades: RunTradeColumns;
    readonly logs: RunLogColumns;
}

export const RunOverlayService = Symbol('RunOverlayService');
export interface RunOverlayService {
    /** Runs of an instrument's dataset, newest first; every run when `instrumentId` is absent. */
    listRuns(instrumentId?: number): Promise<RunSummary[]>;
    readRun(id: string): Promise<RunOverlay>;
}
