// *****************************************************************************
// `backtestr`: the headless command line.
//   backtestr run <strategy.ts> --workspace <dir> --symbol SYMBOL[@venue] [--kind trades|quotes|bars]
//       [--from T] [--to T] [--param name=value]... [--price last|bid|ask|mid] [--session "HH:MM ZONE"]
//       [--fill trade|quote|bar] [--limit-fill touch|through] [--slippage none|ticks:N|percent:P|random:N] [--commission SPEC]
//       [--latency micros] [--cash N] [--seed N] [--plugins dir] [--python interpreter] [--timeout seconds] [--memory-budget SIZE] [--no-save] [--json]
//   backtestr runs [--workspace <dir>] [--json]
//   backtestr bench [<strategy>] --workspace <dir> --symbol SYMBOL[@venue] [--kind K] [--from T] [--to T] [--repeat N] [--json]
//   backtestr report <runId|latest> --workspace <dir> --format pdf|json|csv... [--out <path>]
//   backtestr datasets|import|export|quality|seed ...   (data-import's commands)
// Every command answers --help and -h with its usage (exit 0).
// Exit codes: 0 ok, 1 the strategy or the run failed, 2 bad arguments (the message names the argument).
// *****************************************************************************

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatasetKind, RunModels, RunRecord, RunStore } from '@backtestr/workspace-store';
import {
    BacktestDataImpl, defaultWorkspaceRoot, findWorkspaceOwner, forwardToWorkspaceOwner, openWorkspaceDatabase, RunStoreImpl, workspaceDatabasePath
} from '@backtestr/workspace-store/lib/node';
import {
    CommandLine, CommandLineError, CommandValues, DATA_COMMANDS, IMPORT_USAGE, numberOption, parseCommandLine, runDataCommand, withoutOptions
} from '@backtestr/data-import/lib/node';
import { createPluginImportSources, enabledIndicatorsLoaderPath } from '@backtestr/plugins/lib/node';
import { ActiveRuns, BacktestOutcome, ENGINE_VERSION, runBacktest, StrategyRunError } from '@backtestr/engine/lib/node';
import { parseMemoryBudget } from '@backtestr/engine';
import { BENCH_OPTIONS, IMPORT_OPTIONS, RUN_OPTIONS, RUNS_OPTIONS } from './command-options';
import { ALONE_COMMANDS, ownerArguments, OWNER_COMMANDS } from './owner-arguments';
import { REPORT_USAGE, runReportCommand } from './report-command';
import { AUDIT_USAGE, auditCommand } from './audit-command';

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_ARGUMENTS = 2;

export interface CliStreams {
    readonly out: NodeJS.WritableStream;
    readonly err: NodeJS.WritableStream & { isTTY?: boolean };
    /** Stops a run when aborted (the client of the workspace owner went away). */
    readonly signal?: AbortSignal;
    /** The folder relative output paths are in (default: the current folder). */
    readonly cwd?: string;
    /** Where a stored run goes (inside the workspace's owner: the store the Runs view listens to); default a RunStoreImpl on the database. */
    readonly runStore?: RunStore;
    /**
     * Inside the workspace's owner: its runs in progress, through which `run` goes, so the workbench lists it with its
     * progress, can pause or cancel it and its charts follow it; default a plain runBacktest.
     */
    readonly activeRuns?: Pick<ActiveRuns, 'run'>;
}

/** How options are written, in every command's usage. */
const FLAGS_NOTE = 'Options: --flag value or --flag=value; -w is --workspace, -s --symbol, -f --format, -o --out, -h --help.';

