// *****************************************************************************
// Reads a strategy worker's memory (its JS heap and its ArrayBuffers) from the parent thread,
// through the inspector protocol: the worker answers at its next interrupt check, so even a
// hook that loops forever (allocating buffers, which the heap limit does not cover) is
// measured. One inspector session per process, attached to every worker it starts.
// *****************************************************************************

import * as inspector from 'inspector';

export interface WorkerMemory {
    /** Bytes of the worker's JS heap in use. */
    readonly heap: number;
    /** Bytes of the worker's ArrayBuffers (typed arrays, Buffers), outside the heap. */
    readonly arrayBuffers: number;
}

const EXPRESSION = 'JSON.stringify((m => [m.heapUsed, m.arrayBuffers])(process.memoryUsage()))';

function parse(text: string | undefined): unknown {
    try {
        return text === undefined ? undefined : JSON.parse(text);
    } catch {
        return undefined;
    }
}

interface Pending {
    resolve(memory: WorkerMemory | undefined): void;
}

export class WorkerMemoryProbe {
    protected static instance: WorkerMemoryProbe | undefined | null;

    /** The process's probe; undefined where the inspector is not available (memory is then checked by the worker itself). */
    static get(): WorkerMemoryProbe | undefined {
        if (this.instance === undefined) {
            try {
                this.instance = new WorkerMemoryProbe();
            } catch {
                this.instance = null;
            }
        }
        return this.instance ?? undefined;
    }

    protected readonly session = new inspector.Session();
    /** Inspector session id by worker thread id. */
    protected readonly sessions = new Map<number, string>();
    protected readonly pending = new Map<number, Pending>();
    protected nextId = 1;

    protected constructor() {
        this.session.connect();
        this.session.on('NodeWorker.attachedToWorker', message => {
            const { sessionId, workerInfo } = message.params as { sessionId: string; workerInfo: { workerId: string; title: string } };
            // The title names the thread ("[worker 7]"); workerId counts attachments, which concurrent starts may reorder.
            const thread = /\[worker (\d+)\]/.exec(workerInfo.title)?.[1];
            if (thread !== undefined) {
                this.sessions.set(Number(thread), sessionId);
            }
        });
        this.session.on('NodeWorker.detachedFromWorker', message => {
            const { sessionId } = message.params as { sessionId: string };
            for (const [thread, id] of this.sessions) {
                if (id === sessionId) {
                    this.sessions.delete(thread);
                }
            }
        });
        this.session.on('NodeWorker.receivedMessageFromWorker', message => {
            const { message: text } = message.params as { message: string };
            const answer = parse(text) as { id?: number; result?: { result?: { value?: string } } } | undefined;
            const waiting = answer?.id === undefined ? undefined : this.pending.get(answer.id);
            if (!waiting) {
                return;
            }
            this.pending.delete(answer!.id!);
            // A worker being terminated may answer with something else than the numbers.
            const [heap, arrayBuffers] = parse(answer!.result?.result?.value) as number[] | undefined ?? [];
            waiting.resolve(typeof heap === 'number' && typeof arrayBuffers === 'number' ? { heap, arrayBuffers } : undefined);
        });
        this.session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
        // The probe's session must not keep the process alive.
        (this.session as unknown as { unref?(): void }).unref?.();
    }

    /** The worker's memory now; undefined when the worker is not (or no longer) attached or does not answer within `timeoutMs`. */
    sample(threadId: number, timeoutMs = 1000): Promise<WorkerMemory | undefined> {
        const sessionId = this.sessions.get(threadId);
        if (sessionId === undefined) {
            return Promise.resolve(undefined);
        }
        const id = this.nextId++;
        return new Promise(resolve => {
            const timer = setTimeout(() => {
                this.pending.delete(id);
                resolve(undefined);
            }, timeoutMs);
            this.pending.set(id, {
                resolve: memory => {
                    clearTimeout(timer);
                    resolve(memory);
                }
            });
            const message = JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression: EXPRESSION, returnByValue: true } });
            this.session.post('NodeWorker.sendMessageToWorker', { sessionId, message }, error => {
                if (error && this.pending.delete(id)) {
                    clearTimeout(timer);
                    resolve(undefined);
                }
            });
        });
    }
}
