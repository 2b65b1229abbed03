// *****************************************************************************
// Analysis protocol: statistics of backtest runs, their documented definitions, comparisons,
// exports, and live figures of running runs.
// *****************************************************************************

import { ApplicationError } from '@theia/core/lib/common/application-error';
import { RpcServer } from '@theia/core/lib/common/messaging/proxy-factory';
import { StatisticDefinition } from './statistics/statistic-definitions';
import { StatisticsReport, UnixMicros } from './statistics/statistics-types';
import { EquityCurve, HeadlineMetric, RunAnalysis } from './run-analysis';
import { RunEquityColumns, RunOutput, RunRecord, RunStatus, RunTradeColumns } from './run-store';

export const ANALYSIS_SERVICE_PATH = '/services/backtestr/analysis';

/** What a run can be exported as: the PDF tearsheet, the whole run as JSON, or one table as CSV. */
export type RunExportFormat = 'pdf' | 'json' | 'csv-trades' | 'csv-orders' | 'csv-events' | 'csv-equity' | 'csv-bars';
export const RUN_EXPORT_FORMATS: readonly RunExportFormat[] = ['pdf', 'json', 'csv-trades', 'csv-orders', 'csv-events', 'csv-equity', 'csv-bars'];

export interface ExportedFile {
    /** A suggested file name, e.g. `run-<id>-trades.csv`. */
    readonly fileName: string;
    readonly mimeType: string;
    readonly data: Uint8Array;
}

export interface RunComparisonEntry {
    readonly run: RunRecord;
    readonly headline: readonly HeadlineMetric[];
    readonly statistics: StatisticsReport;
    readonly equity: EquityCurve;
}

export interface RunComparison {
    readonly runs: readonly RunComparisonEntry[];
}

/** Figures of a run while it runs (and its final status when it ends). */
export interface RunChangeEvent {
    readonly runId: string;
    readonly status: RunStatus;
    readonly ticks?: number;
    readonly lastTime?: UnixMicros;
    readonly equitySamples?: number;
    /** Live headline figures (the same ids as a finished run's). */
    readonly headline?: readonly HeadlineMetric[];
}

export interface AnalysisClient {
    onDidChangeRun(event: RunChangeEvent): void;
}

export const AnalysisService = Symbol('AnalysisService');
export interface AnalysisService extends RpcServer<AnalysisClient> {
    /** Every statistic the analysis computes, with its formula (see statistics/STATISTICS.md). */
    listStatisticDefinitions(): Promise<readonly StatisticDefinition[]>;
    /** Runs of the workspace, newest first. */
    listRuns(): Promise<RunRecord[]>;
    getRunAnalysis(runId: string): Promise<RunAnalysis>;
    compareRuns(runIds: readonly string[]): Promise<RunComparison>;
    exportRun(runId: string, format: RunExportFormat): Promise<ExportedFile>;
}

/** A batch of what a running run produced since the previous batch (columns in time order). */
export interface RunProgressBatch {
    /** Ticks applied so far. */
    readonly ticks: number;
    readonly lastTime?: UnixMicros;
    readonly equity?: RunEquityColumns;
    readonly trades?: RunTradeColumns;
}

/**
 * Backend only: what the engine calls while it runs a backtest, so that the dashboard shows
 * live figures (pushed to the frontends at most once a second per run). Cheap: O(1) per sample.
 */
export const RunProgressFeed = Symbol('RunProgressFeed');
export interface RunProgressFeed {
    /** Before the first tick (after RunStore.createRun). */
    runStarted(run: RunRecord): void;
    /** Once per batch of ticks (not per tick). */
    runProgress(runId: string, batch: RunProgressBatch): void;
    /**
     * After RunStore.finishRun. With the run's whole `output`, the samples and trades not yet given in
     * batches (e.g. the closing equity sample) are counted in first, so the last push equals the stored run's figures.
     */
    runFinished(runId: string, status: RunStatus, output?: Pick<RunOutput, 'equity' | 'trades'>): void;
}

export namespace AnalysisErrors {
    export const RunNotFound = ApplicationError.declare(9000, (runId: string) => ({
        message: `There is no run '${runId}' in this workspace.`,
        data: { runId }
    }));
    export const NoRunStore = ApplicationError.declare(9001, () => ({
        message: 'This workspace has no run store: open a workspace folder to see its runs.',
        data: {}
    }));
    export const ReportFailed = ApplicationError.declare(9002, (format: string, reason: string) => ({
        message: `The ${format} report could not be generated: ${reason}`,
        data: { format, reason }
    }));
}