const USAGE = `usage:
  backtestr run <strategy.ts> --workspace <dir> --symbol SYMBOL[@venue] [--kind trades|quotes|bars] [--from T] [--to T]
                [--param name=value]... [--price last|bid|ask|mid] [--session "HH:MM ZONE"]
                [--fill trade|quote|bar] [--limit-fill touch|through] [--slippage none|ticks:N|percent:P|random:N]
                [--commission perUnit:X,perOrder:Y,percent:Z,minimum:M] [--latency micros] [--cash N] [--seed N]
                [--plugins <plugin dir>] [--python <interpreter for .py strategies>] [--timeout seconds]
                [--memory-budget SIZE (the strategy's heap and buffers, e.g. 2G, 512M or MiB; default 2G)] [--no-save] [--json]
  backtestr audit <strategy.ts> --workspace <dir> --symbol SYMBOL[@venue] [--cuts K] [--seed N] [run's options] [--json]
                (the run checked for look-ahead; exit 0 pass, 1 fail: backtestr audit --help)
  backtestr runs [--workspace <dir>] [--json]
  backtestr bench [<strategy>] --workspace <dir> --symbol SYMBOL[@venue] [--kind …] [--from T] [--to T] [--repeat N] [--json]
                (throughput on your data: the DuckDB stream alone, then the strategy — default: built-in ones woken on
                1m bar closes and on every tick — run end to end without saving, N times each; figures, not a verdict)
  backtestr report <runId|latest> --workspace <dir> --format pdf|json|csv|csv-trades|csv-orders|csv-events|csv-equity [--out <path>]
  backtestr import <file|folder...> [--symbol S] [--preset id | --source id] [--plugins <plugin dir>] ...   (backtestr import --help)
  backtestr ${DATA_COMMANDS.join('|')} ...   (backtestr <command> --help: the usage of one command)
T: an ISO date or date-time (UTC unless it has a zone) or integer microseconds since 1970 UTC.
${FLAGS_NOTE}`;

/** The commands; each answers --help and -h with its usage. */
export const COMMANDS: readonly string[] = ['run', 'audit', 'runs', 'bench', 'report', ...DATA_COMMANDS];

const WORKSPACE_NOTE = '  The workspace is --workspace <dir>, else BACKTESTR_WORKSPACE, else the current folder.';

/** The data commands' usage (data-import's data-cli.ts runs them). */
const DATA_USAGE: Readonly<Record<string, string>> = {
    datasets: `usage: backtestr datasets [--workspace <dir>] [--json]
  Lists the workspace's datasets: instrument, kind, rows, time range, size on disk, quality score, quarantined rows.`,
    export: `usage: backtestr export <SYMBOL[@venue]> <trades|quotes|bars> <parquet|csv|btb> <target> [--workspace <dir>] [--json]
  Writes one dataset to the file <target>.`,
    quality: `usage: backtestr quality <SYMBOL[@venue]> <trades|quotes|bars> [--workspace <dir>] [--json]
  The dataset's quality per day: gaps, duplicates, out-of-order rows, crossed quotes, spikes, rows outside the session, quarantined rows.`,
    seed: `usage: backtestr seed [--workspace <dir>] [--data <dir>]
  Fills the workspace database with the sample data: the real files in --data (else BACKTESTR_DATA_DIR, else a shared/data folder
  found above this program or the current folder), or synthetic ticks where they are missing.`
};

/** The usage of one command (its lines of USAGE, or its own text); undefined for an unknown command. */
export function commandUsage(command: string): string | undefined {
    if (command === 'import') {
        return `${IMPORT_USAGE}\n${FLAGS_NOTE}`;
    }
    if (command === 'report') {
        return `${REPORT_USAGE}\n${FLAGS_NOTE}`;
    }
    if (command === 'audit') {
        return `${AUDIT_USAGE}\n${FLAGS_NOTE}`;
    }
    if (DATA_USAGE[command]) {
        return `${DATA_USAGE[command]}\n${WORKSPACE_NOTE}\n${FLAGS_NOTE}`;
    }
    const lines = USAGE.split('\n');
    const at = lines.findIndex(l => l.startsWith(`  backtestr ${command} `));
    if (at < 0) {
        return undefined;
    }
    let end = at + 1;
    while (end < lines.length && /^ {4,}\S/.test(lines[end])) {
        end++;
    }
    const block = lines.slice(at, end);
    return ['usage:', ...block, ...block.some(l => / T\]/.test(l)) ? lines.filter(l => l.startsWith('T: ')) : [], FLAGS_NOTE].join('\n');
}

const isHelp = (a: string): boolean => a === '--help' || a === '-h';

type RunValues = CommandValues<typeof RUN_OPTIONS>;

