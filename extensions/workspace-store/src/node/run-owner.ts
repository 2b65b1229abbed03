// *****************************************************************************
// The process that runs a backtest (its owner), recorded with the run while it runs, so that a
// later open of the workspace can tell a run still going from one whose process was killed or
// crashed. A process is named by host, pid and, on Linux, its start (boot id and start time in
// clock ticks since boot), so that a pid the system has given to another process since does not
// keep a dead run `running`. Elsewhere the pid alone is checked (signal 0).
// *****************************************************************************

import * as fs from 'fs';
import * as os from 'os';

export interface RunOwner {
    readonly host: string;
    readonly pid: number;
    /** `<boot id>:<start time>` where /proc tells it; absent elsewhere. */
    readonly start?: string;
}

function bootId(): string | undefined {
    try {
        return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
        return undefined;
    }
}

/**
 * Field 22 of /proc/<pid>/stat (the start time in clock ticks after boot); undefined when there is no such
 * process, it has ended (a zombie not reaped yet) or there is no /proc.
 */
function startTicks(pid: number): string | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the fields after the last ')' start at field 3.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[22 - 3];
    } catch {
        return undefined;
    }
}

function startOf(pid: number): string | undefined {
    const boot = bootId();
    const ticks = startTicks(pid);
    return boot && ticks ? `${boot}:${ticks}` : undefined;
}

let self: RunOwner | undefined;

/** This process, as a run's owner. */
export function currentRunOwner(): RunOwner {
    if (!self) {
        const start = startOf(process.pid);
        self = { host: os.hostname(), pid: process.pid, ...start ? { start } : {} };
    }
    return self;
}

/**
 * Whether the owner has ended: `false` when it still runs, and when it cannot be told (another host's
 * process is not ours to check, so its runs stay as they are).
 */
export function runOwnerEnded(owner: RunOwner): boolean {
    if (owner.host !== os.hostname()) {
        return false;
    }
    if (owner.start !== undefined) {
        const [boot] = owner.start.split(':');
        // Another boot, no such process, or another process under the same pid.
        return boot !== bootId() || startOf(owner.pid) !== owner.start;
    }
    return !processRuns(owner.pid);
}

/** Whether process `pid` runs on this machine (one we may not signal runs too). */
export function processRuns(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code !== 'ESRCH';
    }
}

/** The owner stored as `runs.owner`; undefined for a value that is not one (then nothing is concluded from it). */
export function parseRunOwner(text: unknown): RunOwner | undefined {
    if (typeof text !== 'string') {
        return undefined;
    }
    try {
        const value = JSON.parse(text) as Partial<RunOwner>;
        return typeof value.host === 'string' && Number.isInteger(value.pid) && (value.start === undefined || typeof value.start === 'string')
            ? { host: value.host, pid: value.pid!, ...value.start !== undefined ? { start: value.start } : {} } : undefined;
    } catch {
        return undefined;
    }
}
