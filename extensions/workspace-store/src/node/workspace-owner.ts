// *****************************************************************************
// One owner of a workspace's database. DuckDB lets one process open the file read-write and then no
// other process may open it at all; so the process that opens it (the workbench's backend) becomes
// the workspace's owner: it listens on a Unix socket (in a 0700 folder of this user, never TCP) and
// writes `<workspace>/.backtestr/owner.json` (0600: pid, socket, a random token, the database). Another
// client (the CLI) that finds a live owner sends its command line there (a JSON line with the token)
// and gets the output back as JSON lines `{out}`, `{err}` and a final `{exit}`; closing the socket
// cancels the command. Inside the owner, `openWorkspaceDatabase` hands out connections on the owner's
// open database, so the commands run as they would alone. Usable without Theia.
// *****************************************************************************

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { processRuns } from './run-owner';
import { WorkspaceDatabase, workspaceDatabasePath, workspaceInstanceOptions } from './workspace-database';

/** The version of the owner protocol; an owner.json of another version is not used. */
export const WORKSPACE_OWNER_PROTOCOL = 1;

/** What `<workspace>/.backtestr/owner.json` holds. */
export interface WorkspaceOwnerFile {
    readonly protocol: number;
    readonly pid: number;
    readonly socket: string;
    readonly token: string;
    readonly database: string;
}

/** A command line sent to the owner. */
export interface WorkspaceCommandRequest {
    readonly argv: readonly string[];
    /** The client's current folder (relative paths of argv are made absolute by the client). */
    readonly cwd: string;
    /** Whether the client's stderr is a terminal (progress lines are drawn only then). */
    readonly isTTY: boolean;
}

export interface WorkspaceCommandIo {
    readonly out: NodeJS.WritableStream;
    readonly err: NodeJS.WritableStream & { isTTY?: boolean };
    /** Aborted when the client goes away (Ctrl-C, killed): the command should stop. */
    readonly signal: AbortSignal;
}

/** Runs a client's command line in the owner; bound by the CLI's backend module. */
export const WorkspaceCommandHandler = Symbol('WorkspaceCommandHandler');
export interface WorkspaceCommandHandler {
    /** Runs the command (its database opened with openWorkspaceDatabase, which gives the owner's `db`); returns the exit code. */
    run(request: WorkspaceCommandRequest, io: WorkspaceCommandIo, db: WorkspaceDatabase): Promise<number>;
}

/** `<workspace root>/.backtestr/owner.json`. */
export function workspaceOwnerFilePath(workspaceRoot: string): string {
    return path.join(path.dirname(workspaceDatabasePath(workspaceRoot)), 'owner.json');
}

/** The databases this process owns, by resolved path. */
const ownedDatabases = new Map<string, WorkspaceDatabase>();

/** The database of `workspaceRoot` if this process owns it (see startWorkspaceOwner). */
export function ownedWorkspaceDatabase(workspaceRoot: string): WorkspaceDatabase | undefined {
    return ownedDatabases.get(path.resolve(workspaceDatabasePath(workspaceRoot)));
}

/** A connection of its own on the owner's open database: closing it closes the connection, not the database. */
class OwnerSessionDatabase extends WorkspaceDatabase {
    static async on(owner: WorkspaceDatabase): Promise<OwnerSessionDatabase> {
        return new OwnerSessionDatabase(owner.path, owner.instance, await owner.connect());
    }
    override close(): void {
        if (!this.closed) {
            this.closed = true;
            this.connection.closeSync();
        }
    }
}

/** A workspace database opened read-only by this process (a read never writes; nothing migrates). */
class ReadOnlyWorkspaceDatabase extends WorkspaceDatabase {
    static async openFile(dbPath: string): Promise<ReadOnlyWorkspaceDatabase> {
        const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY', ...workspaceInstanceOptions(dbPath) });
        return new ReadOnlyWorkspaceDatabase(dbPath, instance, await instance.connect());
    }
}

/**
 * The one way the commands open a workspace's database: inside the owner, a connection on the owner's
 * database (its close() closes only that connection); elsewhere the file itself, read-only or read-write
 * (created and migrated if needed). Read-only gives undefined when the workspace has no database.
 */
export function openWorkspaceDatabase(workspaceRoot: string, options: { readOnly: true }): Promise<WorkspaceDatabase | undefined>;
export function openWorkspaceDatabase(workspaceRoot: string, options?: { readOnly?: false }): Promise<WorkspaceDatabase>;
export async function openWorkspaceDatabase(workspaceRoot: string, options: { readOnly?: boolean } = {}): Promise<WorkspaceDatabase | undefined> {
    const owned = ownedWorkspaceDatabase(workspaceRoot);
    if (owned) {
        return OwnerSessionDatabase.on(owned);
    }
    const dbPath = workspaceDatabasePath(workspaceRoot);
    if (options.readOnly) {
        return fs.existsSync(dbPath) ? ReadOnlyWorkspaceDatabase.openFile(dbPath) : undefined;
    }
    return WorkspaceDatabase.open(dbPath);
}