export interface RunArguments {
    file: string;
    workspace: string;
    symbol: string;
    venue?: string;
    kind?: DatasetKind;
    from?: number;
    to?: number;
    params: Record<string, string>;
    price?: 'last' | 'bid' | 'ask' | 'mid';
    session?: string;
    timeoutMs?: number;
    /** --memory-budget as MiB (default: 2 GiB). */
    memoryBudgetMiB?: number;
    json: boolean;
    save: boolean;
    models: Partial<RunModels>;
    seed?: number;
    /** Folder of installed plugins whose indicators `ctx.indicator` finds (default: BACKTESTR_PLUGIN_DIR, else ~/.backtestr/plugins). */
    pluginDir: string;
    /** The Python interpreter for `.py` strategies (default: BACKTESTR_PYTHON, else python3). */
    python?: string;
}

/** The execution models given on the command line (absent ones keep the defaults). */
export function parseModels(flags: RunValues): Partial<RunModels> {
    const models: { -readonly [K in keyof RunModels]?: RunModels[K] } = {};
    const fill = flags.fill;
    if (fill !== undefined) {
        if (fill !== 'trade' && fill !== 'quote' && fill !== 'bar') {
            throw new CommandLineError('--fill', `'${fill}' is not trade, quote or bar`);
        }
        models.fill = fill;
    }
    const limitFill = flags['limit-fill'];
    if (limitFill !== undefined) {
        if (limitFill !== 'touch' && limitFill !== 'through') {
            throw new CommandLineError('--limit-fill', `'${limitFill}' is not touch or through`);
        }
        models.limitFill = limitFill;
    }
    const slippage = flags.slippage;
    if (slippage !== undefined) {
        const [kind, value] = slippage.split(':');
        if (kind === 'none') {
            models.slippage = { kind: 'none' };
        } else if (kind === 'ticks' || kind === 'percent') {
            models.slippage = { kind, value: numberOption('slippage', value ?? '', `a number of ${kind} (>= 0) after ${kind}:`)! };
        } else if (kind === 'random') {
            models.slippage = { kind, maxTicks: numberOption('slippage', value ?? '', 'a whole number of ticks (>= 0) after random:', n => Number.isInteger(n) && n >= 0)! };
        } else {
            throw new CommandLineError('--slippage', `'${slippage}' is not none, ticks:N, percent:P or random:N`);
        }
    }
    const commission = flags.commission;
    if (commission !== undefined) {
        const spec: Record<string, number> = {};
        for (const part of commission.split(',')) {
            const [key, value] = part.split(':');
            if (!['perUnit', 'perOrder', 'percent', 'minimum'].includes(key)) {
                throw new CommandLineError('--commission', `'${part}': use perUnit:X, perOrder:Y, percent:Z and minimum:M, separated by commas`);
            }
            spec[key] = numberOption('commission', value ?? '', `a number (>= 0) after ${key}:`)!;
        }
        models.commission = spec;
    }
    const latency = numberOption('latency', flags.latency, 'a whole number of microseconds (>= 0)', n => Number.isInteger(n) && n >= 0);
    if (latency !== undefined) {
        models.latencyMicros = latency;
    }
    const cash = numberOption('cash', flags.cash, 'a positive amount of cash', n => n > 0);
    if (cash !== undefined) {
        models.initialCash = cash;
    }
    return models;
}

/** A time argument in UTC microseconds. */
export function parseTime(argument: string, text: string): number {
    if (/^-?\d+$/.test(text)) {
        return Number(text);
    }
    const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(text);
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : hasZone ? text : `${text}Z`);
    if (!Number.isFinite(ms)) {
        throw new CommandLineError(argument, `'${text}' is not a date, date-time or microseconds since 1970`);
    }
    return ms * 1000;
}

export function parseRunArguments(argv: readonly string[]): RunArguments {
    return runArguments(parseCommandLine('run', argv, RUN_OPTIONS));
}

