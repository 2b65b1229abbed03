// *****************************************************************************
// A Python child process spoken to synchronously: length-prefixed MessagePack frames (4-byte
// big-endian length, then the body) on its stdin and stdout. The strategy session calls hooks
// synchronously, so a request blocks this thread until the answer is there: the pipe ends
// are non-blocking sockets (libuv's), read with fs.readSync and, while nothing is there, a
// short spin then Atomics.wait in growing slices. The wait stays interruptible: a worker
// terminated by the stall timeout stops here, its handles close, and the child's watchdog
// thread sees the hang-up and exits (even while the strategy's hook loops forever).
// *****************************************************************************

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Decoder, Encoder } from '@msgpack/msgpack';

/** The SDK folder put on the child's PYTHONPATH (extensions/engine/python, beside lib/ and src/). */
export const PYTHON_SDK_DIR = path.resolve(__dirname, '../../../../python');

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
    _handle?: { fd?: number };
}

const HEADER = 4;

export class PythonProcess {
    readonly child: ChildProcess;
    protected readonly readFd: number;
    protected readonly writeFd: number;
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

    /** Starts `python -B -m <module> ...args`; throws PythonProcessError when the interpreter cannot be started. */
    constructor(readonly interpreter: string, module: string, args: readonly string[]) {
        // Python's stderr goes to an unlinked temp file we keep open: read back to explain a crash.
        const errFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-py-')), 'stderr');
        this.errFd = fs.openSync(errFile, 'w+');
        fs.rmSync(path.dirname(errFile), { recursive: true, force: true });
        const pythonPath = [PYTHON_SDK_DIR, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
        this.child = spawn(interpreter, ['-B', '-m', module, ...args], {
            stdio: ['pipe', 'pipe', this.errFd], env: { ...process.env, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
            windowsHide: true
        });
        this.child.on('error', () => { /* reported synchronously below, or by the pipe's end */ });
        const readFd = (this.child.stdout as unknown as StreamWithHandle | null)?._handle?.fd;
        const writeFd = (this.child.stdin as unknown as StreamWithHandle | null)?._handle?.fd;
        if (this.child.pid === undefined || readFd === undefined || writeFd === undefined || readFd < 0 || writeFd < 0) {
            this.closeErr();
            throw new PythonProcessError(`cannot start '${interpreter}'`, '');
        }
        this.readFd = readFd;
        this.writeFd = writeFd;
        // Neither the child nor its pipes keep the thread's event loop alive.
        this.child.unref();
        (this.child.stdin as unknown as { unref?(): void }).unref?.();
        (this.child.stdout as unknown as { unref?(): void }).unref?.();
        // Node must not read the child's stdout itself: we read it synchronously.
        this.child.stdout!.pause();
        (this.child.stdout as unknown as { _handle?: { readStop?(): number } })._handle?.readStop?.();
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
                offset += fs.writeSync(this.writeFd, this.outBuf, offset, total - offset);
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
                n = fs.readSync(this.readFd, this.inBuf, this.end, this.inBuf.length - this.end, null);
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
        this.close();
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

    /** Closes the child's stdin (it exits at end of input) and kills it if it is still there. */
    close(): void {
        if (this.closed) {
            return;
        }
        this.closed = true;
        this.child.stdin?.destroy();
        this.child.stdout?.destroy();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            this.child.kill('SIGKILL');
        }
        this.closeErr();
    }

    protected closeErr(): void {
        try {
            fs.closeSync(this.errFd);
        } catch {
            // already closed
        }
    }
}