/** A 0700 folder of this user for the owner sockets: `$XDG_RUNTIME_DIR/backtestr`, else `<tmp>/backtestr-<uid>` (short: a socket path has ~107 bytes). */
export function ownerSocketDirectory(): string {
    const runtime = process.env.XDG_RUNTIME_DIR;
    const base = runtime && path.isAbsolute(runtime) && fs.existsSync(runtime) ? path.join(runtime, 'backtestr') : path.join(os.tmpdir(), `backtestr-${os.userInfo().uid}`);
    fs.mkdirSync(base, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(base);
    if (!stat.isDirectory() || stat.uid !== os.userInfo().uid || (stat.mode & 0o077) !== 0) {
        throw new Error(`${base}: the workspace owner's socket folder must be a directory of this user with mode 0700 (it is ${(stat.mode & 0o777).toString(8)}, uid ${stat.uid}); remove it and restart`);
    }
    return base;
}

/** The owner of `workspaceRoot` as owner.json names it, if that file is of this protocol and its process lives; else undefined (stale or none). */
export function findWorkspaceOwner(workspaceRoot: string): WorkspaceOwnerFile | undefined {
    let owner: Partial<WorkspaceOwnerFile>;
    try {
        owner = JSON.parse(fs.readFileSync(workspaceOwnerFilePath(workspaceRoot), 'utf8'));
    } catch {
        return undefined;
    }
    if (owner.protocol !== WORKSPACE_OWNER_PROTOCOL || typeof owner.pid !== 'number' || typeof owner.socket !== 'string' || typeof owner.token !== 'string'
        || owner.pid === process.pid || !processRuns(owner.pid)) {
        return undefined;
    }
    return owner as WorkspaceOwnerFile;
}

/** A running owner: stop() closes the socket and removes owner.json (also done when the process exits). */
export interface WorkspaceOwner {
    readonly file: WorkspaceOwnerFile;
    stop(): void;
}

/** A writable that sends what is written to it as `{[key]: text}` lines on the socket. */
function lineStream(socket: net.Socket, key: 'out' | 'err', isTTY: boolean): Writable & { isTTY?: boolean } {
    const stream: Writable & { isTTY?: boolean } = new Writable({
        write(chunk: Buffer | string, _encoding, done): void {
            if (!socket.destroyed) {
                socket.write(JSON.stringify({ [key]: chunk.toString() }) + '\n');
            }
            done();
        }
    });
    stream.isTTY = isTTY;
    return stream;
}

function sameToken(given: unknown, token: string): boolean {
    const a = Buffer.from(typeof given === 'string' ? given : '');
    const b = Buffer.from(token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * Makes this process the owner of `workspaceRoot`, whose database `db` it has open (read-write, so no other
 * owner can live): listens on a socket for command lines that `handler` runs, and writes owner.json (an old,
 * stale one is replaced). `log` hears of failed requests.
 */
export async function startWorkspaceOwner(workspaceRoot: string, db: WorkspaceDatabase, handler: WorkspaceCommandHandler,
    log: (message: string) => void = () => undefined): Promise<WorkspaceOwner> {
    const database = path.resolve(db.path);
    const socketPath = path.join(ownerSocketDirectory(), `${crypto.createHash('sha256').update(database).digest('hex').slice(0, 16)}.sock`);
    const token = crypto.randomBytes(32).toString('hex');
    const file: WorkspaceOwnerFile = { protocol: WORKSPACE_OWNER_PROTOCOL, pid: process.pid, socket: socketPath, token, database };
    const ownerFile = workspaceOwnerFilePath(workspaceRoot);
    const server = net.createServer(socket => serve(socket));
    const serve = (socket: net.Socket): void => {
        let buffered = '';
        const abort = new AbortController();
        socket.setEncoding('utf8');
        socket.on('error', () => undefined);
        socket.on('close', () => abort.abort());
        const onData = (chunk: string): void => {
            buffered += chunk;
            const nl = buffered.indexOf('\n');
            if (nl < 0) {
                if (buffered.length > 1 << 20) {
                    socket.destroy();
                }
                return;
            }
            socket.off('data', onData);
            const send = (message: object): void => {
                if (!socket.destroyed) {
                    socket.write(JSON.stringify(message) + '\n');
                }
            };
            let request: { token?: unknown; argv?: unknown; cwd?: unknown; isTTY?: unknown };
            try {
                request = JSON.parse(buffered.slice(0, nl));
            } catch {
                request = {};
            }
            if (!sameToken(request.token, token) || !Array.isArray(request.argv) || !request.argv.every(a => typeof a === 'string')) {
                send({ err: `backtestr: the workspace owner (pid ${process.pid}) refused the request: wrong token or malformed request (protocol ${WORKSPACE_OWNER_PROTOCOL})\n` });
                send({ exit: 1 });
                socket.end();
                return;
            }
            const isTTY = request.isTTY === true;
            const req: WorkspaceCommandRequest = { argv: request.argv as string[], cwd: typeof request.cwd === 'string' ? request.cwd : workspaceRoot, isTTY };
            handler.run(req, { out: lineStream(socket, 'out', false), err: lineStream(socket, 'err', isTTY), signal: abort.signal }, db).then(
                code => code,
                error => {
                    log(`The command 'backtestr ${req.argv.join(' ')}' failed in the workspace owner: ${error instanceof Error ? error.stack : String(error)}`);
                    send({ err: `backtestr: ${error instanceof Error ? error.message : String(error)}\n` });
                    return 1;
                }
            ).then(code => {
                send({ exit: code });
                socket.end();
            });
        };
        socket.on('data', onData);
    };
    // We hold the database read-write, so a socket of this database left behind is a dead owner's.
    fs.rmSync(socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => {
            server.off('error', reject);
            resolve();
        });
    });
    fs.chmodSync(socketPath, 0o600);
    const temp = `${ownerFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(file, undefined, 2) + '\n', { mode: 0o600 });
    fs.renameSync(temp, ownerFile);
    ownedDatabases.set(database, db);
    let stopped = false;
    const stop = (): void => {
        if (stopped) {
            return;
        }
        stopped = true;
        process.off('exit', stop);
        ownedDatabases.delete(database);
        server.close();
        try {
            const current = JSON.parse(fs.readFileSync(ownerFile, 'utf8')) as Partial<WorkspaceOwnerFile>;
            if (current.token === token) {
                fs.rmSync(ownerFile, { force: true });
            }
        } catch {
            // gone already
        }
        fs.rmSync(socketPath, { force: true });
    };
    process.on('exit', stop);
    return { file, stop };
}

export interface ForwardStreams {
    readonly out: NodeJS.WritableStream;
    readonly err: NodeJS.WritableStream & { isTTY?: boolean };
}

/** How long a client waits for an owner that went away mid-command to end (its database lock goes with it) before it takes over. */
const OWNER_EXIT_WAIT_MS = 5000;

/** Resolves once process `pid` has ended, or after `ms` (a zombie nobody reaps still answers kill 0, but holds no lock). */
async function processEnded(pid: number, ms: number): Promise<void> {
    for (const start = Date.now(); processRuns(pid) && Date.now() - start < ms;) {
        await new Promise(resolve => setTimeout(resolve, 50));
    }
}

/**
 * Sends a command line to a workspace's owner and relays its output; resolves the command's exit code, or
 * undefined when the command is to run here instead: the owner's socket cannot be reached (a stale owner.json),
 * or the owner went away before the command ended (killed, crashed, the workbench closed): then, once its
 * process has ended, this client takes over and says so on `err`. A command the owner had not finished left the
 * database as it was (an import is one transaction; a run it stored is marked interrupted by the next store that
 * opens the database), so running it again here loses nothing.
 */
export function forwardToWorkspaceOwner(owner: WorkspaceOwnerFile, request: WorkspaceCommandRequest, io: ForwardStreams): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
        const socket = net.connect(owner.socket);
        let connected = false;
        let exit: number | undefined;
        let buffered = '';
        socket.setEncoding('utf8');
        socket.on('connect', () => {
            connected = true;
            socket.write(JSON.stringify({ token: owner.token, ...request }) + '\n');
        });
        socket.on('data', (chunk: string) => {
            buffered += chunk;
            let nl: number;
            while ((nl = buffered.indexOf('\n')) >= 0) {
                const message = JSON.parse(buffered.slice(0, nl)) as { out?: string; err?: string; exit?: number };
                buffered = buffered.slice(nl + 1);
                if (message.out !== undefined) {
                    io.out.write(message.out);
                } else if (message.err !== undefined) {
                    io.err.write(message.err);
                } else if (typeof message.exit === 'number') {
                    exit = message.exit;
                }
            }
        });
        socket.on('error', (error: NodeJS.ErrnoException) => {
            if (!connected && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT')) {
                resolve(undefined);
            } else if (connected) {
                // The owner went away mid-command (a reset connection): 'close' follows and takes over.
            } else {
                reject(new Error(`The workspace owner (pid ${owner.pid}, ${owner.socket}) failed: ${error.message}`));
            }
        });
        socket.on('close', () => {
            if (!connected) {
                return;
            }
            if (exit !== undefined) {
                resolve(exit);
                return;
            }
            io.err.write(`backtestr: the workbench (pid ${owner.pid}) that held the workspace went away during the command; running it here\n`);
            processEnded(owner.pid, OWNER_EXIT_WAIT_MS).then(() => resolve(undefined));
        });
    });
}