/** The run a parsed command line of run (or bench) asks for. */
export function runArguments(line: CommandLine<typeof RUN_OPTIONS>): RunArguments {
    const positional = line.positionals;
    const flags = line.values;
    const params: Record<string, string> = {};
    for (const value of flags.param ?? []) {
        const m = /^([A-Za-z_$][\w$]*)=(.*)$/.exec(value);
        if (!m) {
            throw new CommandLineError('--param', `'${value}' is not name=value`);
        }
        params[m[1]] = m[2];
    }
    if (positional.length !== 1) {
        throw new CommandLineError('<strategy.ts>', positional.length ? `one strategy file, got ${positional.join(' ')}` : 'give the strategy file to run');
    }
    const file = path.resolve(positional[0]);
    if (!fs.existsSync(file)) {
        throw new CommandLineError('<strategy.ts>', `${file} does not exist`);
    }
    const symbolArg = flags.symbol;
    if (!symbolArg) {
        throw new CommandLineError('--symbol', 'give the instrument, e.g. --symbol SPY or --symbol EURUSD@oanda');
    }
    const [symbol, venue] = symbolArg.split('@');
    const kind = flags.kind;
    if (kind !== undefined && kind !== 'trades' && kind !== 'quotes' && kind !== 'bars') {
        throw new CommandLineError('--kind', `'${kind}' is not trades, quotes or bars`);
    }
    const price = flags.price;
    if (price !== undefined && !['last', 'bid', 'ask', 'mid'].includes(price)) {
        throw new CommandLineError('--price', `'${price}' is not last, bid, ask or mid`);
    }
    const from = flags.from !== undefined ? parseTime('--from', flags.from) : undefined;
    const to = flags.to !== undefined ? parseTime('--to', flags.to) : undefined;
    if (from !== undefined && to !== undefined && to <= from) {
        throw new CommandLineError('--to', 'must be after --from');
    }
    const timeoutSeconds = numberOption('timeout', flags.timeout, 'a positive number of seconds', n => n > 0);
    const budget = flags['memory-budget'];
    const memoryBudgetMiB = budget === undefined ? undefined : parseMemoryBudget(budget);
    if (budget !== undefined && (memoryBudgetMiB === undefined || memoryBudgetMiB < 16)) {
        throw new CommandLineError('--memory-budget', `'${budget}' is not a size of at least 16 MiB, e.g. 2G, 512M or 512 (MiB)`);
    }
    return {
        file, workspace: path.resolve(flags.workspace ?? defaultWorkspaceRoot()), symbol: symbol.toUpperCase(), venue,
        kind: kind as DatasetKind | undefined, from, to, params, price: price as RunArguments['price'], session: flags.session,
        timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000, memoryBudgetMiB, json: flags.json === true, save: flags['no-save'] !== true,
        models: parseModels(flags), seed: numberOption('seed', flags.seed, 'a whole number', n => Number.isInteger(n)),
        pluginDir: pluginDirectory(flags.plugins), python: flags.python
    };
}

const iso = (micros: number | undefined): string => micros === undefined ? '-' : new Date(micros / 1000).toISOString();

/** The --json document of a run: the run record (config, headline), its counts, the recorded series, the logs and the trades. */
export function runSummary(outcome: BacktestOutcome): Record<string, unknown> {
    const { run, result: r, output } = outcome;
    const t = output.trades;
    return {
        run: { id: run.id, status: run.status, stored: run.finishedAt !== undefined, engineVersion: run.engineVersion, config: run.config, headline: run.headline },
        strategy: r.strategy,
        // The strategy's grant beyond its sandbox (defineStrategy's permissions), also in run.config when stored.
        permissions: { files: r.strategy.permissions?.files ?? [] },
        ticks: r.ticks, batches: r.batches, barCloses: r.barCloses, barClosesByTimeframe: r.barClosesByTimeframe, tickWakeups: r.tickWakeups,
        firstTime: r.firstTime, lastTime: r.lastTime, elapsedMs: Math.round(r.elapsedMs * 10) / 10, workerMs: Math.round(r.workerMs * 10) / 10,
        ticksPerSecond: Math.round(r.ticksPerSecond),
        orders: output.orders.id.length, events: output.events.time.length,
        trades: Array.from(t.pnl, (pnl, i) => ({
            side: t.side[i] > 0 ? 'long' : 'short', qty: t.qty[i], entryTime: t.entryTime[i], entryPrice: t.entryPrice[i], exitTime: t.exitTime[i],
            exitPrice: t.exitPrice[i], pnl, commission: t.commission[i]
        })),
        metrics: output.metrics,
        series: Object.fromEntries(Object.entries(r.series).map(([name, s]) => [name, { count: s.value.length, last: s.value[s.value.length - 1] }])),
        logs: r.logs.message.map((message, i) => ({ time: r.logs.time[i], message }))
    };
}

const money = (x: number | undefined): string => x === undefined ? '-' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const fixed = (x: number | undefined, digits = 2): string => x === undefined ? '-' : x.toFixed(digits);

