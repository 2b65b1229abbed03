// *****************************************************************************
// Runs a strategy in its own worker thread: the worker owns the run's engine; ticks flow
// from the source to the worker as transferred buffers (no copy), at most two batches in
// flight. Progress, cancel (AbortSignal), a hard timeout and a stall timeout that
// terminate a strategy stuck in a loop, and a memory budget: the worker's heap is capped by
// V8 (resourceLimits) and its heap plus ArrayBuffers are sampled from this thread (even while
// a hook loops), so a strategy that allocates without bound fails its run, nothing else.
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { TickBatch } from '@backtestr/plugins-sdk';
import { TICK_COLUMNS } from '@backtestr/plugins-sdk/host';
import { WorkerMemory, WorkerMemoryProbe } from './worker-memory-probe';
import {
    BatchMessage, FromWorker, HOOKS, StrategyInfo, StrategyRunError, StrategyRunOptions, StrategyRunResult, ToWorker
} from './strategy-run-protocol';

const MAX_IN_FLIGHT = 2;

/** The default memory budget of a run (heap and ArrayBuffers of its strategy): 2 GiB. */
export const DEFAULT_MEMORY_BUDGET_MIB = 2048;
/** How often a running worker's memory is sampled (ms). */
const MEMORY_SAMPLE_MS = 25;
const MIB = 1024 * 1024;

/** The message of a run stopped by its memory budget. */
export function memoryBudgetMessage(strategy: string, budgetMiB: number, used: WorkerMemory | undefined, doing: string): string {
    const usage = used ? ` it used ${Math.round((used.heap + used.arrayBuffers) / MIB)} MiB (JS heap ${Math.round(used.heap / MIB)} MiB, ` +
        `ArrayBuffers ${Math.round(used.arrayBuffers / MIB)} MiB)` : ' its JS heap reached the limit';
    return `Strategy '${strategy}' was stopped${doing}:${usage}, over the run's memory budget of ${budgetMiB} MiB. ` +
        'Keep less data in the strategy, or raise the budget (preference backtestr.run.memoryBudget, CLI --memory-budget).';
}

/** The batch as a message, its columns' buffers to transfer (copied first when a buffer is shared or larger than the column). */
export function batchMessage(batch: TickBatch): { message: BatchMessage; transfer: ArrayBuffer[] } {
    const message: Record<string, unknown> = { type: 'batch' };
    const transfer: ArrayBuffer[] = [];
    for (const name of TICK_COLUMNS) {
        const column = batch[name];
        if (!column) {
            continue;
        }
        const whole = column.byteOffset === 0 && column.byteLength === column.buffer.byteLength && column.buffer instanceof ArrayBuffer &&
            !transfer.includes(column.buffer);
        const own = whole ? column : column.slice();
        transfer.push(own.buffer as ArrayBuffer);
        message[name] = own;
    }
    return { message: message as unknown as BatchMessage, transfer };
}

/** The worker's script: beside this file, or (when this code is bundled into the app's backend) in the installed package. */
function workerScript(): string {
    const local = path.join(__dirname, 'strategy-worker.js');
    return fs.existsSync(local) ? local : require.resolve('@backtestr/engine/lib/node/strategy-host/strategy-worker.js');
}

