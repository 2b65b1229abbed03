// *****************************************************************************
// Reading a whole run out of the RunStore and turning it into the report files (PDF
// tearsheet, JSON export, CSV tables). Used by the AnalysisService and by `backtestr report`.
// *****************************************************************************

import { ExportedFile, RunExportFormat } from '../common/analysis-protocol';
import { buildRunAnalysis, RunAnalysis, RunAnalysisOptions, runStatistics } from '../common/run-analysis';
import { RunOutput, RunRecord, RunStore } from '../common/run-store';
import { BacktestData } from '@backtestr/workspace-store';
import { barsCsv, equityCsv, eventsCsv, ordersCsv, tradesCsv } from '../common/report/report-csv';
import { tearsheetHtml } from '../common/report/report-html';
import { runExportJson } from '../common/report/run-export';
import { reportSectionInput, ReportSectionSource, RunReportSection } from '../common/report-sections';
import { htmlToPdf } from './report-pdf';

export class RunNotFoundError extends Error {
    constructor(readonly runId: string) {
        super(`There is no run '${runId}' in this workspace.`);
    }
}

export async function readRunRecord(store: RunStore, runId: string): Promise<RunRecord> {
    const run = await store.getRun(runId);
    if (!run) {
        throw new RunNotFoundError(runId);
    }
    return run;
}

/** Everything the run produced, read in parallel. */
export async function readRunOutput(store: RunStore, runId: string): Promise<RunOutput> {
    const [orders, events, trades, equity, series, logs, metrics] = await Promise.all([
        store.readOrders(runId), store.readEvents(runId), store.readTrades(runId), store.readEquity(runId),
        store.readSeries(runId), store.readLogs(runId), store.readMetrics(runId)
    ]);
    return { orders, events, trades, equity, series, logs, metrics };
}

/** The analysis of a stored run; with `sections`, the plugins' report sections of it too. */
export async function readRunAnalysis(store: RunStore, runId: string, options?: RunAnalysisOptions, sections?: ReportSectionSource): Promise<RunAnalysis> {
    const run = await readRunRecord(store, runId);
    const [trades, equity] = await Promise.all([store.readTrades(runId), store.readEquity(runId)]);
    const analysis = buildRunAnalysis(run, { trades, equity }, options);
    return sections ? { ...analysis, sections: await sections(reportSectionInput(trades, equity)) } : analysis;
}

const MIME: Record<RunExportFormat, string> = {
    'pdf': 'application/pdf', 'json': 'application/json', 'csv-trades': 'text/csv', 'csv-orders': 'text/csv',
    'csv-events': 'text/csv', 'csv-equity': 'text/csv', 'csv-bars': 'text/csv'
};

export function exportFileName(runId: string, format: RunExportFormat): string {
    const safe = runId.replace(/[^A-Za-z0-9._-]/g, '_');
    return format === 'pdf' ? `run-${safe}-tearsheet.pdf` : format === 'json' ? `run-${safe}.json` : `run-${safe}-${format.slice(4)}.csv`;
}

/** The bytes of one report of a run; the PDF and the JSON carry the plugins' report sections when `sections` is given. */
export async function exportRunFile(store: RunStore, runId: string, format: RunExportFormat, data?: BacktestData, sections?: ReportSectionSource): Promise<ExportedFile> {
    const run = await readRunRecord(store, runId);
    const encode = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
    let content: Uint8Array;
    switch (format) {
        case 'pdf': {
            const [trades, equity] = await Promise.all([store.readTrades(runId), store.readEquity(runId)]);
            const found: readonly RunReportSection[] = sections ? await sections(reportSectionInput(trades, equity)) : [];
            content = await htmlToPdf(tearsheetHtml(buildRunAnalysis(run, { trades, equity }), found));
            break;
        }
        case 'json': {
            const output = await readRunOutput(store, runId);
            const found = sections ? await sections(reportSectionInput(output.trades, output.equity)) : undefined;
            content = encode(runExportJson(run, output, runStatistics(run, output), found));
            break;
        }
        case 'csv-trades': content = encode(tradesCsv(await store.readTrades(runId))); break;
        case 'csv-orders': content = encode(ordersCsv(await store.readOrders(runId))); break;
        case 'csv-events': content = encode(eventsCsv(await store.readEvents(runId))); break;
        case 'csv-equity': content = encode(equityCsv(await store.readEquity(runId))); break;
        case 'csv-bars': {
            // The run's instrument over the run's range at its shortest timeframe.
            if (!data) {
                throw new Error('bars need the workspace\'s market data, which this report writer was not given');
            }
            const dataset = await data.resolve(run.config.symbol, run.config.kind);
            content = encode(barsCsv(await data.readBars(dataset, run.config.timeframes[0] ?? '1m', run.config.from, run.config.to)));
            break;
        }
        default: throw new Error(`unknown report format '${format as string}'`);
    }
    return { fileName: exportFileName(runId, format), mimeType: MIME[format], data: content };
}