function summaryText(outcome: BacktestOutcome): string {
    const { run, result: r } = outcome;
    const h = run.headline;
    const params = Object.entries(r.strategy.params).map(([k, v]) => `${k}=${v}`).join(' ') || '-';
    const series = Object.entries(r.series).map(([k, s]) => `${k} (${s.value.length}, last ${s.value[s.value.length - 1]})`).join(', ') || '-';
    const m = run.config.models;
    return [
        `run         ${run.id}${run.finishedAt !== undefined ? ' (stored in the workspace)' : ' (not stored)'}`,
        `strategy    ${r.strategy.id} (${path.relative(process.cwd(), r.strategy.file) || r.strategy.file})`,
        `params      ${params}`,
        `permissions ${r.strategy.permissions?.files.length ? `reads files ${r.strategy.permissions.files.join(', ')}` : 'none'}`,
        `data        ${run.config.symbol} ${run.config.kind} ${iso(r.firstTime)} .. ${iso(r.lastTime)}`,
        `models      fill ${m.fill}, limits ${m.limitFill}, slippage ${m.slippage.kind}, latency ${m.latencyMicros} us, cash ${money(m.initialCash)}`,
        `ticks       ${r.ticks.toLocaleString('en-US')} in ${(r.elapsedMs / 1000).toFixed(2)} s (${(r.ticksPerSecond / 1e6).toFixed(2)}M ticks/s)`,
        `bar closes  ${Object.entries(r.barClosesByTimeframe).map(([tf, n]) => `${tf} ${n}`).join(', ') || '-'}${r.tickWakeups ? `; tick wake-ups ${r.tickWakeups}` : ''}`,
        `orders      ${outcome.output.orders.id.length} sent, ${outcome.output.events.time.length} events`,
        `trades      ${h?.trades ?? 0}; win rate ${fixed(h?.winRatePercent, 1)} %; profit factor ${fixed(h?.profitFactor)}`,
        `net profit  ${money(h?.netProfit)} (${fixed(h?.totalReturnPercent, 3)} %); max drawdown ${fixed(h?.maxDrawdownPercent, 3)} %; Sharpe ${fixed(h?.sharpe)}`,
        `recorded    ${series}`,
        `logs        ${r.logs.message.length} lines`,
        ...r.logs.message.slice(-5).map((msg, i, last) => `  ${iso(r.logs.time[r.logs.message.length - last.length + i])} ${msg}`)
    ].join('\n');
}

export async function runCommand(argv: readonly string[], io: CliStreams): Promise<number> {
    const args = parseRunArguments(argv);
    const dbPath = workspaceDatabasePath(args.workspace);
    if (!fs.existsSync(dbPath)) {
        throw new CommandLineError('--workspace', `${args.workspace} has no BackTestr database (.backtestr/workspace.duckdb); import data first (backtestr import ...)`);
    }
    // A stored run needs write access; --no-save reads only. Inside the workspace's owner: a connection on its database.
    const db = args.save ? await openWorkspaceDatabase(args.workspace) : (await openWorkspaceDatabase(args.workspace, { readOnly: true }))!;
    try {
        const data = new BacktestDataImpl(db);
        try {
            await data.resolve(args.venue ? `${args.symbol}@${args.venue}` : args.symbol, args.kind);
        } catch (error) {
            throw new CommandLineError(args.kind ? '--kind' : '--symbol', (error as Error).message);
        }
        const tty = !args.json && io.err.isTTY === true;
        let outcome: BacktestOutcome;
        try {
            const backtest = io.activeRuns ? io.activeRuns.run.bind(io.activeRuns) : runBacktest;
            outcome = await backtest({
                file: args.file, symbol: args.venue ? `${args.symbol}@${args.venue}` : args.symbol, kind: args.kind, from: args.from, to: args.to,
                params: args.params, priceSource: args.price, session: args.session, models: args.models, seed: args.seed, timeoutMs: args.timeoutMs,
                memoryBudgetMiB: args.memoryBudgetMiB, signal: io.signal,
                plugins: { loader: enabledIndicatorsLoaderPath(), dir: args.pluginDir }, python: args.python,
                onProgress: tty ? (_run: RunRecord, p) => io.err.write(`\r${p.ticks.toLocaleString('en-US')} ticks, ${iso(p.time)}   `) : undefined
            }, { data, runs: args.save ? io.runStore ?? new RunStoreImpl(db) : undefined, engineVersion: ENGINE_VERSION });
        } catch (error) {
            if (tty) {
                io.err.write('\n');
            }
            if (error instanceof StrategyRunError && error.kind === 'params') {
                throw new CommandLineError('--param', error.message);
            }
            throw error;
        }
        if (tty) {
            io.err.write('\n');
        }
        io.out.write((args.json ? JSON.stringify(runSummary(outcome), undefined, 2) : summaryText(outcome)) + '\n');
        return EXIT_OK;
    } finally {
        db.close();
    }
}

