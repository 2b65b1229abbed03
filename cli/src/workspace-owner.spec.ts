// The CLI beside the workbench: a real owner process holds the workspace's DuckDB read-write (as the
// workbench's backend does, wired by the same provider and the CLI's backend module), and the real
// `backtestr` program, run as separate processes, reaches the database through it; after the owner is
// killed -9 the CLI opens the files itself.
import { expect } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findWorkspaceOwner, forwardToWorkspaceOwner, WorkspaceDatabaseProvider, workspaceOwnerFilePath } from '@backtestr/workspace-store/lib/node';
import { Container } from '@theia/core/shared/inversify';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { Capture, exited, spawnCli } from './cli-test-support';
import { ownerArguments } from './owner-arguments';

const STRATEGIES = path.resolve(__dirname, '../../sample-workspace/strategies');
const FIXTURE = path.join(__dirname, 'workspace-owner-fixture.js');

/** `minutes` minutes of SPY trade ticks of the Lean format (ms since midnight New York, price x 10000 on the cent grid, size), one a second. */
function spyTrades(minutes: number, base: number): string {
    const lines: string[] = [];
    for (let i = 0; i < minutes * 60; i++) {
        lines.push(`${34_200_000 + i * 1000},${base + Math.round(Math.sin(i / 97) * 30) * 100},${100 + (i % 7)},P,,0`);
    }
    return lines.join('\n') + '\n';
}

interface Owner {
    readonly child: ChildProcess;
    /** The run ids the owner's own RunStore lists (newest first), their statuses, the changes it announced, and its runs in progress. */
    runs(): Promise<{ ids: string[]; statuses: string[]; changes: { kind: string; id: string }[]; active: { id: string; ticks: number }[] }>;
    /** Cancels a run in progress as the Runs view's Cancel does. */
    cancel(id: string): void;
}

function startOwner(root: string): Promise<Owner> {
    const child = spawn(process.execPath, [FIXTURE, root], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => err += chunk.toString());
    const waiters: ((line: string) => void)[] = [];
    return new Promise((resolve, reject) => {
        child.once('exit', code => reject(new Error(`the owner exited with ${code} before listening: ${err}`)));
        child.stdout!.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            let nl: number;
            while ((nl = out.indexOf('\n')) >= 0) {
                const line = out.slice(0, nl);
                out = out.slice(nl + 1);
                if (line.startsWith('owner ')) {
                    resolve({
                        child,
                        runs: () => new Promise(done => {
                            waiters.push(l => done(JSON.parse(l)));
                            child.stdin!.write('runs\n');
                        }),
                        cancel: id => child.stdin!.write(`cancel ${id}\n`)
                    });
                } else {
                    waiters.shift()?.(line);
                }
            }
        });
    });
}

async function backtestr(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
    return exited(spawnCli(argv, { cwd, env }));
}

