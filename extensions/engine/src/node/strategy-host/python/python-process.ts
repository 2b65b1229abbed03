// *****************************************************************************
// A Python child process spoken to synchronously: length-prefixed MessagePack frames (4-byte
// big-endian length, then the body) both ways on one socket, the child's fd 3. The strategy
// session calls hooks synchronously, so a request blocks this thread until the answer is
// there: our end is a non-blocking socket (libuv's), read with fs.readSync and, while nothing
// is there, a short spin then Atomics.wait in growing slices. The wait stays interruptible: a worker
// terminated by the stall timeout stops here, its handles close, and the child's watchdog
// thread sees the hang-up and exits (even while the strategy's hook loops forever).
// *****************************************************************************

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Decoder, Encoder } from '@msgpack/msgpack';

/** The SDK folder put on the child's sys.path (extensions/engine/python, beside lib/ and src/). */
export const PYTHON_SDK_DIR = path.resolve(__dirname, '../../../../python');

/**
 * Run with `-c` (after -I, which keeps PYTHONPATH out): puts the SDK folder (argv[1]) on sys.path and runs the module
 * (argv[2]) as __main__ with the remaining arguments.
 */
const PYTHON_BOOTSTRAP = 'import sys, runpy; sys.path.insert(0, sys.argv.pop(1)); runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)';

/** Variables passed on to the child: what an interpreter (and a pyenv shim or a Windows Python) needs to start; no other. */
const PASSED_ON = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'PYENV_ROOT', 'PYENV_VERSION', 'SYSTEMROOT', 'WINDIR'];

/** The child's whole environment: none of the workbench's secrets, tokens or settings. */
function childEnvironment(workDir: string, memoryBudgetMiB?: number): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const name of PASSED_ON) {
        if (process.env[name] !== undefined) {
            env[name] = process.env[name];
        }
    }
    env.LANG ??= 'C.UTF-8';
    Object.assign(env, { PYTHONDONTWRITEBYTECODE: '1', PYTHONNOUSERSITE: '1', PYTHONIOENCODING: 'utf-8', TMPDIR: workDir, HOME: workDir });
    if (memoryBudgetMiB !== undefined) {
        env.BACKTESTR_MEMORY_BUDGET_MIB = String(Math.floor(memoryBudgetMiB));
    }
    return env;
}

/** The interpreter: the caller's setting (preference `backtestr.python`), else BACKTESTR_PYTHON, else `python3`. */
export function pythonInterpreter(setting?: string): string {
    return setting?.trim() || process.env.BACKTESTR_PYTHON?.trim() || 'python3';
}

/** The child is gone or spoke out of turn; `detail` is the tail of its stderr. */
export class PythonProcessError extends Error {
    constructor(message: string, readonly detail: string) {
        super(message);
        this.name = 'PythonProcessError';
    }
}

interface StreamWithHandle {
    _handle?: { fd?: number; readStop?(): number };
}

const HEADER = 4;

/** Exits of the children this thread started that have not been reaped yet. */
const unreaped = new Set<Promise<void>>();

/**
 * Resolves when every Python child this thread started has exited and been reaped (or after
 * `timeoutMs`): a worker awaits it before it reports its result, since the runner terminates the
 * worker then, and a child not reaped by its thread's event loop would stay a zombie.
 */
export async function pythonChildrenExited(timeoutMs = 1000): Promise<void> {
    if (unreaped.size === 0) {
        return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all([...unreaped]), new Promise<void>(resolve => timer = setTimeout(resolve, timeoutMs))]);
    clearTimeout(timer);
}

