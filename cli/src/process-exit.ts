// *****************************************************************************
// How the `backtestr` process ends, whichever way it ends: a normal or failed command, an
// interrupt (SIGINT, SIGTERM, SIGHUP) or a reader that closed its end of the output pipe
// (`backtestr runs | head`). Every way out ends the processes the CLI started and their own
// (Python strategy hosts, plugin hosts, Chromium printing a report): a Python host stuck in a
// call that holds its interpreter lock cannot notice that the CLI has gone, and would run on.
// A closed output pipe ends the CLI quietly with 0: the reader has what it asked for.
// Installed by bin/backtestr.js only (the specs run the commands in-process).
// *****************************************************************************

import { execFileSync } from 'child_process';
import * as fs from 'fs';

/** Exit codes of the signals that end the CLI: 128 + the signal's number, as a shell reports them. */
const SIGNAL_EXIT_CODES: ReadonlyMap<NodeJS.Signals, number> = new Map([['SIGHUP', 129], ['SIGINT', 130], ['SIGTERM', 143]]);

/** pid -> parent pid of every process this user can see: /proc on Linux, else `ps`; empty when neither answers. */
function processParents(): Map<number, number> {
    const parents = new Map<number, number>();
    if (fs.existsSync('/proc/self/stat')) {
        for (const entry of fs.readdirSync('/proc')) {
            if (!/^\d+$/.test(entry)) {
                continue;
            }
            try {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the fields after the last ')' do not.
                const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
                const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
                parents.set(Number(entry), ppid);
            } catch {
                // The process ended while we looked.
            }
        }
        return parents;
    }
    if (process.platform === 'win32') {
        return parents;
    }
    try {
        const table = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        for (const line of table.split('\n')) {
            const [pid, ppid] = line.trim().split(/\s+/).map(Number);
            if (Number.isInteger(pid) && Number.isInteger(ppid)) {
                parents.set(pid, ppid);
            }
        }
    } catch {
        // No ps: nothing to walk.
    }
    return parents;
}

/** The processes below `root` (children, their children, ...), parents before their children. */
export function descendantProcesses(root: number = process.pid): number[] {
    const children = new Map<number, number[]>();
    for (const [pid, ppid] of processParents()) {
        children.set(ppid, [...children.get(ppid) ?? [], pid]);
    }
    const out: number[] = [];
    const queue = [...children.get(root) ?? []];
    while (queue.length) {
        const pid = queue.shift()!;
        if (pid !== root && !out.includes(pid)) {
            out.push(pid);
            queue.push(...children.get(pid) ?? []);
        }
    }
    return out;
}

/** Kills (SIGKILL) every process below this one; the whole tree is listed first, so that no grandchild escapes as an orphan. */
export function killDescendantProcesses(): void {
    for (const pid of descendantProcesses()) {
        try {
            process.kill(pid, 'SIGKILL');
        } catch {
            // Already gone.
        }
    }
}

function isClosedPipe(error: NodeJS.ErrnoException): boolean {
    return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
}

/**
 * Makes every way out of this process end its descendants; interrupts exit with 128 + the signal's
 * number; a closed stdout or stderr ends the process quietly with 0 instead of an EPIPE stack trace.
 */
export function installExitHandling(): void {
    process.on('exit', killDescendantProcesses);
    for (const [signal, code] of SIGNAL_EXIT_CODES) {
        process.on(signal, () => process.exit(code));
    }
    for (const stream of [process.stdout, process.stderr]) {
        stream.on('error', (error: NodeJS.ErrnoException) => {
            if (!isClosedPipe(error)) {
                throw error;
            }
            process.exit(0);
        });
    }
}