describe('backtestr beside the workbench: one owner of the workspace', function (): void {
    this.timeout(300_000);
    let work = '';
    let root = '';
    let owner: Owner | undefined;
    let env: NodeJS.ProcessEnv = {};
    let storedRun = '';
    let everyRun: string[] = [];

    before(async () => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-owner-'));
        root = path.join(work, 'workspace');
        fs.mkdirSync(path.join(work, 'data'), { recursive: true });
        fs.mkdirSync(path.join(work, 'plugins'), { recursive: true });
        fs.writeFileSync(path.join(work, 'data', '20131007_spy_Trade_Tick.csv'), spyTrades(60, 1_675_000));
        fs.writeFileSync(path.join(work, 'data', '20131008_spy_Trade_Tick.csv'), spyTrades(60, 1_680_000));
        env = { ...process.env, BACKTESTR_PLUGIN_DIR: path.join(work, 'plugins') };
        delete env.BACKTESTR_WORKSPACE;
        // The workspace, made by the CLI alone (no owner yet): one day of SPY trades.
        const imported = await backtestr(['import', path.join(work, 'data', '20131007_spy_Trade_Tick.csv'), '--workspace', root, '--json'], work, env);
        expect(imported.err).to.not.match(/error|lock/i);
        expect(imported.code).to.equal(0);
        owner = await startOwner(root);
    });

    after(() => {
        owner?.child.kill('SIGKILL');
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it('publishes itself in .backtestr/owner.json (0600) with a socket in a 0700 folder', () => {
        const file = workspaceOwnerFilePath(root);
        expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
        const found = findWorkspaceOwner(root);
        expect(found).to.include({ pid: owner!.child.pid, protocol: 1 });
        expect(found!.token).to.match(/^[0-9a-f]{64}$/);
        expect(fs.statSync(path.dirname(found!.socket)).mode & 0o777).to.equal(0o700);
        expect(Buffer.byteLength(found!.socket)).to.be.lessThan(104);
    });

    it('without it the CLI meets the owner\'s lock (what the owner file is for)', async () => {
        const file = workspaceOwnerFilePath(root);
        const saved = fs.readFileSync(file);
        fs.rmSync(file);
        try {
            const alone = await backtestr(['runs', '--workspace', root], work, env);
            expect(alone.code).to.equal(1);
            expect(alone.err).to.match(/Could not set lock on file/);
        } finally {
            fs.writeFileSync(file, saved, { mode: 0o600 });
        }
    });

    it('runs, datasets, quality and export run in the owner, on its database', async () => {
        const runs = await backtestr(['runs', '--workspace', root, '--json'], work, env);
        expect(runs.err).to.equal('');
        expect(runs.code).to.equal(0);
        expect(JSON.parse(runs.out)).to.deep.equal([]);
        // The workspace from BACKTESTR_WORKSPACE, as the commands read it.
        const datasets = await backtestr(['datasets', '--json'], work, { ...env, BACKTESTR_WORKSPACE: root });
        expect(datasets.code, datasets.err).to.equal(0);
        const list = JSON.parse(datasets.out) as { symbol: string; kind: string; tickCount: number }[];
        expect(list.map(d => `${d.symbol} ${d.kind} ${d.tickCount}`)).to.deep.equal(['SPY trades 3600']);
        const quality = await backtestr(['quality', 'SPY', 'trades', '--workspace', root, '--json'], work, env);
        expect(quality.code, quality.err).to.equal(0);
        expect(JSON.parse(quality.out).days).to.have.length(1);
        // A relative target is the client's folder's, not the owner's.
        const exported = await backtestr(['export', 'SPY', 'trades', 'csv', 'spy.csv', '--workspace', root], work, env);
        expect(exported.code, exported.err).to.equal(0);
        expect(fs.readFileSync(path.join(work, 'spy.csv'), 'utf8').trim().split('\n').length).to.be.greaterThan(3600);
    });

    it('run --no-save and run: the strategy (a path relative to the client\'s folder) runs in the owner; the stored run goes through its RunStore', async () => {
        const dry = await backtestr(['run', 'sma-cross.ts', '--workspace', root, '--symbol', 'SPY', '--no-save', '--json'], STRATEGIES, env);
        expect(dry.code, dry.err).to.equal(0);
        expect(JSON.parse(dry.out).ticks).to.equal(3600);
        expect(await owner!.runs()).to.deep.include({ ids: [], changes: [], active: [] });
        const stored = await backtestr(['run', 'sma-cross.ts', '--workspace', root, '--symbol', 'SPY', '--json'], STRATEGIES, env);
        expect(stored.code, stored.err).to.equal(0);
        storedRun = JSON.parse(stored.out).run.id;
        // Stored by the owner's RunStore: listed, and announced as the Runs view is told.
        expect(await owner!.runs()).to.deep.equal({
            ids: [storedRun], statuses: ['finished'], changes: [{ kind: 'created', id: storedRun }, { kind: 'finished', id: storedRun }], active: []
        });
        const failed = await backtestr(['run', 'sma-cross.ts', '--workspace', root, '--symbol', 'SPY', '--param', 'fast=1', '--no-save'], STRATEGIES, env);
        expect(failed.code).to.equal(2);
        expect(failed.err).to.contain('--param');
    });

    it('report writes into the client\'s folder; import adds a day the owner sees', async () => {
        const report = await backtestr(['report', 'latest', '--workspace', root, '--format', 'json', '--out', 'report.json'], work, env);
        expect(report.code, report.err).to.equal(0);
        expect(JSON.parse(fs.readFileSync(path.join(work, 'report.json'), 'utf8'))).to.be.an('object');
        const imported = await backtestr(['import', path.join('data', '20131008_spy_Trade_Tick.csv'), '--workspace', root, '--json'], work, env);
        expect(imported.code, imported.err).to.equal(0);
        expect(JSON.parse(imported.out).rows).to.equal(3600);
        const datasets = await backtestr(['datasets', '--workspace', root, '--json'], work, env);
        expect((JSON.parse(datasets.out) as { tickCount: number }[])[0].tickCount).to.equal(7200);
    });

    it('audit runs in the owner too: the run and its cut runs on the owner\'s database, the verdict relayed', async () => {
        const audit = await backtestr(['audit', 'sma-cross.ts', '--workspace', root, '--symbol', 'SPY', '--cuts', '2', '--no-save', '--json'], STRATEGIES, env);
        expect(audit.code, audit.err).to.equal(0);
        const out = JSON.parse(audit.out) as { ticks: number; audit: { verdict: string; cutTimes: number[] } };
        expect(out.audit.verdict).to.equal('pass');
        expect(out.audit.cutTimes).to.have.length(2);
        expect(out.ticks).to.equal(7200);
    });

    it('a CLI run in the owner is one of its runs in progress (the Runs view lists it); cancelled there, the CLI says so', async () => {
        const slow = path.join(work, 'slow-listed.ts');
        fs.writeFileSync(slow, `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'test.slow-listed', params: {}, subscribe: { tick: true },
    onTick() { const t = Date.now(); while (Date.now() - t < 1) { /* slow on purpose: a batch of ticks takes seconds */ } } });
`);
        const done = backtestr(['run', slow, '--workspace', root, '--symbol', 'SPY', '--json'], work, env);
        let state = await owner!.runs();
        // Listed from its start (its progress comes per batch of ticks: this day is one batch).
        while (state.active.length === 0) {
            await new Promise(resolve => setTimeout(resolve, 100));
            state = await owner!.runs();
        }
        expect(state.active[0].id).to.equal(state.ids[0]);
        expect(state.statuses[0]).to.equal('running');
        owner!.cancel(state.active[0].id);
        const cli = await done;
        expect(cli.code).to.equal(1);
        expect(cli.err).to.match(/cancel/i);
        state = await owner!.runs();
        expect(state.statuses[0]).to.equal('cancelled');
        expect(state.active).to.deep.equal([]);
    });

    it('Ctrl-C of a CLI whose run goes on in the owner cancels that run there', async () => {
        const slow = path.join(work, 'slow.ts');
        fs.writeFileSync(slow, `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'test.slow', params: {}, subscribe: { tick: true },
    onTick() { const t = Date.now(); while (Date.now() - t < 20) { /* slow on purpose */ } } });
`);
        const before = (await owner!.runs()).ids.length;
        const child = spawnCli(['run', slow, '--workspace', root, '--symbol', 'SPY', '--json'], { cwd: work, env });
        const done = exited(child);
        let state = await owner!.runs();
        while (state.ids.length === before) {
            await new Promise(resolve => setTimeout(resolve, 100));
            state = await owner!.runs();
        }
        expect(state.statuses[0]).to.equal('running');
        child.kill('SIGINT');
        expect((await done).code).to.equal(130);
        while (state.statuses[0] === 'running') {
            await new Promise(resolve => setTimeout(resolve, 100));
            state = await owner!.runs();
        }
        expect(state.statuses[0]).to.equal('cancelled');
        everyRun = state.ids;
    });

    it('bench and seed, which run only alone, say that the workbench holds the workspace', async () => {
        for (const argv of [['bench', '--workspace', root, '--symbol', 'SPY', '--repeat', '1'], ['seed', '--workspace', root]]) {
            const alone = await backtestr(argv, work, env);
            expect(alone.code, argv[0]).to.equal(1);
            expect(alone.err, argv[0]).to.contain(`backtestr: ${argv[0]}: the workbench (pid ${owner!.child.pid}) has ${root} open and holds its database`);
        }
    });

    it('refuses a request without the owner file\'s token', async () => {
        const found = findWorkspaceOwner(root)!;
        const err = new Capture();
        const code = await forwardToWorkspaceOwner({ ...found, token: '0'.repeat(64) }, { argv: ownerArguments(['runs'], root).argv, cwd: root, isTTY: false },
            { out: new Capture(), err });
        expect(code).to.equal(1);
        expect(err.text).to.contain('refused the request');
    });

    it('a second workbench backend on the workspace is told that another workbench holds it, not DuckDB\'s lock message', async () => {
        const saved = process.env.BACKTESTR_WORKSPACE;
        process.env.BACKTESTR_WORKSPACE = root;
        const container = new Container();
        container.bind(ILogger).toConstantValue(new MockLogger());
        container.bind(WorkspaceDatabaseProvider).toSelf().inSingletonScope();
        const second = container.get(WorkspaceDatabaseProvider);
        try {
            let message = '';
            await second.db().catch((error: Error) => message = error.message);
            expect(message).to.equal(`The workspace ${root} is open in another BackTestr workbench (pid ${owner!.child.pid}), which holds its database: `
                + 'close it there, or open this folder in that workbench (its terminal\'s backtestr commands reach it).');
        } finally {
            second.dispose();
            process.env.BACKTESTR_WORKSPACE = saved;
            if (saved === undefined) {
                delete process.env.BACKTESTR_WORKSPACE;
            }
        }
    });

    it('the owner killed -9 during a CLI run: the CLI takes over and runs it itself; the owner\'s unfinished run is kept, marked interrupted', async () => {
        // Slow for its first second only, so that the run here, after the take-over, is quick.
        const slowStart = path.join(work, 'slow-start.ts');
        fs.writeFileSync(slowStart, `import { defineStrategy } from '@backtestr/plugins-sdk';
let ticks = 0;
export default defineStrategy({ id: 'test.slow-start', params: {}, subscribe: { tick: true },
    onTick() { if (ticks++ < 50) { const t = Date.now(); while (Date.now() - t < 20) { /* slow on purpose */ } } } });
`);
        const done = backtestr(['run', slowStart, '--workspace', root, '--symbol', 'SPY', '--json'], work, env);
        let state = await owner!.runs();
        while (state.active.length === 0) {
            await new Promise(resolve => setTimeout(resolve, 50));
            state = await owner!.runs();
        }
        const inOwner = state.active[0].id;
        const child = owner!.child;
        await new Promise<void>(resolve => {
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
        });
        owner = undefined;
        const cli = await done;
        expect(cli.code, cli.err).to.equal(0);
        expect(cli.err).to.contain(`the workbench (pid ${child.pid}) that held the workspace went away during the command; running it here`);
        const here = JSON.parse(cli.out) as { run: { id: string; status: string }; ticks: number };
        expect(here.run.status).to.equal('finished');
        expect(here.ticks).to.equal(7200);
        expect(here.run.id).to.not.equal(inOwner);
        const listed = await backtestr(['runs', '--workspace', root, '--json'], work, env);
        const byId = new Map((JSON.parse(listed.out) as { id: string; status: string }[]).map(r => [r.id, r.status]));
        expect(byId.get(inOwner)).to.equal('interrupted');
        expect(byId.get(here.run.id)).to.equal('finished');
        everyRun = [here.run.id, inOwner, ...everyRun];
    });

    it('after the owner is killed -9, the CLI opens the files itself (the stale owner file is ignored)', async () => {
        expect(fs.existsSync(workspaceOwnerFilePath(root))).to.equal(true);
        expect(findWorkspaceOwner(root)).to.equal(undefined);
        const runs = await backtestr(['runs', '--workspace', root, '--json'], work, env);
        expect(runs.code, runs.err).to.equal(0);
        expect((JSON.parse(runs.out) as { id: string }[]).map(r => r.id)).to.deep.equal(everyRun);
        const dry = await backtestr(['run', 'sma-cross.ts', '--workspace', root, '--symbol', 'SPY', '--no-save', '--json'], STRATEGIES, env);
        expect(dry.code, dry.err).to.equal(0);
        expect(JSON.parse(dry.out).ticks).to.equal(7200);
    });
});
