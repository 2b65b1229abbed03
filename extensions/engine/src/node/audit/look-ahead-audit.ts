// *****************************************************************************
// The look-ahead audit: the full run, and K cut runs of the same strategy on the same data cut at K
// seeded times spread over the run's range (one uniformly at random in each of K equal slices), the
// data after each cut replaced by its mirror image (PerturbedBacktestData). Every order, event,
// recorded value and log line stamped before a cut must be the same in the cut run as in the full run;
// the first that is not is the verdict's divergence. The runs go through a small pool (one strategy
// worker each, os.availableParallelism() at a time), so the audit costs K+1 runs of CPU and about
// (K+1)/cores of their wall time. Only the full run is stored; cut runs store nothing.
// *****************************************************************************

import * as os from 'os';
import { BacktestData, RunLookAhead, UnixMicros } from '@backtestr/workspace-store';
import { SeededRandom } from '@backtestr/data-import/lib/node';
import { BacktestOutcome, BacktestRequest, BacktestServices, runBacktest } from '../backtest-runner';
import { PerturbedBacktestData } from './perturbed-backtest-data';
import { firstDivergence } from './run-divergence';

export const DEFAULT_AUDIT_CUTS = 20;

export interface LookAheadAuditOptions {
    /** How many cuts; default 20. */
    readonly cuts?: number;
    /** Seed of the cut times; default 1. */
    readonly seed?: number;
    /** Runs at a time; default os.availableParallelism(). */
    readonly parallel?: number;
    /**
     * The data of the cut run at `cut`: by default the real data mirrored after the cut (PerturbedBacktestData). A data layer
     * that also writes what it serves somewhere a strategy can read (a file) wraps that, so the cut runs' files differ too.
     */
    perturb?(data: BacktestData, cut: UnixMicros): BacktestData;
    /** After each run (the full one included) finished: how many of `total`. */
    onProgress?(done: number, total: number): void;
}

/** The audit's verdict, as stored with the run: the earliest divergence over all cuts, and the cut that showed it. */
export type LookAheadVerdict = RunLookAhead;

export interface LookAheadAuditOutcome {
    readonly outcome: BacktestOutcome;
    readonly audit: LookAheadVerdict;
}

/** K cut times in [from, to): one uniformly at random in each of K equal slices, from the seed. */
export function auditCutTimes(from: number, to: number, cuts: number, seed: number): number[] {
    const random = new SeededRandom(seed);
    const slice = (to - from) / cuts;
    const times: number[] = [];
    for (let k = 0; k < cuts; k++) {
        // Whole microseconds, strictly after the range's start (a cut at the first tick compares nothing).
        times.push(Math.min(to - 1, Math.max(from + 1, Math.floor(from + slice * (k + random.next())))));
    }
    return times;
}

/** Runs `jobs` with at most `parallel` at a time, in order of their index; rejects on the first failure. */
async function pool<T>(jobs: readonly (() => Promise<T>)[], parallel: number): Promise<T[]> {
    const results: T[] = new Array(jobs.length);
    let next = 0;
    const lane = async (): Promise<void> => {
        while (next < jobs.length) {
            const i = next++;
            results[i] = await jobs[i]();
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, lane));
    return results;
}

/**
 * Audits `request`: its full run (through `backtest`: inside the workbench, its ActiveRuns, so the run is listed and
 * followed like any other) and the cut runs; stores the verdict with the full run when it is stored.
 */
export async function auditLookAhead(request: BacktestRequest, services: BacktestServices, options: LookAheadAuditOptions = {},
    backtest: (request: BacktestRequest, services: BacktestServices) => Promise<BacktestOutcome> = runBacktest): Promise<LookAheadAuditOutcome> {
    const cuts = options.cuts ?? DEFAULT_AUDIT_CUTS;
    const seed = options.seed ?? 1;
    if (!Number.isInteger(cuts) || cuts < 1) {
        throw new Error(`The audit needs at least one cut; got ${cuts}.`);
    }
    const { dataset } = await services.data.resolve(request.symbol, request.kind);
    const from = Math.max(request.from ?? dataset.firstTime, dataset.firstTime);
    const to = Math.min(request.to ?? dataset.lastTime + 1, dataset.lastTime + 1);
    const cutTimes = auditCutTimes(from, to, cuts, seed).sort((a, b) => a - b);
    const total = cuts + 1;
    let done = 0;
    const finished = <T>(x: T): T => {
        options.onProgress?.(++done, total);
        return x;
    };
    const perturb = options.perturb ?? ((data: BacktestData, cut: UnixMicros) => new PerturbedBacktestData(data, cut));
    const cutRequest: BacktestRequest = { ...request, onStart: undefined, onProgress: undefined };
    const jobs: (() => Promise<BacktestOutcome>)[] = [
        () => backtest(request, services).then(finished),
        ...cutTimes.map(cut => () => runBacktest(cutRequest, { data: perturb(services.data, cut), engineVersion: services.engineVersion }).then(finished))
    ];
    const [outcome, ...cutOutcomes] = await pool(jobs, options.parallel ?? os.availableParallelism());
    let divergence: RunLookAhead['divergence'];
    cutOutcomes.forEach((cutOutcome, k) => {
        const found = firstDivergence(outcome.output, cutOutcome.output, cutTimes[k]);
        if (found && (!divergence || found.time < divergence.time)) {
            divergence = { ...found, cutTime: cutTimes[k] };
        }
    });
    const audit: LookAheadVerdict = { verdict: divergence ? 'fail' : 'pass', cuts, seed, cutTimes, divergence };
    if (services.runs && outcome.run.finishedAt !== undefined) {
        await services.runs.setLookAhead(outcome.run.id, audit);
    }
    return { outcome: { ...outcome, run: { ...outcome.run, lookAhead: audit } }, audit };
}
