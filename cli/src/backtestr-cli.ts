// *****************************************************************************
// `backtestr`: the headless command line.
//   backtestr run <strategy.ts> --workspace <dir> --symbol SYMBOL[@venue] [--kind trades|quotes]
//       [--from T] [--to T] [--param name=value]... [--price last|bid|ask|mid] [--session "HH:MM ZONE"]
//       [--timeout seconds] [--json]
//   backtestr datasets|import|export|quality|seed ...   (data-import's commands)
// Exit codes: 0 ok, 1 the strategy or the run failed, 2 bad arguments (the message names the argument).
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { DatasetKind } from '@backtestr/data-import';
import { DATA_COMMANDS, runDataCommand } from '@backtestr/data-import/lib/node/data-cli';
import { TickRepository } from '@backtestr/data-import/lib/node/tick-repository';
import { defaultWorkspaceRoot } from '@backtestr/data-import/lib/node/workspace-database';
import { StrategyRunError, StrategyRunResult } from '@backtestr/engine/lib/node/strategy-host/strategy-run-protocol';
import { runStrategy } from '@backtestr/engine/lib/node/strategy-host/strategy-runner';
import { duckdbTickSource } from './duckdb-tick-source';
import { ReadOnlyWorkspaceDatabase } from './read-only-workspace';

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_ARGUMENTS = 2;

/** A wrong command line; `argument` names the culprit. */
export class UsageError extends Error {
    constructor(readonly argument: string, message: string) {
        super(`${argument}: ${message}`);
    }
}

export interface CliStreams {
    readonly out: NodeJS.WritableStream;
    readonly err: NodeJS.WritableStream & { isTTY?: boolean };
}

const USAGE = `usage:
  backtestr run <strategy.ts> --workspace <dir> --symbol SYMBOL[@venue] [--kind trades|quotes] [--from T] [--to T]
                [--param name=value]... [--price last|bid|ask|mid] [--session "HH:MM ZONE"] [--timeout seconds] [--json]
  backtestr ${DATA_COMMANDS.join('|')} ...   (see backtestr-data)
T: an ISO date or date-time (UTC unless it has a zone) or integer microseconds since 1970 UTC.`;

const RUN_FLAGS = new Set(['workspace', 'symbol', 'kind', 'from', 'to', 'param', 'price', 'session', 'timeout', 'json']);

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
    json: boolean;
}

/** A time argument in UTC microseconds. */
export function parseTime(argument: string, text: string): number {
    if (/^-?\d+$/.test(text)) {
        return Number(text);
    }
    const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(text);
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : hasZone ? text : `${text}Z`);
    if (!Number.isFinite(ms)) {
        throw new UsageError(argument, `'${text}' is not a date, date-time or microseconds since 1970`);
    }
    return ms * 1000;
}

