// *****************************************************************************
// The worker thread of one strategy run: loads the strategy, owns its engine, processes
// the batches the runner transfers, and answers each with a progress message (the ack).
// The thread is locked down (SES) before anything else loads: strategy and plugin code runs
// in compartments of it (strategy-sandbox.ts).
// *****************************************************************************

import './strategy-worker-lockdown';
import * as path from 'path';
import { parentPort } from 'worker_threads';
import { pythonChildrenExited } from './python/python-process';
import { loadStrategy } from './strategy-loader';
import { FromWorker, HOOKS, SerializedError, StrategyRunError, ToWorker } from './strategy-run-protocol';
import { StrategySession } from './strategy-session';
import { mapSandboxStack } from './strategy-sandbox';

process.setSourceMapsEnabled(true);

const port = parentPort!;
let session: StrategySession | undefined;
let file = '';
let hookWord: Int32Array | undefined;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
    port.postMessage(message, transfer);
}

/** The strategy's part of a stack: its message and the frames in the user's file (host frames dropped). */
function userStack(error: Error): string | undefined {
    if (!error.stack) {
        return undefined;
    }
    const lines = mapSandboxStack(error.stack).split('\n');
    const frames = lines.filter(l => /^\s+at /.test(l));
    const head = lines.filter(l => !/^\s+at /.test(l));
    const mine = frames.filter(l => file && l.includes(file));
    return [...head, ...(mine.length ? mine : frames)].join('\n');
}

function serialize(error: unknown): SerializedError {
    if (error instanceof StrategyRunError) {
        return { kind: error.kind, message: error.message, stack: error.strategyStack };
    }
    const e = error instanceof Error ? error : new Error(String(error));
    const hook = hookWord ? HOOKS[hookWord[0]] : '';
    const id = session?.info.id ?? path.basename(file);
    const stack = userStack(e);
    const at = /\(([^()]+:\d+:\d+)\)|at (\S+:\d+:\d+)$/m.exec(stack?.split('\n').find(l => l.includes(file)) ?? '');
    const where = at ? ` at ${at[1] ?? at[2]}` : '';
    const when = session && session.state.clock > 0 ? ` (strategy time ${new Date(session.state.clock / 1000).toISOString()})` : '';
    return { kind: 'strategy', message: `Strategy '${id}' threw in ${hook || 'a hook'}${where}${when}: ${e.message}`, stack };
}

port.on('message', (message: ToWorker) => {
    try {
        switch (message.type) {
            case 'start': {
                file = path.resolve(message.file);
                hookWord = new Int32Array(message.status, 0, 1);
                const status = { hook: hookWord, clock: new Int32Array(message.status, 8, 2) };
                status.hook[0] = HOOKS.indexOf('loading');
                const loaded = loadStrategy(file, { python: message.engine.python, memoryBudgetMiB: message.engine.pythonMemoryBudgetMiB });
                status.hook[0] = 0;
                session = new StrategySession(loaded, message.params, message.engine, status);
                post({ type: 'ready', strategy: session.info });
                session.start();
                break;
            }
            case 'batch': {
                session!.processBatch(message);
                const { delta, transfer } = session!.progressDelta();
                post({ type: 'progress', ticks: session!.engine.ticksProcessed, batches: session!.batchesProcessed, time: session!.state.clock, delta },
                    transfer);
                break;
            }
            case 'end': {
                const { result, transfer } = session!.stop();
                // A Python strategy's process is reaped before the runner terminates this thread.
                void pythonChildrenExited().then(() => post({ type: 'result', result }, transfer));
                break;
            }
        }
    } catch (error) {
        const serialized = serialize(error);
        void pythonChildrenExited().then(() => post({ type: 'error', error: serialized }));
    }
});
