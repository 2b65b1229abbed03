// The real `backtestr` program's ways out: interrupted by each signal, ended by its own time limit, or
// writing into a pipe whose reader has gone. A Python strategy stuck in a call that holds its interpreter
// lock (it cannot notice that the CLI has gone) stands for any child the CLI starts.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli, exited, spawnCli } from './cli-test-support';
import { descendantProcesses } from './process-exit';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-exit-'));
const workspace = path.join(root, 'ws');
/** Every process a test saw below a CLI: a failing test must not leave them running either. */
const seen: number[] = [];
after(() => {
    for (const pid of seen.filter(p => !ended(p))) {
        process.kill(pid, 'SIGKILL');
    }
    fs.rmSync(root, { recursive: true, force: true });
});

/** A process that has ended: gone, or a zombie nobody has reaped yet. */
function ended(pid: number): boolean {
    if (fs.existsSync('/proc/self/stat')) {
        try {
            const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
            return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
        } catch {
            return true;
        }
    }
    try {
        process.kill(pid, 0);
        return false;
    } catch {
        return true;
    }
}

const pause = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/** Waits until `done()` holds, checking every 100 ms, at most `limitMs` (then the assertion after it reports what is wrong). */
async function waitFor(done: () => boolean, limitMs: number): Promise<void> {
    for (const until = Date.now() + limitMs; !done() && Date.now() < until;) {
        await pause(100);
    }
}

/** Two days of 1-minute bars in the HistData layout the importer recognises. */
function histdataBars(file: string): void {
    const lines: string[] = [];
    const t0 = Date.UTC(2017, 0, 2, 22, 0);
    for (let i = 0; i < 2880; i++) {
        const d = new Date(t0 + i * 60_000).toISOString();
        const p = (1.05 + (i % 50) * 0.0001).toFixed(5);
        lines.push(`${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)} ${d.slice(11, 13)}${d.slice(14, 16)}00;${p};${p};${p};${p};0`);
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
}

const STUCK_PY = `from backtestr import Strategy


class Stuck(Strategy):
    id = 'test.stuck'
    subscribe = {'bar_close': ['1m']}

    def on_start(self, ctx):
        # One long call into C: the host's watchdog thread never gets the interpreter lock back.
        sum(range(10 ** 15))
`;

describe('backtestr process', function (): void {
    this.timeout(300_000);
    const strategy = path.join(root, 'stuck.py');

    before(async () => {
        fs.mkdirSync(workspace);
        const csv = path.join(root, 'DAT_ASCII_EURUSD_M1_2017.csv');
        histdataBars(csv);
        const imported = await cli('import', csv, '--workspace', workspace, '--json');
        expect(imported.code, imported.err).to.equal(0);
        fs.writeFileSync(strategy, STUCK_PY);
    });

    describe('no child outlives the CLI', () => {
        const runArgs = (): string[] => ['run', strategy, '--workspace', workspace, '--symbol', 'EURUSD', '--kind', 'bars', '--no-save'];

        /** Starts the stuck run; resolves once the CLI's Python child is there, with the CLI and its descendants. */
        async function startStuckRun(extra: string[] = []): Promise<{ child: ReturnType<typeof spawnCli>; exit: ReturnType<typeof exited>; below: number[] }> {
            const child = spawnCli([...runArgs(), ...extra]);
            const exit = exited(child);
            let over = false;
            void exit.then(() => over = true);
            await waitFor(() => over || descendantProcesses(child.pid!).length > 0, 120_000);
            const below = descendantProcesses(child.pid!);
        seen.push(...below);
            expect(below, `the CLI ended first: ${over ? (await exit).err : ''}`).to.not.be.empty;
            return { child, exit, below };
        }

        for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
            it(`ends its children when ${signal} ends it, and exits ${code}`, async () => {
                const { child, exit, below } = await startStuckRun();
                child.kill(signal);
                const outcome = await exit;
                await waitFor(() => below.every(ended), 10_000);
                expect(below.filter(pid => !ended(pid)), 'processes left behind').to.deep.equal([]);
                expect(outcome.code).to.equal(code);
            });
        }

        it('ends its children when the run fails on its time limit (a normal exit with 1)', async () => {
            const { exit, below } = await startStuckRun(['--timeout', '5']);
            const outcome = await exit;
            expect(outcome.code).to.equal(1);
            expect(outcome.err).to.contain(`Strategy 'test.stuck' was terminated`);
            await waitFor(() => below.every(ended), 10_000);
            expect(below.filter(pid => !ended(pid)), 'processes left behind').to.deep.equal([]);
        });
    });

    describe('a run whose CLI is killed (SIGKILL)', () => {
        it('reads as interrupted in backtestr runs, with the run\'s record kept', async () => {
            const file = path.join(root, 'killed.ts');
            // The strategy says it runs on its console (a sandboxed strategy writes no files), then spins.
            fs.writeFileSync(file, `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({
    id: 'test.killed', params: {}, subscribe: { barClose: ['1m'] },
    onBarClose() {
        console.error('test.killed is running');
        for (;;) { /* until the CLI is killed */ }
    }
});
`);
            const child = spawnCli(['run', file, '--workspace', workspace, '--symbol', 'EURUSD', '--kind', 'bars']);
            let said = '';
            child.stderr!.on('data', (chunk: Buffer) => said += chunk.toString());
            const exit = exited(child);
            let over = false;
            void exit.then(() => over = true);
            await waitFor(() => over || said.includes('test.killed is running'), 120_000);
            expect(said, `the run ended first: ${over ? (await exit).err : ''}`).to.contain('test.killed is running');
            child.kill('SIGKILL');
            expect((await exit).signal).to.equal('SIGKILL');
            const listed = await cli('runs', '--workspace', workspace, '--json');
            expect(listed.code, listed.err).to.equal(0);
            const run = (JSON.parse(listed.out) as { strategyId: string; status: string; message?: string; config: { symbol: string } }[])
                .find(r => r.strategyId === 'test.killed');
            expect(run, listed.out).to.deep.include({ status: 'interrupted' });
            expect(run!.message).to.contain(`(pid ${child.pid} on `);
            expect(run!.config.symbol).to.equal('EURUSD@histdata');
            expect((await cli('runs', '--workspace', workspace)).out).to.match(/ interrupted +test\.killed /);
        });
    });

    describe('a reader that closes the pipe early (backtestr runs | head)', () => {
        for (const argv of [['runs', '--workspace', workspace], ['datasets', '--workspace', workspace], ['help'], ['run', '--help']]) {
            it(`backtestr ${argv.join(' ').replace(root, '<tmp>')} ends quietly with 0`, async () => {
                const child = spawnCli(argv);
                // The reader goes before the CLI has written anything: its first write meets a closed pipe.
                child.stdout!.destroy();
                const outcome = await exited(child);
                expect(outcome.err).to.equal('');
                expect(outcome.code).to.equal(0);
            });
        }
    });
});