export function parseRunArguments(argv: readonly string[]): RunArguments {
    const positional: string[] = [];
    const params: Record<string, string> = {};
    const flags = new Map<string, string>();
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (!a.startsWith('--')) {
            positional.push(a);
            continue;
        }
        const eq = a.indexOf('=');
        const name = eq > 0 && a.slice(2, eq) !== 'param' ? a.slice(2, eq) : a.slice(2);
        if (!RUN_FLAGS.has(name)) {
            throw new UsageError(a, `unknown option; run takes --${[...RUN_FLAGS].join(', --')}`);
        }
        if (name === 'json') {
            json = true;
            continue;
        }
        const value = eq > 0 && name !== 'param' ? a.slice(eq + 1) : argv[++i];
        if (value === undefined || value.startsWith('--')) {
            throw new UsageError(`--${name}`, 'needs a value');
        }
        if (name === 'param') {
            const m = /^([A-Za-z_$][\w$]*)=(.*)$/.exec(value);
            if (!m) {
                throw new UsageError('--param', `'${value}' is not name=value`);
            }
            params[m[1]] = m[2];
        } else {
            flags.set(name, value);
        }
    }
    if (positional.length !== 1) {
        throw new UsageError('<strategy.ts>', positional.length ? `one strategy file, got ${positional.join(' ')}` : 'give the strategy file to run');
    }
    const file = path.resolve(positional[0]);
    if (!fs.existsSync(file)) {
        throw new UsageError('<strategy.ts>', `${file} does not exist`);
    }
    const symbolArg = flags.get('symbol');
    if (!symbolArg) {
        throw new UsageError('--symbol', 'give the instrument, e.g. --symbol SPY or --symbol EURUSD@oanda');
    }
    const [symbol, venue] = symbolArg.split('@');
    const kind = flags.get('kind');
    if (kind !== undefined && kind !== 'trades' && kind !== 'quotes') {
        throw new UsageError('--kind', `'${kind}' is not trades or quotes`);
    }
    const price = flags.get('price');
    if (price !== undefined && !['last', 'bid', 'ask', 'mid'].includes(price)) {
        throw new UsageError('--price', `'${price}' is not last, bid, ask or mid`);
    }
    const from = flags.has('from') ? parseTime('--from', flags.get('from')!) : undefined;
    const to = flags.has('to') ? parseTime('--to', flags.get('to')!) : undefined;
    if (from !== undefined && to !== undefined && to <= from) {
        throw new UsageError('--to', 'must be after --from');
    }
    const timeout = flags.get('timeout');
    const timeoutSeconds = timeout === undefined ? undefined : Number(timeout);
    if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) {
        throw new UsageError('--timeout', `'${timeout}' is not a positive number of seconds`);
    }
    return {
        file, workspace: path.resolve(flags.get('workspace') ?? defaultWorkspaceRoot()), symbol: symbol.toUpperCase(), venue,
        kind: kind as DatasetKind | undefined, from, to, params, price: price as RunArguments['price'], session: flags.get('session'),
        timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000, json
    };
}

const iso = (micros: number | undefined): string => micros === undefined ? '-' : new Date(micros / 1000).toISOString();

/** The --json document of a run: the summary, the recorded series' counts and last values, the logs. */
export function runSummary(args: RunArguments, dataset: { symbol: string; venue: string; kind: DatasetKind }, r: StrategyRunResult): Record<string, unknown> {
    return {
        strategy: r.strategy,
        data: { ...dataset, from: args.from, to: args.to },
        ticks: r.ticks, batches: r.batches, barCloses: r.barCloses, barClosesByTimeframe: r.barClosesByTimeframe, tickWakeups: r.tickWakeups,
        firstTime: r.firstTime, lastTime: r.lastTime, elapsedMs: Math.round(r.elapsedMs * 10) / 10, workerMs: Math.round(r.workerMs * 10) / 10,
        ticksPerSecond: Math.round(r.ticksPerSecond),
        series: Object.fromEntries(Object.entries(r.series).map(([name, s]) => [name, { count: s.value.length, last: s.value[s.value.length - 1] }])),
        logs: r.logs.message.map((message, i) => ({ time: r.logs.time[i], message }))
    };
}

function summaryText(args: RunArguments, dataset: { symbol: string; venue: string; kind: DatasetKind }, r: StrategyRunResult): string {
    const params = Object.entries(r.strategy.params).map(([k, v]) => `${k}=${v}`).join(' ') || '-';
    const series = Object.entries(r.series).map(([k, s]) => `${k} (${s.value.length}, last ${s.value[s.value.length - 1]})`).join(', ') || '-';
    return [
        `strategy    ${r.strategy.id} (${path.relative(process.cwd(), r.strategy.file) || r.strategy.file})`,
        `params      ${params}`,
        `data        ${dataset.symbol}@${dataset.venue} ${dataset.kind} ${iso(r.firstTime)} .. ${iso(r.lastTime)}`,
        `ticks       ${r.ticks.toLocaleString('en-US')} in ${(r.elapsedMs / 1000).toFixed(2)} s (${(r.ticksPerSecond / 1e6).toFixed(2)}M ticks/s)`,
        `bar closes  ${Object.entries(r.barClosesByTimeframe).map(([tf, n]) => `${tf} ${n}`).join(', ') || '-'}${r.tickWakeups ? `; tick wake-ups ${r.tickWakeups}` : ''}`,
        `recorded    ${series}`,
        `logs        ${r.logs.message.length} lines`,
        ...r.logs.message.slice(-5).map((m, i, last) => `  ${iso(r.logs.time[r.logs.message.length - last.length + i])} ${m}`)
    ].join('\n');
}

