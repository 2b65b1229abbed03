// *****************************************************************************
// Test support of the CLI specs: runs a verb in-process with its output captured.
// *****************************************************************************

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
