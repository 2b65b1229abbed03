// *****************************************************************************
// The data commands of the `backtestr` CLI: import, datasets, export, quality, seed.
//   node lib/node/data-cli.js import <file|folder...> [--preset id | --source id] [--symbol S --venue V --tick-size 0.01] [--json]
//   node lib/node/data-cli.js datasets [--json]
//   node lib/node/data-cli.js export <SYMBOL[@venue]> <trades|quotes|bars> <parquet|csv|btb> <target> [--json]
//   node lib/node/data-cli.js quality <SYMBOL[@venue]> <trades|quotes|bars> [--json]
//   node lib/node/data-cli.js seed [--data <dir>]
// The workspace is --workspace <dir>, else BACKTESTR_WORKSPACE, else the current directory.
// The shared `backtestr` CLI calls runDataCommand(argv) for these verbs.
// *****************************************************************************

import { DatasetKind, describeImportSource, ExportFormat, ImportSourceContribution } from '../common/dataset-protocol';
import { CommandLine, CommandLineError, CommandOptions, CommandValues, numberOption, parseCommandLine } from './command-line';
import { DataImporter } from './data-importer';
import { csvOptionsFromFlags, overlapFlag } from './import-command-options';
import { ImportSourceRegistry } from './import-source-registry';
import { DataQuality } from './data-quality';
import { DatasetExporter } from './dataset-exporter';
import { InstrumentCatalog } from './instrument-catalog';
import { defaultDataDir, seedSampleWorkspace } from './sample-workspace';
import { isoFromMicros } from './time-zone';
import { defaultWorkspaceRoot, openWorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';

export const DATA_COMMANDS = ['import', 'datasets', 'export', 'quality', 'seed'] as const;

export const IMPORT_USAGE = `usage: backtestr import <file|folder|zip...> [--workspace <dir>] [--symbol S [--venue V] [--tick-size 0.01]]
                        [--preset <csv preset id> | --source <import source id>] [--duplicates keep|quarantine] [--crossed quarantine|keep] [--plugins <plugin dir>] [--json]
                        [--kind trades|quotes|bars] [--delimiter , | tab] [--header | --no-header] [--columns time=0,bid=1,ask=2]
                        [--time-format <format>] [--time-zone <zone>] [--price-scale N] [--timeframe 1m] [--overlap skip|quarantine]
                        [--lot-size 1] [--asset-class equity|forex|future|cfd|crypto] [--currency USD]
  Imports market data into the workspace database (<dir>/.backtestr/workspace.duckdb) in one transaction: a failed import
  changes nothing. Rows that fail validation (unreadable values, zero or negative prices, crossed quotes, out of time order,
  duplicates) go to the quarantine with their file, line and reason; the rest is imported and scored for quality.
  --crossed quarantine|keep  quotes with bid above ask: quarantined, or kept as sent, flagged and counted in the quality
                 report (default: the CSV preset's, keep for the Lean OANDA forex and equity quote presets; else quarantine).
  Formats: CSV (presets detected from the file, or --preset), FIX, BackTestr binary (.btb), and the data sources of the
  enabled plugins in the plugin directory (--plugins, else BACKTESTR_PLUGIN_DIR, else ~/.backtestr/plugins).
  CSV options (what the import wizard sets; on top of --preset's when one is given, else --kind, --columns and
  --time-format are needed): --delimiter one character (tab: --delimiter tab); --header / --no-header; --columns
  name=index pairs, names time date price size bid ask bid-size ask-size open high low close volume exchange
  suspicious flags; --time-format epoch-s|epoch-ms|epoch-us|epoch-ns|iso8601|yyyymmdd-hhmmss|date+time|
  ms-since-midnight (the date from the file name); --time-zone America/New_York, UTC or UTC-05:00; --price-scale
  implied decimals of integer prices (4: price x 10000); --timeframe of bars (1m 5m 15m 1H 4H 1D).
  --overlap skip|quarantine  rows whose times the dataset already stores (another file of the same days): left out
                 and counted per file (default), or recorded in the quarantine.
  --source <id>  read the files with that plugin data source (e.g. examples.jsonl-ticks). Without it, a file whose
                 extension exactly one enabled plugin data source reads (e.g. .jsonl) goes through that source.
  A plugin data source that throws, hangs or returns malformed columns fails the import (nothing is written) and
  the plugin is marked failed with that error.`;

export interface DataCommandOptions {
    /** Import sources contributed from outside the data layer (the CLI passes the enabled plugins' data sources). */
    readonly importSources?: readonly ImportSourceContribution[];
    /** Where the import's progress line goes, drawn when it is a terminal (default: process.stderr). */
    readonly err?: NodeJS.WritableStream & { isTTY?: boolean };
    /** Cancels an import when aborted (Ctrl-C of a CLI whose import runs in the workspace's owner): nothing is written. */
    readonly signal?: AbortSignal;
}

/** The options of each data command, declared once: what parseCommandLine accepts and the owner's rewrite of a command line knows. */
export const DATA_COMMAND_OPTIONS = {
    import: {
        workspace: { type: 'string', short: 'w' }, symbol: { type: 'string', short: 's' }, venue: { type: 'string' }, 'tick-size': { type: 'string' },
        preset: { type: 'string' }, source: { type: 'string' }, duplicates: { type: 'string' }, crossed: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        // What the import wizard sets (import-command-options.ts reads them).
        kind: { type: 'string' }, delimiter: { type: 'string' }, header: { type: 'boolean' }, 'no-header': { type: 'boolean' }, columns: { type: 'string' },
        'time-format': { type: 'string' }, 'time-zone': { type: 'string' }, 'price-scale': { type: 'string' }, timeframe: { type: 'string' },
        'lot-size': { type: 'string' }, 'asset-class': { type: 'string' }, currency: { type: 'string' }, overlap: { type: 'string' }
    },
    datasets: { workspace: { type: 'string', short: 'w' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    export: { workspace: { type: 'string', short: 'w' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    quality: { workspace: { type: 'string', short: 'w' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    seed: { workspace: { type: 'string', short: 'w' }, data: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }
} as const satisfies Record<typeof DATA_COMMANDS[number], CommandOptions>;

type DataCommand = keyof typeof DATA_COMMAND_OPTIONS;
const isDataCommand = (command: string | undefined): command is DataCommand => (DATA_COMMANDS as readonly (string | undefined)[]).includes(command);

/** Runs one data command; returns the process exit code. */
export async function runDataCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, options: DataCommandOptions = {}): Promise<number> {
    const [command, ...rest] = argv;
    if (command === 'import' && (rest.includes('--help') || rest.includes('-h'))) {
        out.write(IMPORT_USAGE + '\n');
        return 0;
    }
    if (!isDataCommand(command)) {
        out.write(`Unknown data command '${command ?? ''}'; one of ${DATA_COMMANDS.join(', ')}\n`);
        return 2;
    }
    let line: CommandLine<CommandOptions>;
    try {
        line = parseCommandLine(command, rest, DATA_COMMAND_OPTIONS[command]);
    } catch (error) {
        if (command === 'import' && error instanceof CommandLineError && error.argument === '--source' && error.problem === 'missing-value') {
            // A bare --source: say which sources there are to choose from (they are known only with the workspace's sources registered).
            const available = await new ImportSourceRegistry(options.importSources ?? []).list();
            throw new Error(`import: --source needs an import source id; the enabled ones are `
                + (available.map(s => `${s.id} (${describeImportSource(s)}, ${s.fileExtensions.join(' ')})`).join(', ') || 'none (install a data-source plugin)'));
        }
        throw error;
    }
    const positional = line.positionals;
    const flags = line.values as CommandValues<typeof DATA_COMMAND_OPTIONS.import & typeof DATA_COMMAND_OPTIONS.seed>;
    const json = flags.json === true;
    const print = (value: unknown, text: () => string): void => {
        out.write((json ? JSON.stringify(value, undefined, 2) : text()) + '\n');
    };
    const root = flags.workspace ?? defaultWorkspaceRoot();
    const dbPath = workspaceDatabasePath(root);
    if (command === 'seed') {
        const result = await seedSampleWorkspace(dbPath, flags.data ?? defaultDataDir());
        print(result, () => [`seeded ${dbPath} from ${result.source} data`, ...result.log].join('\n'));
        return 0;
    }
    // Inside the workspace's owner (the workbench), a connection on its open database; else the file.
    const db = await openWorkspaceDatabase(root);
    const err = options.err ?? process.stderr;
    try {
        const importer = new DataImporter(db, InstrumentCatalog.fromDataDir(defaultDataDir()), new ImportSourceRegistry(options.importSources ?? []));
        const findKey = async (ref: string | undefined, kind: string | undefined): Promise<{ instrumentId: number; kind: DatasetKind }> => {
            const [symbol, venue] = (ref ?? '').split('@');
            const instrument = symbol ? await importer.repo.findInstrument(symbol.toUpperCase(), venue) : undefined;
            if (!instrument || !['trades', 'quotes', 'bars'].includes(kind ?? '')) {
                throw new Error(`Give SYMBOL[@venue] and trades|quotes|bars (got ${ref ?? '-'} ${kind ?? '-'})`);
            }
            return { instrumentId: instrument.id, kind: kind as DatasetKind };
        };
        switch (command) {
            case 'import': {
                if (positional.length === 0) {
                    throw new Error(`import: give files or folders\n${IMPORT_USAGE}`);
                }
                const instrument = flags.symbol !== undefined ? {
                    symbol: flags.symbol, venue: flags.venue,
                    tickSize: numberOption('tick-size', flags['tick-size'], 'a positive tick size, e.g. 0.01', n => n > 0),
                    lotSize: numberOption('lot-size', flags['lot-size'], 'a positive lot size, e.g. 1', n => n > 0),
                    assetClass: flags['asset-class'], currency: flags.currency
                } : undefined;
                const csv = csvOptionsFromFlags(flags);
                if (flags.duplicates !== undefined && flags.duplicates !== 'keep' && flags.duplicates !== 'quarantine') {
                    throw new CommandLineError('--duplicates', `'${flags.duplicates}' is not keep or quarantine`);
                }
                if (flags.crossed !== undefined && flags.crossed !== 'keep' && flags.crossed !== 'quarantine') {
                    throw new CommandLineError('--crossed', `'${flags.crossed}' is not quarantine or keep`);
                }
                let progressShown = false;
                const result = await importer.import({
                    paths: positional, presetId: flags.preset, instrument, csv,
                    duplicates: flags.duplicates === 'quarantine' ? 'quarantine' : undefined, overlap: overlapFlag(flags.overlap),
                    crossedQuotes: flags.crossed,
                    sourceId: flags.source
                }, {
                    signal: options.signal,
                    onProgress: p => {
                        if (!json && err.isTTY === true) {
                            progressShown = true;
                            err.write(`\r${p.percent.toFixed(0)}% ${p.rows} rows ${(p.rowsPerSecond / 1e6).toFixed(2)}M rows/s `);
                        }
                    }
                }).finally(() => {
                    // The progress line ends before the result, or before the error the caller prints.
                    if (progressShown) {
                        err.write('\n');
                    }
                });
                print(result, () => [`import #${result.importId} (${result.sourceId ? `source ${result.sourceId}` : result.format}${result.presetId ? ', ' + result.presetId : ''}): ` +
                    `${result.rows} rows, ${result.quarantined} quarantined, ${result.instrumentsDefined} instruments defined, ` +
                    `${(result.rowsPerSecond / 1e6).toFixed(2)}M rows/s`, ...result.warnings].join('\n'));
                return 0;
            }
            case 'datasets': {
                const datasets = await importer.repo.listDatasets();
                print(datasets, () => datasets.map(d => `${d.symbol}@${d.venue} ${d.kind}${d.timeframe ? ' ' + d.timeframe : ''}: ${d.tickCount} rows ` +
                    `${isoFromMicros(d.firstTime)} .. ${isoFromMicros(d.lastTime)}, ${(d.sizeOnDisk / 1048576).toFixed(1)} MB, ` +
                    `quality ${d.qualityScore ?? '-'}, ${d.quarantinedRows} quarantined`).join('\n') || 'no datasets');
                return 0;
            }
            case 'export': {
                const key = await findKey(positional[0], positional[1]);
                const format = positional[2] as ExportFormat;
                if (!['parquet', 'csv', 'btb'].includes(format) || !positional[3]) {
                    throw new Error('export: give parquet|csv|btb and a target path');
                }
                const result = await new DatasetExporter(db).export(key, format, positional[3]);
                print(result, () => `${result.rows} rows -> ${result.path} (${result.bytes} bytes)`);
                return 0;
            }
            case 'quality': {
                const key = await findKey(positional[0], positional[1]);
                const report = await new DataQuality(db).report(key) ?? await new DataQuality(db).compute(key);
                print(report, () => [`${report.symbol} ${report.kind}: score ${report.score}`, ...report.days.map(d =>
                    `${d.day} ${d.tickCount} rows, gaps ${d.gaps}, dup ${d.duplicates}, ooo ${d.outOfOrder}, crossed ${d.crossedQuotes}, ` +
                    `spikes ${d.spikes}, outside ${d.outsideSession}, quarantined ${d.quarantined}, score ${d.score}`)].join('\n'));
                return 0;
            }
        }
    } finally {
        db.close();
    }
}

if (require.main === module) {
    runDataCommand(process.argv.slice(2)).then(code => process.exitCode = code, (error: Error) => {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
    });
}
