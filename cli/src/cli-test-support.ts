// *****************************************************************************
// Test support of the CLI specs: runs a verb in-process with its output captured, or the real
// program as a child process.
// *****************************************************************************

import * as childProcess from 'child_process';
import * as path from 'path';
import { Writable } from 'stream';
import { main } from './backtestr-cli';

/** A writable stream that keeps what was written to it. */
export class Capture extends Writable {
    text = '';
    override _write(chunk: Buffer, _encoding: string, done: () => void): void {
        this.text += chunk.toString();
        done();
    }
}

export interface CliOutcome {
    readonly code: number;
    readonly out: string;
    readonly err: string;
}

/** Runs `command(argv, streams)` with captured streams. */
export async function captured(command: (argv: string[], io: { out: Capture; err: Capture }) => Promise<number>, argv: string[]): Promise<CliOutcome> {
    const out = new Capture();
    const err = new Capture();
    const code = await command(argv, { out, err });
    return { code, out: out.text, err: err.text };
}

/** `backtestr ...argv`, in-process. */
export function cli(...argv: string[]): Promise<CliOutcome> {
    return captured(main, argv);
}

/** The real `backtestr` program (bin/backtestr.js): run as a separate process by the specs that need its exits, signals and pipes. */
export const CLI_BIN = path.resolve(__dirname, '../bin/backtestr.js');

/** Starts `backtestr ...argv` as a child process (its output piped). */
export function spawnCli(argv: readonly string[], options: childProcess.SpawnOptions = {}): childProcess.ChildProcess {
    return childProcess.spawn(process.execPath, [CLI_BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** The exit of a child started by spawnCli, with what it wrote to the pipes still open. */
export function exited(child: childProcess.ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => out += chunk.toString());
    child.stderr?.on('data', (chunk: Buffer) => err += chunk.toString());
    return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => resolve({ code, signal, out, err }));
    });
}