export class PythonProcess {
    readonly child: ChildProcess;
    protected readonly channel: { destroy(): void };
    protected readonly fd: number;
    protected readonly errFd: number;
    protected readonly encoder = new Encoder({ ignoreUndefined: true });
    protected readonly decoder = new Decoder();
    protected inBuf = Buffer.allocUnsafe(1 << 16);
    /** Bytes [start, end) of inBuf not consumed yet. */
    protected start = 0;
    protected end = 0;
    protected outBuf = Buffer.allocUnsafe(1 << 16);
    protected readonly sleeper = new Int32Array(new SharedArrayBuffer(4));
    protected closed = false;
    /** Reads tried before the first sleep, and the growth of the sleeps (ms). */
    static spins = 200;
    static sliceMs = 0.02;

    /** The run's private folder (0700): the child's working directory, TMPDIR and HOME, the one place it may write; removed at the end. */
    readonly workDir: string;

    /**
     * Starts `python -I -B -u` running `module` with `args` in a fresh private temp folder with a clean environment
     * (the host confines itself further before it loads the strategy: _sandbox.py); throws PythonProcessError when the
     * interpreter cannot be started. `memoryBudgetMiB`: the child's address space limit (RLIMIT_AS, set by the child).
     */
    constructor(readonly interpreter: string, module: string, args: readonly string[], memoryBudgetMiB?: number) {
        // Python's stderr goes to an unlinked temp file we keep open: read back to explain a crash.
        const errFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-py-')), 'stderr');
        this.errFd = fs.openSync(errFile, 'w+');
        fs.rmSync(path.dirname(errFile), { recursive: true, force: true });
        this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-py-run-'));
        fs.chmodSync(this.workDir, 0o700);
        // The frames go both ways on one socket, the child's fd 3 (not its stdin, which Node closes when the started process exits).
        // -I: no PYTHON* variables, no user site, neither the working directory nor a script's folder on sys.path; so the SDK comes in by the bootstrap.
        this.child = spawn(interpreter, ['-I', '-B', '-u', '-c', PYTHON_BOOTSTRAP, PYTHON_SDK_DIR, module, ...args], {
            stdio: ['ignore', 'ignore', this.errFd, 'pipe'], cwd: this.workDir, env: childEnvironment(this.workDir, memoryBudgetMiB), windowsHide: true
        });
        this.child.on('error', () => { /* reported synchronously below, or by the channel's end */ });
        const exited = new Promise<void>(resolve => this.child.once('exit', () => {
            this.removeWorkDir();
            resolve();
        }));
        unreaped.add(exited);
        void exited.then(() => unreaped.delete(exited));
        const channel = this.child.stdio[3] as unknown as (StreamWithHandle & { unref?(): void; pause(): void; destroy(): void }) | undefined;
        const fd = channel?._handle?.fd;
        if (this.child.pid === undefined || channel === undefined || fd === undefined || fd < 0) {
            this.closeErr();
            this.removeWorkDir();
            throw new PythonProcessError(`cannot start '${interpreter}'`, '');
        }
        this.channel = channel;
        this.fd = fd;
        // The channel does not keep the thread's event loop alive. The child does, until it ends:
        // an unref'd child is not reaped by a worker thread's loop (it would stay a zombie).
        channel.unref?.();
        // Node must not read the channel itself: we read it synchronously.
        channel.pause();
        channel._handle?.readStop?.();
    }

    /** Sends one frame. */
    send(value: unknown): void {
        const body = this.encoder.encodeSharedRef(value);
        const total = HEADER + body.byteLength;
        if (this.outBuf.length < total) {
            this.outBuf = Buffer.allocUnsafe(Math.max(total, 2 * this.outBuf.length));
        }
        this.outBuf.writeUInt32BE(body.byteLength, 0);
        this.outBuf.set(body, HEADER);
        let offset = 0;
        while (offset < total) {
            try {
                offset += fs.writeSync(this.fd, this.outBuf, offset, total - offset);
            } catch (error) {
                const code = (error as NodeJS.ErrnoException).code;
                if (code === 'EAGAIN') {
                    Atomics.wait(this.sleeper, 0, 0, 0.1);
                    continue;
                }
                throw this.died(`writing to Python failed (${code})`);
            }
        }
    }