export async function runCommand(argv: readonly string[], io: CliStreams): Promise<number> {
    const args = parseRunArguments(argv);
    const db = await ReadOnlyWorkspaceDatabase.openWorkspace(args.workspace);
    if (!db) {
        throw new UsageError('--workspace', `${args.workspace} has no BackTestr database (.backtestr/workspace.duckdb); import data first (backtestr import ...)`);
    }
    try {
        const repo = new TickRepository(db);
        const instrument = await repo.findInstrument(args.symbol, args.venue);
        if (!instrument) {
            const known = (await repo.listInstruments()).map(i => `${i.symbol}@${i.venue}`);
            throw new UsageError('--symbol', `no instrument ${args.symbol}${args.venue ? '@' + args.venue : ''} in ${args.workspace}; it has ${known.join(', ') || 'none'}`);
        }
        const datasets = (await repo.listDatasets()).filter(d => d.instrumentId === instrument.id && d.kind !== 'bars');
        const dataset = args.kind ? datasets.find(d => d.kind === args.kind) : datasets.find(d => d.kind === 'trades') ?? datasets[0];
        if (!dataset) {
            throw new UsageError(args.kind ? '--kind' : '--symbol', `${instrument.symbol}@${instrument.venue} has no ${args.kind ?? 'tick'} data`);
        }
        const key = { instrumentId: instrument.id, kind: dataset.kind };
        const tty = !args.json && io.err.isTTY === true;
        let result: StrategyRunResult;
        try {
            result = await runStrategy({
                file: args.file, params: args.params, source: duckdbTickSource(repo, key, instrument, { from: args.from, to: args.to }),
                priceSource: args.price ?? (dataset.kind === 'quotes' ? 'mid' : 'last'), session: args.session, timeoutMs: args.timeoutMs,
                onProgress: tty ? p => io.err.write(`\r${p.ticks.toLocaleString('en-US')} ticks, ${iso(p.time)}   `) : undefined
            });
        } catch (error) {
            if (tty) {
                io.err.write('\n');
            }
            if (error instanceof StrategyRunError && error.kind === 'params') {
                throw new UsageError('--param', error.message);
            }
            throw error;
        }
        if (tty) {
            io.err.write('\n');
        }
        const data = { symbol: instrument.symbol, venue: instrument.venue, kind: dataset.kind };
        io.out.write((args.json ? JSON.stringify(runSummary(args, data, result), undefined, 2) : summaryText(args, data, result)) + '\n');
        return EXIT_OK;
    } finally {
        db.close();
    }
}

/** Runs one command line; returns the exit code (errors are reported on `err`). */
export async function main(argv: readonly string[], io: CliStreams = { out: process.stdout, err: process.stderr }): Promise<number> {
    const [command, ...rest] = argv;
    try {
        if (command === 'run') {
            return await runCommand(rest, io);
        }
        if ((DATA_COMMANDS as readonly string[]).includes(command)) {
            return await runDataCommand(argv, io.out);
        }
        if (command === undefined || command === 'help' || command === '--help') {
            io.out.write(USAGE + '\n');
            return command === undefined ? EXIT_BAD_ARGUMENTS : EXIT_OK;
        }
        throw new UsageError('<command>', `unknown command '${command}'`);
    } catch (error) {
        if (error instanceof UsageError) {
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
}
