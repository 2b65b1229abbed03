// *****************************************************************************
// The main-thread side of one plugin's host worker: calls with a timeout each. A hang is ended
// by terminating the worker; a crash or a fault is reported as a `PluginHostFault`.
// *****************************************************************************
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { HostFaultKind, HostMethod, HostMethods, HostRequest, HostResponse, PluginHostWorkerData } from './plugin-host-protocol';

export class PluginHostFault extends Error {
    override readonly name = 'PluginHostFault';
    constructor(readonly kind: HostFaultKind, message: string) {
        super(message);
    }
}

export interface PluginHostOptions {
    /** Longest a call into plugin code may take before the plugin is stopped (default 5 s). */
    readonly callTimeoutMs?: number;
    /** Longest loading and exercising may take (default 15 s). */
    readonly loadTimeoutMs?: number;
}

/** The compiled worker script: beside this file when run from `lib/node`, else through the package (bundled backends). */
function workerScript(): string {
    const beside = path.join(__dirname, 'plugin-host-worker.js');
    return fs.existsSync(beside) ? beside : require.resolve('@backtestr/plugins/lib/node/plugin-host-worker.js');
}

export class PluginHost {
    protected readonly worker: Worker;
    protected readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: PluginHostFault) => void; timer: NodeJS.Timeout }>();
    protected nextId = 0;
    protected dead: PluginHostFault | undefined;
    protected readonly callTimeoutMs: number;
    readonly loadTimeoutMs: number;

    constructor(readonly pluginId: string, engineEntry: string, options: PluginHostOptions = {}, protected readonly onFault?: (fault: PluginHostFault) => void) {
        this.callTimeoutMs = options.callTimeoutMs ?? 5000;
        this.loadTimeoutMs = options.loadTimeoutMs ?? 15000;
        this.worker = new Worker(workerScript(), {
            workerData: { pluginId, engineEntry } satisfies PluginHostWorkerData,
            resourceLimits: { maxOldGenerationSizeMb: 512 },
            stdout: false,
            stderr: false
        });
        this.worker.unref();
        this.worker.on('message', (response: HostResponse) => this.settle(response));
        this.worker.on('error', error => this.die(new PluginHostFault('crash', `the plugin crashed: ${error.stack ?? error.message}`)));
        this.worker.on('exit', code => this.die(new PluginHostFault('crash', `the plugin host exited (code ${code}).`)));
    }

    get alive(): boolean {
        return this.dead === undefined;
    }

    call<M extends HostMethod>(method: M, params: HostMethods[M]['params'], timeoutMs = this.callTimeoutMs, transfer: ArrayBuffer[] = []): Promise<HostMethods[M]['result']> {
        if (this.dead) {
            return Promise.reject(this.dead);
        }
        const id = this.nextId++;
        return new Promise<HostMethods[M]['result']>((resolve, reject) => {
            const timer = setTimeout(() => {
                this.die(new PluginHostFault('timeout', `${method} did not return within ${timeoutMs} ms (an endless loop?); the plugin was stopped.`));
            }, timeoutMs);
            this.pending.set(id, { resolve: value => resolve(value as HostMethods[M]['result']), reject, timer });
            this.worker.postMessage({ id, method, params } satisfies HostRequest, transfer);
        });
    }

    /** Stops the worker; pending calls fail. */
    async dispose(): Promise<void> {
        this.die(new PluginHostFault('crash', 'the plugin was stopped.'), false);
        await this.worker.terminate();
    }

    protected settle(response: HostResponse): void {
        const call = this.pending.get(response.id);
        if (!call) {
            return;
        }
        this.pending.delete(response.id);
        clearTimeout(call.timer);
        if ('error' in response) {
            call.reject(new PluginHostFault(response.error.kind, response.error.message));
        } else {
            call.resolve(response.result);
        }
    }

    protected die(fault: PluginHostFault, report = true): void {
        if (this.dead) {
            return;
        }
        this.dead = fault;
        for (const call of this.pending.values()) {
            clearTimeout(call.timer);
            call.reject(fault);
        }
        this.pending.clear();
        void this.worker.terminate();
        if (report) {
            this.onFault?.(fault);
        }
    }
}