    /** Blocks until the next frame and returns its value. */
    receive(): unknown {
        while (this.end - this.start < HEADER) {
            this.fill();
        }
        const length = this.inBuf.readUInt32BE(this.start);
        while (this.end - this.start < HEADER + length) {
            this.fill();
        }
        const value = this.decoder.decode(this.inBuf.subarray(this.start + HEADER, this.start + HEADER + length));
        this.start += HEADER + length;
        if (this.start === this.end) {
            this.start = this.end = 0;
        }
        return value;
    }

    /** Reads what the pipe has (waiting for at least one byte). */
    protected fill(): void {
        if (this.start > 0 && this.end === this.inBuf.length) {
            this.inBuf.copy(this.inBuf, 0, this.start, this.end);
            this.end -= this.start;
            this.start = 0;
        }
        if (this.end === this.inBuf.length) {
            const bigger = Buffer.allocUnsafe(2 * this.inBuf.length);
            this.inBuf.copy(bigger, 0, this.start, this.end);
            this.end -= this.start;
            this.start = 0;
            this.inBuf = bigger;
        }
        let tries = 0;
        for (;;) {
            let n: number;
            try {
                n = fs.readSync(this.fd, this.inBuf, this.end, this.inBuf.length - this.end, null);
            } catch (error) {
                const code = (error as NodeJS.ErrnoException).code;
                if (code !== 'EAGAIN') {
                    throw this.died(`reading from Python failed (${code})`);
                }
                tries++;
                // Spin first (an answer usually takes tens of microseconds), then sleep in growing slices up to 1 ms.
                if (tries > PythonProcess.spins) {
                    Atomics.wait(this.sleeper, 0, 0, Math.min(1, (tries - PythonProcess.spins) * PythonProcess.sliceMs));
                }
                continue;
            }
            if (n === 0) {
                throw this.died('Python exited');
            }
            this.end += n;
            return;
        }
    }

    /** An error for a child that is gone, with the end of its stderr. */
    protected died(what: string): PythonProcessError {
        const detail = this.stderrTail();
        this.close(0);
        return new PythonProcessError(what, detail);
    }

    /** The last 4 kB the child wrote to stderr. */
    stderrTail(): string {
        try {
            const size = fs.fstatSync(this.errFd).size;
            const n = Math.min(size, 4096);
            const buf = Buffer.alloc(n);
            fs.readSync(this.errFd, buf, 0, n, size - n);
            return buf.toString('utf8').trim();
        } catch {
            return '';
        }
    }

    /** Tells the child to exit ('bye'); kills it if it still holds the channel after `graceMs` (a hook that does not return). */
    close(graceMs = 200): void {
        if (this.closed) {
            return;
        }
        this.closed = true;
        try {
            this.send({ e: 'bye' });
        } catch {
            // gone already
        }
        if (!this.waitForEnd(graceMs)) {
            try {
                this.child.kill('SIGKILL');
            } catch {
                // gone meanwhile
            }
        }
        this.channel.destroy();
        this.closeErr();
        this.removeWorkDir();
    }

    /** Removes the run's folder (once the child is gone; again on its exit, for what it wrote meanwhile). */
    protected removeWorkDir(): void {
        try {
            fs.rmSync(this.workDir, { recursive: true, force: true, maxRetries: 2 });
        } catch {
            // a file the child still writes; the exit handler tries again
        }
    }

    /** Whether the child closed the channel (exited) within `ms`; what it still wrote is dropped. */
    protected waitForEnd(ms: number): boolean {
        const until = performance.now() + ms;
        const scratch = Buffer.allocUnsafe(4096);
        while (performance.now() < until) {
            try {
                if (fs.readSync(this.fd, scratch, 0, scratch.length, null) === 0) {
                    return true;
                }
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
                    return true;
                }
                Atomics.wait(this.sleeper, 0, 0, 1);
            }
        }
        return false;
    }

    protected closeErr(): void {
        try {
            fs.closeSync(this.errFd);
        } catch {
            // already closed
        }
    }
}