/** The strategies `backtestr bench` runs when it is given none: the two wake-up patterns of the performance goals. */
const BENCH_STRATEGIES: readonly { readonly name: string; readonly file: string; readonly source: string }[] = [
    {
        name: 'woken on 1m bar closes', file: 'bench-bar-close.ts', source: `import { defineStrategy } from '@backtestr/plugins-sdk';
let closes = 0;
export default defineStrategy({
    id: 'bench.bar-close', params: {}, subscribe: { barClose: ['1m'] },
    onStart() { closes = 0; },
    onBarClose(ctx) { const h1 = ctx.mtf('1H').partial; if (h1 && h1.close > h1.open) { closes++; } },
    onStop(ctx) { ctx.record('closes', closes); }
});
`
    },
    {
        name: 'woken on every tick', file: 'bench-every-tick.ts', source: `import { defineStrategy } from '@backtestr/plugins-sdk';
let up = 0;
export default defineStrategy({
    id: 'bench.every-tick', params: {}, subscribe: { tick: true },
    onStart() { up = 0; },
    onTick(ctx) { const h1 = ctx.mtf('1H').partial; if (h1 && h1.close > h1.open) { up++; } },
    onStop(ctx) { ctx.record('up', up); }
});
`
    }
];

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mticks = (x: number): string => `${(x / 1e6).toFixed(1)}M`;

/**
 * `backtestr bench`: throughput on the user's own data, read-only (it may run beside a workbench): the
 * DuckDB column stream alone, then each strategy end to end (worker, native engine, statistics; nothing
 * stored), `--repeat` times (default 3). Prints min / median / max ticks per second and the peak RSS.
 */
export async function benchCommand(argv: readonly string[], io: CliStreams): Promise<number> {
    const line = parseCommandLine('bench', argv, BENCH_OPTIONS);
    const repeat = numberOption('repeat', line.values.repeat, 'a whole number of runs from 1 to 100', n => Number.isInteger(n) && n >= 1 && n <= 100)!;
    if (line.positionals.length > 1) {
        throw new CommandLineError('<strategy>', `one strategy file, got ${line.positionals.join(' ')}`);
    }
    const given = line.positionals[0];
    const tmp = given ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-bench-'));
    const cases = given ? [{ name: path.basename(given), file: path.resolve(given) }]
        : BENCH_STRATEGIES.map(b => {
            const file = path.join(tmp!, b.file);
            fs.writeFileSync(file, b.source);
            return { name: b.name, file };
        });
    try {
        const args = runArguments({ ...line, positionals: [cases[0].file], values: { ...line.values, 'no-save': true } });
        const db = await openWorkspaceDatabase(args.workspace, { readOnly: true });
        if (!db) {
            throw new CommandLineError('--workspace', `${args.workspace} has no BackTestr database (.backtestr/workspace.duckdb); import data first (backtestr import ...)`);
        }
        try {
            const data = new BacktestDataImpl(db);
            const symbol = args.venue ? `${args.symbol}@${args.venue}` : args.symbol;
            let target;
            try {
                target = await data.resolve(symbol, args.kind);
            } catch (error) {
                throw new CommandLineError(args.kind ? '--kind' : '--symbol', (error as Error).message);
            }
            const report: { dataset: string; repeat: number; stream?: number[]; cases: { name: string; ticks: number; ticksPerSecond: number[] }[]; peakRssBytes?: number } =
                { dataset: `${symbol} ${target.dataset.kind}`, repeat, cases: [] };
            if (target.dataset.kind !== 'bars') {
                report.stream = [];
                for (let r = 0; r < repeat; r++) {
                    const t0 = performance.now();
                    let n = 0;
                    for await (const batch of data.streamTicks(target, { from: args.from, to: args.to })) {
                        n += batch.time.length;
                    }
                    report.stream.push(n / ((performance.now() - t0) / 1000));
                }
            }
            for (const c of cases) {
                const entry = { name: c.name, ticks: 0, ticksPerSecond: [] as number[] };
                for (let r = 0; r < repeat; r++) {
                    const t0 = performance.now();
                    const outcome = await runBacktest({
                        file: c.file, symbol, kind: args.kind, from: args.from, to: args.to, params: given ? args.params : undefined, priceSource: args.price,
                        session: args.session, models: args.models, seed: args.seed, timeoutMs: args.timeoutMs, python: args.python,
                        plugins: { loader: enabledIndicatorsLoaderPath(), dir: args.pluginDir }
                    }, { data, engineVersion: ENGINE_VERSION });
                    entry.ticks = outcome.result.ticks;
                    entry.ticksPerSecond.push(outcome.result.ticks / ((performance.now() - t0) / 1000));
                }
                report.cases.push(entry);
            }
            report.peakRssBytes = process.resourceUsage().maxRSS * 1024;
            if (args.json) {
                io.out.write(JSON.stringify(report, undefined, 2) + '\n');
            } else {
                const line = (xs: number[]): string => `${mticks(Math.min(...xs))} / ${mticks(median(xs))} / ${mticks(Math.max(...xs))} ticks/s (min / median / max of ${xs.length})`;
                const lines = [`${report.dataset}, ${repeat} run(s) each, read-only, nothing stored`];
                if (report.stream) {
                    lines.push(`DuckDB column stream alone: ${line(report.stream)}`);
                }
                for (const c of report.cases) {
                    lines.push(`end to end, ${c.name} (${c.ticks.toLocaleString('en-US')} ticks): ${line(c.ticksPerSecond)}`);
                }
                lines.push(`peak RSS ${(report.peakRssBytes / 1048576).toFixed(0)} MB`);
                io.out.write(lines.join('\n') + '\n');
            }
            return EXIT_OK;
        } finally {
            db.close();
        }
    } finally {
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    }
}

