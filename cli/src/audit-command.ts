// *****************************************************************************
// `backtestr audit <strategy> ...`: the run (stored, as `run` would), checked for look-ahead: re-run on
// the same data cut at K seeded points with the data after each cut mirrored (the engine's
// auditLookAhead). Exit 0 when it passes, 1 when it fails (the output names the first divergence)
// or the run fails, 2 for bad arguments.
// *****************************************************************************

import * as fs from 'fs';
import { RunRecord } from '@backtestr/workspace-store';
import { BacktestDataImpl, openWorkspaceDatabase, RunStoreImpl, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { CommandLineError, numberOption, parseCommandLine } from '@backtestr/data-import/lib/node';
import { enabledIndicatorsLoaderPath } from '@backtestr/plugins/lib/node';
import { lookAheadText } from '@backtestr/analysis';
import { auditLookAhead, DEFAULT_AUDIT_CUTS, ENGINE_VERSION } from '@backtestr/engine/lib/node';
import { AUDIT_OPTIONS } from './command-options';
import { CliStreams, EXIT_OK, EXIT_RUN_FAILED, runArguments, runSummary } from './backtestr-cli';

export const AUDIT_USAGE = `usage:
  backtestr audit <strategy.ts> --workspace <dir> --symbol SYMBOL[@venue] [--cuts K (default ${DEFAULT_AUDIT_CUTS})] [--parallel N]
                [--seed N (the run's seed, also of the cut times)] [the other options of backtestr run] [--json]
  Runs the strategy (stored, as backtestr run), then checks it for look-ahead: K more runs on the same data cut at K
  seeded times (one in each of K equal slices of the range), the data after each cut replaced by its mirror image
  (prices reflected around the last price before the cut; times, spreads, volumes kept). Every order, fill, cancel,
  recorded value and log line before each cut must be the full run's. Up to --parallel runs at a time (default: the cores).
  Exit codes: 0 no look-ahead found, 1 look-ahead found (the first divergent order or event is named) or the run failed,
  2 bad arguments.`;

export async function auditCommand(argv: readonly string[], io: CliStreams): Promise<number> {
    const line = parseCommandLine('audit', argv, AUDIT_OPTIONS);
    const args = runArguments(line);
    const cuts = numberOption('cuts', line.values.cuts, 'a whole number of at least 1', n => Number.isInteger(n) && n >= 1) ?? DEFAULT_AUDIT_CUTS;
    const parallel = numberOption('parallel', line.values.parallel, 'a whole number of at least 1', n => Number.isInteger(n) && n >= 1);
    const dbPath = workspaceDatabasePath(args.workspace);
    if (!fs.existsSync(dbPath)) {
        throw new CommandLineError('--workspace', `${args.workspace} has no BackTestr database (.backtestr/workspace.duckdb); import data first (backtestr import ...)`);
    }
    const db = args.save ? await openWorkspaceDatabase(args.workspace) : (await openWorkspaceDatabase(args.workspace, { readOnly: true }))!;
    try {
        const data = new BacktestDataImpl(db);
        const symbol = args.venue ? `${args.symbol}@${args.venue}` : args.symbol;
        try {
            await data.resolve(symbol, args.kind);
        } catch (error) {
            throw new CommandLineError(args.kind ? '--kind' : '--symbol', (error as Error).message);
        }
        const tty = !args.json && io.err.isTTY === true;
        const { outcome, audit } = await auditLookAhead({
            file: args.file, symbol, kind: args.kind, from: args.from, to: args.to, params: args.params, priceSource: args.price, session: args.session,
            models: args.models, seed: args.seed, timeoutMs: args.timeoutMs, memoryBudgetMiB: args.memoryBudgetMiB, signal: io.signal,
            plugins: { loader: enabledIndicatorsLoaderPath(), dir: args.pluginDir }, python: args.python,
            onStart: tty ? (run: RunRecord) => io.err.write(`auditing run ${run.id}\n`) : undefined
        }, { data, runs: args.save ? io.runStore ?? new RunStoreImpl(db) : undefined, engineVersion: ENGINE_VERSION }, {
            cuts, seed: args.seed, parallel, onProgress: tty ? (done, total) => io.err.write(`\r${done} of ${total} runs   `) : undefined
        });
        if (tty) {
            io.err.write('\n');
        }
        const { run } = outcome;
        io.out.write((args.json ? JSON.stringify({ ...runSummary(outcome), audit }, undefined, 2)
            : `run         ${run.id}${run.finishedAt !== undefined ? ' (stored in the workspace)' : ' (not stored)'}\n` +
            `orders      ${outcome.output.orders.id.length} sent, ${outcome.output.events.time.length} events\n` +
            `cuts        ${audit.cutTimes.map(t => new Date(t / 1000).toISOString()).join(', ')}\n` +
            `verdict     ${lookAheadText(audit)}`) + '\n');
        return audit.verdict === 'pass' ? EXIT_OK : EXIT_RUN_FAILED;
    } finally {
        db.close();
    }
}
