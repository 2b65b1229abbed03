// *****************************************************************************
// `backtestr report <runId|latest> --workspace <dir> --format pdf|json|csv|csv-trades|csv-orders|csv-events|csv-equity
//      [--out <path>]`
// Writes a stored run's PDF tearsheet, its JSON export (schema: extensions/analysis/schema/run-export.v1.schema.json)
// or its CSV tables. `--format csv` writes the four tables into the folder `--out` (created); the other formats
// write one file (default: the suggested name in the current folder). The database is opened read-only.
// Exit codes: 0 written, 1 no such run / the report failed, 2 bad arguments (the message names the argument).
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { RUN_EXPORT_FORMATS, RunExportFormat } from '@backtestr/analysis';
import { BacktestDataImpl, defaultWorkspaceRoot, openWorkspaceDatabase, RunStoreImpl } from '@backtestr/workspace-store/lib/node';
import { CommandLineError, parseCommandLine } from '@backtestr/data-import/lib/node';
import { exportRunFile, RunNotFoundError } from '@backtestr/analysis/lib/node';
import { REPORT_OPTIONS } from './command-options';

/** Streams as backtestr-cli's CliStreams (kept structural: no import cycle with the verb table). */
export interface ReportStreams {
    readonly out: NodeJS.WritableStream;
    readonly err: NodeJS.WritableStream;
    /** The folder a relative --out (and the default, the suggested name) is in: default the current folder. */
    readonly cwd?: string;
}

/** What `--format csv` writes; `csv-bars` (the instrument's bars over the run) is separate: it needs the market data in the workspace. */
const CSV_TABLES: readonly RunExportFormat[] = ['csv-trades', 'csv-orders', 'csv-events', 'csv-equity'];

export const REPORT_USAGE = `usage:
  backtestr report <runId|latest> --workspace <dir> --format pdf|json|csv|${CSV_TABLES.join('|')}|csv-bars [--out <path>]
  --format csv writes the trades, orders, events (fills) and equity tables into the folder --out.`;

export interface ReportArguments {
    readonly runId: string;
    readonly workspace: string;
    readonly format: RunExportFormat | 'csv';
    readonly out?: string;
}

export function parseReportArguments(argv: readonly string[]): ReportArguments {
    const { values: flags, positionals: positional } = parseCommandLine('report', argv, REPORT_OPTIONS);
    if (positional.length !== 1) {
        throw new CommandLineError('<runId>', positional.length ? `one run id, got ${positional.join(' ')}` : 'give the run id (or latest)');
    }
    const format = flags.format;
    if (format === undefined) {
        throw new CommandLineError('--format', `give one of pdf, json, csv, ${CSV_TABLES.join(', ')}`);
    }
    if (format !== 'csv' && !RUN_EXPORT_FORMATS.includes(format as RunExportFormat)) {
        throw new CommandLineError('--format', `'${format}' is not one of pdf, json, csv, ${CSV_TABLES.join(', ')}`);
    }
    return { runId: positional[0], workspace: flags.workspace ?? defaultWorkspaceRoot(), format: format as ReportArguments['format'], out: flags.out };
}

/** `backtestr report ...`: writes the report and prints the written paths; returns the exit code. */
export async function runReportCommand(argv: readonly string[], io: ReportStreams): Promise<number> {
    let args: ReportArguments;
    try {
        args = parseReportArguments(argv);
    } catch (error) {
        if (error instanceof CommandLineError) {
            io.err.write(`backtestr report: ${error.message}\n${REPORT_USAGE}\n`);
            return 2;
        }
        throw error;
    }
    const db = await openWorkspaceDatabase(args.workspace, { readOnly: true });
    if (!db) {
        io.err.write(`backtestr report: --workspace: ${args.workspace} has no BackTestr database (.backtestr/workspace.duckdb)\n`);
        return 2;
    }
    try {
        const store = new RunStoreImpl(db);
        let runId = args.runId;
        if (runId === 'latest') {
            const runs = await store.listRuns();
            if (runs.length === 0) {
                io.err.write(`backtestr report: <runId>: ${args.workspace} has no runs\n`);
                return 1;
            }
            runId = runs[0].id;
        }
        const formats = args.format === 'csv' ? CSV_TABLES : [args.format];
        const written: string[] = [];
        for (const format of formats) {
            const file = await exportRunFile(store, runId, format, new BacktestDataImpl(db));
            const target = args.format === 'csv'
                ? path.join(args.out ?? '.', file.fileName)
                : args.out ?? file.fileName;
            const resolved = path.resolve(io.cwd ?? process.cwd(), target);
            fs.mkdirSync(path.dirname(resolved), { recursive: true });
            fs.writeFileSync(resolved, file.data);
            written.push(target);
        }
        io.out.write(written.map(w => `${w}\n`).join(''));
        return 0;
    } catch (error) {
        if (error instanceof RunNotFoundError) {
            io.err.write(`backtestr report: <runId>: ${error.message}\n`);
        } else {
            io.err.write(`backtestr report: ${error instanceof Error ? error.message : String(error)}\n`);
        }
        return 1;
    } finally {
        db.close();
    }
}