/** `backtestr runs`: the stored runs, newest first. */
export async function runsCommand(argv: readonly string[], io: CliStreams): Promise<number> {
    const { values, positionals } = parseCommandLine('runs', argv, RUNS_OPTIONS);
    if (positionals.length > 0) {
        throw new CommandLineError(positionals[0], 'runs takes no file or name, only --workspace <dir> and --json');
    }
    const workspace = path.resolve(values.workspace ?? defaultWorkspaceRoot());
    const json = values.json === true;
    const db = await openWorkspaceDatabase(workspace, { readOnly: true });
    if (!db) {
        throw new CommandLineError('--workspace', `${workspace} has no BackTestr database (.backtestr/workspace.duckdb)`);
    }
    try {
        const runs = await new RunStoreImpl(db).listRuns();
        if (json) {
            io.out.write(JSON.stringify(runs, undefined, 2) + '\n');
        } else {
            for (const r of runs) {
                io.out.write(`${r.id}  ${r.status.padEnd(11)} ${r.strategyId.padEnd(36)} ${r.config.symbol.padEnd(14)} trades ${String(r.headline?.trades ?? '-').padStart(5)}  net ${money(r.headline?.netProfit)}\n`);
            }
            io.out.write(`${runs.length} runs\n`);
        }
        return EXIT_OK;
    } finally {
        db.close();
    }
}

/** The plugin directory: --plugins, else BACKTESTR_PLUGIN_DIR, else ~/.backtestr/plugins. */
function pluginDirectory(given: string | undefined): string {
    return path.resolve(given ?? process.env.BACKTESTR_PLUGIN_DIR ?? path.join(os.homedir(), '.backtestr', 'plugins'));
}

/**
 * `backtestr import`: the data layer's import, with the data sources of the plugins enabled in the plugin
 * directory as import sources (started on the first import: only the plugins that contribute data sources).
 */
