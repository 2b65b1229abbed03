// *****************************************************************************
// The backend's side of one plugin's host: a child process (never a thread of the backend, so
// that nothing the plugin does to its process — exit, kill or abort it, exhaust its memory — can
// end the backend). Calls with a timeout each. A hang is ended by killing the host; its death,
// however it happens, is reported as a `PluginHostFault` with the reason.
// *****************************************************************************
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { HostFaultKind, HostMessage, HostMethod, HostMethods, HostRequest, PluginHostData } from './plugin-host-protocol';

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

/** The heap limit of a plugin host process. */
export const PLUGIN_HOST_MEMORY_MB = 512;

/** How much of the host's stderr is kept to explain its death. */
const STDERR_TAIL = 4096;

/** The compiled host script: beside this file when run from `lib/node`, else through the package (bundled backends). */
function hostScript(): string {
    const beside = path.join(__dirname, 'plugin-host-process.js');
    return fs.existsSync(beside) ? beside : require.resolve('@backtestr/plugins/lib/node/plugin-host-process.js');
}

export class PluginHost {
    protected readonly child: ChildProcess;
    protected readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: PluginHostFault) => void; timer: NodeJS.Timeout }>();
    protected nextId = 0;
    protected dead: PluginHostFault | undefined;
    /** An error that escaped the plugin's code, as the host reported it before it ended. */
    protected crash: string | undefined;
    protected stderr = '';
    protected readonly closed: Promise<void>;
    protected readonly callTimeoutMs: number;
    readonly loadTimeoutMs: number;

    constructor(readonly pluginId: string, engineEntry: string, options: PluginHostOptions = {}, protected readonly onFault?: (fault: PluginHostFault) => void) {
        this.callTimeoutMs = options.callTimeoutMs ?? 5000;
        this.loadTimeoutMs = options.loadTimeoutMs ?? 15000;
        const data: PluginHostData = { pluginId, engineEntry };
        this.child = fork(hostScript(), [JSON.stringify(data)], {
            // Not the backend's flags (an --inspect port would clash); Electron runs the script as plain Node.
            execArgv: [`--max-old-space-size=${PLUGIN_HOST_MEMORY_MB}`],
            env: process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env,
            serialization: 'advanced',
            stdio: ['ignore', 'inherit', 'pipe', 'ipc']
        });
        this.closed = new Promise(resolve => this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
            this.die(this.deathFault(code, signal));
            resolve();
        }));
        this.child.on('message', (message: HostMessage) => this.receive(message));
        this.child.on('error', error => this.die(new PluginHostFault('crash', `the plugin host could not be started or reached: ${error.message}`)));
        this.child.stderr?.on('data', (chunk: Buffer) => {
            process.stderr.write(chunk);
            this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
        });
        // A running plugin host does not keep the backend (or the CLI) alive.
        this.child.unref();
        this.child.channel?.unref();
        (this.child.stderr as { unref?: () => void } | null)?.unref?.();
    }

    get alive(): boolean {
        return this.dead === undefined;
    }

    call<M extends HostMethod>(method: M, params: HostMethods[M]['params'], timeoutMs = this.callTimeoutMs): Promise<HostMethods[M]['result']> {
        if (this.dead) {
            return Promise.reject(this.dead);
        }
        const id = this.nextId++;
        return new Promise<HostMethods[M]['result']>((resolve, reject) => {
            const timer = setTimeout(() => {
                this.die(new PluginHostFault('timeout', `${method} did not return within ${timeoutMs} ms (an endless loop?); the plugin was stopped.`));
            }, timeoutMs);
            this.pending.set(id, { resolve: value => resolve(value as HostMethods[M]['result']), reject, timer });
            try {
                // A host that has just ended cannot take it: its 'close' follows and fails the call with the reason.
                this.child.send({ id, method, params } satisfies HostRequest, () => undefined);
            } catch (error) {
                // The request cannot be serialized: a fault of the caller, not of the plugin.
                this.pending.delete(id);
                clearTimeout(timer);
                reject(error);
            }
        });
    }

    /** Stops the host process; pending calls fail. */
    async dispose(): Promise<void> {
        this.die(new PluginHostFault('crash', 'the plugin was stopped.'), false);
        await this.closed;
    }

    protected receive(message: HostMessage): void {
        if ('crash' in message) {
            this.crash = message.crash;
            return;
        }
        const call = this.pending.get(message.id);
        if (!call) {
            return;
        }
        this.pending.delete(message.id);
        clearTimeout(call.timer);
        if ('error' in message) {
            call.reject(new PluginHostFault(message.error.kind, message.error.message));
        } else {
            call.resolve(message.result);
        }
    }

    /** Why the host process ended, from what it reported, its exit code or signal, and its last words on stderr. */
    protected deathFault(code: number | null, signal: NodeJS.Signals | null): PluginHostFault {
        if (this.crash !== undefined) {
            return new PluginHostFault('crash', `the plugin crashed: ${this.crash}`);
        }
        const lastWords = this.stderr.trim().split('\n').filter(line => line.trim() !== '').slice(-3).join('\n');
        if (/heap out of memory|Allocation failed|ERR_WORKER_OUT_OF_MEMORY|out of memory/i.test(this.stderr)) {
            return new PluginHostFault('crash', `the plugin host ran out of memory (its limit is ${PLUGIN_HOST_MEMORY_MB} MB) and ended.`);
        }
        const how = signal ? `was killed (${signal})` : `exited (code ${code})`;
        return new PluginHostFault('crash', `the plugin host ${how}.${lastWords ? `\n${lastWords}` : ''}`);
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
        if (this.child.exitCode === null && this.child.signalCode === null) {
            this.child.kill('SIGKILL');
        }
        if (report) {
            this.onFault?.(fault);
        }
    }
}
