import { expect } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { WorkspaceDatabase, workspaceDatabasePath } from './workspace-database';
import {
    findWorkspaceOwner, forwardToWorkspaceOwner, openWorkspaceDatabase, ownedWorkspaceDatabase, startWorkspaceOwner, WorkspaceCommandHandler,
    WorkspaceOwner, workspaceOwnerFilePath, WORKSPACE_OWNER_PROTOCOL
} from './workspace-owner';

function collect(): { stream: PassThrough; text: () => string } {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => text += chunk.toString());
    return { stream, text: () => text };
}

describe('workspace owner', () => {
    let root = '';
    let db: WorkspaceDatabase | undefined;
    let owner: WorkspaceOwner | undefined;
    let sleeper: ChildProcess | undefined;

    beforeEach(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-owner-unit-'));
        db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
    });

    afterEach(() => {
        owner?.stop();
        owner = undefined;
        db?.close();
        sleeper?.kill('SIGKILL');
        fs.rmSync(root, { recursive: true, force: true });
    });

    it('inside the owner, openWorkspaceDatabase gives connections on its database whose close leaves it open', async () => {
        const echo: WorkspaceCommandHandler = { run: async () => 0 };
        owner = await startWorkspaceOwner(root, db!, echo);
        expect(ownedWorkspaceDatabase(root)).to.equal(db);
        const session = await openWorkspaceDatabase(root, { readOnly: true });
        await session!.run('CREATE TABLE owner_probe (x INTEGER)');
        session!.close();
        expect(await db!.all('SELECT count(*)::INTEGER AS n FROM owner_probe')).to.deep.equal([{ n: 0 }]);
        owner.stop();
        owner = undefined;
        expect(ownedWorkspaceDatabase(root)).to.equal(undefined);
        expect(fs.existsSync(workspaceOwnerFilePath(root))).to.equal(false);
    });

    it('relays a command\'s output, its stderr\'s terminal flag and its exit code', async () => {
        const seen: string[][] = [];
        owner = await startWorkspaceOwner(root, db!, {
            run: async (request, io) => {
                seen.push([...request.argv]);
                io.out.write('hello\n');
                io.err.write(`tty ${io.err.isTTY}\n`);
                return 3;
            }
        });
        const out = collect();
        const err = collect();
        const code = await forwardToWorkspaceOwner(owner.file, { argv: ['runs', '--json'], cwd: root, isTTY: true }, { out: out.stream, err: err.stream });
        expect(code).to.equal(3);
        expect(out.text()).to.equal('hello\n');
        expect(err.text()).to.equal('tty true\n');
        expect(seen).to.deep.equal([['runs', '--json']]);
    });

    it('aborts the command of a client that goes away', async () => {
        let started: () => void = () => undefined;
        const running = new Promise<void>(resolve => started = resolve);
        const aborted = new Promise<string>(resolve => {
            startWorkspaceOwner(root, db!, {
                run: (_request, io) => new Promise<number>(done => {
                    io.signal.addEventListener('abort', () => {
                        resolve('aborted');
                        done(130);
                    });
                    started();
                })
            }).then(o => {
                owner = o;
                const socket = net.connect(o.file.socket, () => socket.write(JSON.stringify({ token: o.file.token, argv: ['run'], cwd: root, isTTY: false }) + '\n'));
                running.then(() => socket.destroy());
            });
        });
        expect(await aborted).to.equal('aborted');
    });

    it('ignores an owner file that is stale: of a dead process, of another protocol, malformed; and one whose socket refuses gives no exit code', async () => {
        const file = workspaceOwnerFilePath(root);
        const write = (content: object | string): void => fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
        const dead = spawn(process.execPath, ['-e', '']);
        await new Promise(resolve => dead.once('exit', resolve));
        const base = { protocol: WORKSPACE_OWNER_PROTOCOL, pid: dead.pid!, socket: path.join(root, 'none.sock'), token: 'x', database: workspaceDatabasePath(root) };
        write(base);
        expect(findWorkspaceOwner(root)).to.equal(undefined);
        sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 60000)']);
        write({ ...base, pid: sleeper.pid!, protocol: WORKSPACE_OWNER_PROTOCOL + 1 });
        expect(findWorkspaceOwner(root)).to.equal(undefined);
        write('{ not json');
        expect(findWorkspaceOwner(root)).to.equal(undefined);
        // A live process that is not an owner (a reused pid): nothing listens on the socket.
        write({ ...base, pid: sleeper.pid! });
        const found = findWorkspaceOwner(root);
        expect(found).to.include({ pid: sleeper.pid });
        expect(await forwardToWorkspaceOwner(found!, { argv: ['runs'], cwd: root, isTTY: false }, { out: collect().stream, err: collect().stream })).to.equal(undefined);
        // A new owner replaces the stale file.
        owner = await startWorkspaceOwner(root, db!, { run: async () => 0 });
        expect(JSON.parse(fs.readFileSync(file, 'utf8'))).to.deep.equal(owner.file);
        expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    });
});