export async function importCommand(argv: readonly string[], io: CliStreams): Promise<number> {
    const [command, ...rest] = argv;
    let line: CommandLine<typeof IMPORT_OPTIONS>;
    let passed: string[] | undefined;
    try {
        line = parseCommandLine(command, rest, IMPORT_OPTIONS);
    } catch (error) {
        // A bare --source is data-import's to answer (it names the enabled sources); it needs --plugins read first.
        if (!(error instanceof CommandLineError && error.argument === '--source' && error.problem === 'missing-value')) {
            throw error;
        }
        const withoutSource = rest.filter(a => a !== '--source');
        line = parseCommandLine(command, withoutSource, IMPORT_OPTIONS);
        passed = [...withoutOptions(withoutSource, line, ['plugins']), '--source'];
    }
    const plugins = createPluginImportSources(pluginDirectory(line.values.plugins), problem => io.err.write(`backtestr: ${problem}\n`));
    try {
        return await runDataCommand([command, ...passed ?? withoutOptions(rest, line, ['plugins'])], io.out, { importSources: [plugins], err: io.err, signal: io.signal });
    } finally {
        plugins.dispose();
    }
}

/**
 * Runs one command line; returns the exit code (errors are reported on `err`). When another process owns the
 * workspace (the workbench has it open: `.backtestr/owner.json`), the command line goes there and runs on its
 * open database (see OWNER_COMMANDS); else, or when that owner is gone, here.
 */
export async function main(argv: readonly string[], io: CliStreams = { out: process.stdout, err: process.stderr }): Promise<number> {
    const [command, ...rest] = argv;
    try {
        if (ALONE_COMMANDS.includes(command) && !rest.some(isHelp)) {
            const workspace = ownerArguments(argv, io.cwd ?? process.cwd()).workspace;
            const owner = findWorkspaceOwner(workspace);
            if (owner) {
                io.err.write(`backtestr: ${command}: the workbench (pid ${owner.pid}) has ${workspace} open and holds its database; `
                    + `${command} runs only alone (${command === 'bench' ? 'it measures this process' : 'it builds the database from scratch'}): close that workspace in the workbench first\n`);
                return EXIT_RUN_FAILED;
            }
        }
        if (OWNER_COMMANDS.includes(command) && !rest.some(isHelp)) {
            const cwd = io.cwd ?? process.cwd();
            const forwarded = ownerArguments(argv, cwd);
            const owner = findWorkspaceOwner(forwarded.workspace);
            const code = owner && await forwardToWorkspaceOwner(owner, { argv: forwarded.argv, cwd, isTTY: io.err.isTTY === true }, io);
            if (code !== undefined) {
                return code;
            }
        }
        return await runHere(argv, io);
    } catch (error) {
        return reportError(error, io);
    }
}

/** Runs one command line in this process (inside the workspace's owner: on its database); returns the exit code. */
export async function runHere(argv: readonly string[], io: CliStreams): Promise<number> {
    const [command, ...rest] = argv;
    try {
        // `backtestr <command> ... --help` and `backtestr help <command>`: that command's usage, before anything is parsed or opened.
        const helpFor = COMMANDS.includes(command) && rest.some(isHelp) ? command : command === 'help' && COMMANDS.includes(rest[0]) ? rest[0] : undefined;
        if (helpFor !== undefined) {
            io.out.write(commandUsage(helpFor) + '\n');
            return EXIT_OK;
        }
        if (command === 'run') {
            return await runCommand(rest, io);
        }
        if (command === 'audit') {
            return await auditCommand(rest, io);
        }
        if (command === 'runs') {
            return await runsCommand(rest, io);
        }
        if (command === 'bench') {
            return await benchCommand(rest, io);
        }
        if (command === 'report') {
            return await runReportCommand(rest, io);
        }
        if (command === 'import') {
            return await importCommand(argv, io);
        }
        if ((DATA_COMMANDS as readonly string[]).includes(command)) {
            return await runDataCommand(argv, io.out, { signal: io.signal });
        }
        if (command === undefined || command === 'help' || isHelp(command)) {
            io.out.write(USAGE + '\n');
            return command === undefined ? EXIT_BAD_ARGUMENTS : EXIT_OK;
        }
        throw new CommandLineError('<command>', `unknown command '${command}'`);
    } catch (error) {
        return reportError(error, io);
    }
}

function reportError(error: unknown, io: CliStreams): number {
    if (error instanceof CommandLineError) {
        io.err.write(`backtestr: ${error.message}\n${USAGE}\n`);
        return EXIT_BAD_ARGUMENTS;
    }
    if (error instanceof StrategyRunError) {
        io.err.write(`backtestr: ${error.message}\n${error.strategyStack && error.kind === 'strategy' ? error.strategyStack + '\n' : ''}`);
        return EXIT_RUN_FAILED;
    }
    io.err.write(`backtestr: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_RUN_FAILED;
}