export function runStrategy(options: StrategyRunOptions): Promise<StrategyRunResult> {
    return new Promise<StrategyRunResult>((resolve, reject) => {
        const started = performance.now();
        const status = new SharedArrayBuffer(16);
        const hookWord = new Int32Array(status, 0, 1);
        const hookClock = new BigInt64Array(status, 8, 1);
        const budgetMiB = options.memoryBudgetMiB ?? DEFAULT_MEMORY_BUDGET_MIB;
        if (!(budgetMiB >= 16)) {
            reject(new StrategyRunError('invalid', `The memory budget is ${budgetMiB} MiB; give at least 16 MiB.`));
            return;
        }
        // V8 stops the heap at the budget; the sampling below adds the ArrayBuffers (outside the heap).
        const worker = new Worker(workerScript(), { resourceLimits: { maxOldGenerationSizeMb: budgetMiB } });
        const timeoutMs = options.timeoutMs ?? 600_000;
        const stallMs = options.stallTimeoutMs ?? 30_000;
        let settled = false;
        let info: StrategyInfo | undefined;
        let inFlight = 0;
        let waitingForResult = false;
        let lastHeard = performance.now();
        let wake: (() => void) | undefined;

        const finish = (error: StrategyRunError | undefined, result?: StrategyRunResult): void => {
            if (settled) {
                return;
            }
            settled = true;
            clearInterval(watchdog);
            clearInterval(memoryWatch);
            options.signal?.removeEventListener('abort', onAbort);
            void worker.terminate();
            wake?.();
            if (error) {
                reject(error);
            } else {
                resolve(result!);
            }
        };
        const stuck = (why: string): StrategyRunError => {
            const hook = HOOKS[Atomics.load(hookWord, 0)];
            const when = hookClock[0] > 0n ? ` at strategy time ${new Date(Number(hookClock[0] / 1000n)).toISOString()}` : '';
            const doing = hook ? `${hook === 'loading' ? 'loading the strategy' : hook} did not return${when} (an infinite loop?)` : 'the run did not finish';
            return new StrategyRunError('timeout', `Strategy '${info?.id ?? path.basename(options.file)}' was terminated: ${doing}; ${why}.`);
        };
        let pausedMs = 0;
        let lastTick = performance.now();
        const watchdog = setInterval(() => {
            const now = performance.now();
            if (options.control?.paused && inFlight === 0) {
                // Paused time counts against neither limit.
                pausedMs += now - lastTick;
                lastHeard = now;
            }
            lastTick = now;
            if (now - started - pausedMs > timeoutMs) {
                finish(stuck(`the run exceeded its time limit of ${timeoutMs / 1000} s`));
            } else if ((inFlight > 0 || waitingForResult || !info) && now - lastHeard > stallMs) {
                finish(stuck(`no answer for ${stallMs / 1000} s`));
            }
        }, Math.max(10, Math.min(1000, stallMs / 4, timeoutMs / 4)));
        const name = (): string => info?.id ?? path.basename(options.file);
        const doingNow = (): string => {
            const hook = HOOKS[Atomics.load(hookWord, 0)];
            const when = hookClock[0] > 0n ? ` at strategy time ${new Date(Number(hookClock[0] / 1000n)).toISOString()}` : '';
            return hook ? ` in ${hook === 'loading' ? 'loading the strategy' : hook}${when}` : '';
        };
        const overBudget = (used: WorkerMemory | undefined): StrategyRunError =>
            new StrategyRunError('memory', memoryBudgetMessage(name(), budgetMiB, used, doingNow()));
        const probe = WorkerMemoryProbe.get();
        let sampling = false;
        const memoryWatch = setInterval(() => {
            if (sampling || !probe) {
                return;
            }
            sampling = true;
            void probe.sample(worker.threadId).then(used => {
                sampling = false;
                if (used && used.heap + used.arrayBuffers > budgetMiB * MIB) {
                    finish(overBudget(used));
                }
            });
        }, MEMORY_SAMPLE_MS);
        const onAbort = (): void => finish(new StrategyRunError('cancelled', `Run of ${info?.id ?? path.basename(options.file)} cancelled.`));
        if (options.signal?.aborted) {
            onAbort();
            return;
        }
        options.signal?.addEventListener('abort', onAbort);

        worker.on('error', error => finish((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? overBudget(undefined)
            : new StrategyRunError('worker', `The strategy worker failed: ${error.message}`, error.stack)));
        worker.on('exit', code => finish(new StrategyRunError('worker', `The strategy worker exited (code ${code}) before the run finished.`)));
        worker.on('message', (message: FromWorker) => {
            lastHeard = performance.now();
            switch (message.type) {
                case 'ready':
                    info = message.strategy;
                    Promise.resolve(options.onReady?.(info)).then(() => feed(),
                        error => finish(new StrategyRunError('data', `The run could not start: ${(error as Error).message}`)));
                    break;
                case 'progress':
                    inFlight--;
                    wake?.();
                    options.onProgress?.({
                        ticks: message.ticks, batches: message.batches, time: message.time, elapsedMs: performance.now() - started, ...message.delta
                    });
                    break;
                case 'result': {
                    const elapsedMs = performance.now() - started;
                    finish(undefined, { ...message.result, elapsedMs, ticksPerSecond: message.result.ticks / Math.max(elapsedMs, 1e-3) * 1000 });
                    break;
                }
                case 'error':
                    finish(new StrategyRunError(message.error.kind, message.error.message, message.error.stack));
                    break;
            }
        });

        const send = (message: ToWorker, transfer: ArrayBuffer[] = []): void => worker.postMessage(message, transfer);

        async function feed(): Promise<void> {
            try {
                for await (const batch of options.source) {
                    if (settled) {
                        return;
                    }
                    while (inFlight >= MAX_IN_FLIGHT && !settled) {
                        await new Promise<void>(r => wake = r);
                    }
                    if (settled) {
                        return;
                    }
                    if (batch.time.length === 0) {
                        continue;
                    }
                    if (options.control?.paused) {
                        await options.control.whenRunning();
                        lastHeard = performance.now();
                        if (settled) {
                            return;
                        }
                    }
                    const { message, transfer } = batchMessage(batch);
                    if (inFlight === 0) {
                        lastHeard = performance.now();
                    }
                    inFlight++;
                    send(message, transfer);
                }
                if (!settled) {
                    waitingForResult = true;
                    lastHeard = performance.now();
                    send({ type: 'end' });
                }
            } catch (error) {
                finish(new StrategyRunError('data', `Reading the ticks failed: ${(error as Error).message}`));
            }
        }

        send({ type: 'start', file: options.file, params: options.params ?? {}, engine: {
            priceSource: options.priceSource, session: options.session, depth: options.depth, execution: options.execution, instrument: options.instrument, plugins: options.plugins,
            python: options.python, pythonMemoryBudgetMiB: budgetMiB
        }, status });
    });
}
