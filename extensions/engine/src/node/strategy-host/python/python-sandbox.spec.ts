import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { barTicks, BarBatch } from '@backtestr/engine-core';
import { WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { StrategyRunError, StrategyRunResult } from '../strategy-run-protocol';
import { runStrategy } from '../strategy-runner';
import { pythonInterpreter } from './python-process';

// A real python3 runs each strategy, confined by the host (_sandbox.py) before the strategy is imported.

const EURUSD = { symbol: 'EURUSD', tickSize: 0.00001, lotSize: 1, multiplier: 1 };
const CONFINED = 'the strategy runs confined';

/** Whether this kernel offers Landlock to an unprivileged process (file confinement depends on it). */
function hasLandlock(): boolean {
    const probe = 'import ctypes; l = ctypes.CDLL(None); l.syscall.restype = ctypes.c_long; print(l.syscall(444, None, 0, 1))';
    try {
        return Number(execFileSync(pythonInterpreter(), ['-c', probe], { encoding: 'utf8' }).trim()) >= 1;
    } catch {
        return false;
    }
}

function bars(n = 200): BarBatch {
    const b: BarBatch = { time: new BigInt64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
        b.time[i] = 1_483_322_400_000_000n + BigInt(i) * 60_000_000n;
        b.open[i] = b.high[i] = b.low[i] = b.close[i] = 1.05 + i * 0.00001;
    }
    return b;
}

describe('Python strategies: the sandbox of their process', function (): void {
    this.timeout(120_000);
    const landlock = process.platform === 'linux' && hasLandlock();
    let ws = '';
    let strategies = '';
    let outside = '';

    before(async () => {
        ws = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-sandbox-ws-'));
        strategies = path.join(ws, 'strategies');
        fs.mkdirSync(strategies);
        (await WorkspaceDatabase.open(workspaceDatabasePath(ws))).close();
        outside = path.join(os.tmpdir(), `backtestr-sandbox-outside-${process.pid}`);
    });
    after(() => {
        fs.rmSync(ws, { recursive: true, force: true });
        fs.rmSync(outside, { force: true });
    });

    /** Runs `body` (Python, indented by 4) in on_start of a strategy in `folder`. */
    function run(name: string, body: string, folder = strategies): Promise<StrategyRunResult> {
        const file = path.join(folder, `${name}.py`);
        fs.writeFileSync(file, `import os, sys
from backtestr import define_strategy

def on_start(ctx):
${body}

def on_bar_close(ctx, bar, tf):
    pass

strategy = define_strategy(id='test.${name}', subscribe={'bar_close': ['1m']}, on_start=on_start, on_bar_close=on_bar_close)
`);
        return runStrategy({ file, source: [barTicks(bars())], instrument: EURUSD, execution: { fill: 'bar' } });
    }

    async function refused(name: string, body: string, folder?: string): Promise<StrategyRunError> {
        try {
            await run(name, body, folder);
        } catch (error) {
            expect(error).to.be.instanceOf(StrategyRunError);
            const e = error as StrategyRunError;
            expect(e.kind).to.equal('strategy');
            expect(e.message).to.include(`Strategy 'test.${name}' raised in on_start`);
            return e;
        }
        throw new Error(`${name}: expected the run to fail`);
    }

    it('writes in its temp folder (its working directory, TMPDIR, HOME), which is private and gone after the run', async () => {
        const result = await run('scratch', `    import tempfile
    with open('scratch.txt', 'w') as f:
        f.write('x' * 1000)
    fd, name = tempfile.mkstemp()
    os.close(fd)
    st = os.stat('.')
    ctx.log(f'{os.getcwd()} {oct(st.st_mode & 0o777)} {os.path.dirname(name) == os.getcwd()} {os.environ["HOME"] == os.getcwd()}')`);
        const line = result.logs.message.find(m => m.includes('backtestr-py-run-'));
        expect(line, result.logs.message.join('\n')).to.not.equal(undefined);
        const [cwd, mode, tmpInside, homeInside] = line!.split(' ');
        expect([mode, tmpInside, homeInside]).to.deep.equal(['0o700', 'True', 'True']);
        expect(fs.existsSync(cwd), `${cwd} left behind`).to.equal(false);
        // The run's log says what is not enforced here: nothing with Landlock and seccomp, else the missing Landlock.
        const notes = result.logs.message.filter(m => m.startsWith('Python sandbox:'));
        if (landlock && process.arch === 'x64') {
            expect(notes).to.deep.equal([]);
        } else {
            expect(notes.join('\n')).to.match(landlock ? /seccomp/ : /Landlock/);
        }
    });

    it('cannot write outside its temp folder: not /tmp, not the workspace, not its own folder', async function (): Promise<void> {
        if (!landlock) {
            this.skip();
        }
        for (const [name, target] of [['tmp', outside], ['workspace', path.join(ws, 'planted.txt')], ['own', path.join(strategies, 'planted.py')]]) {
            const error = await refused(`write_${name}`, `    open(${JSON.stringify(target)}, 'w').write('x')`);
            expect(error.message).to.include('PermissionError: [Errno 13] Permission denied');
            expect(error.message).to.include(CONFINED);
            expect(fs.existsSync(target), `${target} written`).to.equal(false);
        }
    });

    it('cannot open the workspace database, for writing or for reading (it holds the future ticks), even from the workspace root', async function (): Promise<void> {
        if (!landlock) {
            this.skip();
        }
        const db = workspaceDatabasePath(ws);
        const before = fs.readFileSync(db);
        for (const folder of [strategies, ws]) {
            for (const [mode, label] of [['r+b', 'write'], ['rb', 'read']]) {
                const error = await refused(`db_${label}`, `    open(${JSON.stringify(db)}, '${mode}')`, folder);
                expect(error.message).to.include('PermissionError: [Errno 13] Permission denied');
            }
        }
        expect(fs.readFileSync(db).equals(before)).to.equal(true);
        // Its own folder stays readable (its modules import).
        fs.writeFileSync(path.join(strategies, 'helper_module.py'), 'VALUE = 42\n');
        const result = await run('imports', '    import helper_module\n    ctx.log(f"helper {helper_module.VALUE}")');
        expect(result.logs.message).to.include('helper 42');
    });

    it('starts no process, and a fork bomb ends at its first fork', async () => {
        const error = await refused('spawn', "    import subprocess\n    subprocess.run(['true'])");
        expect(error.message, error.message).to.match(/PermissionError: \[Errno 1\] Operation not permitted/);
        expect(error.message).to.include(CONFINED);
        // Bounded even unconfined: each child exits at once.
        const bomb = await refused('fork_bomb', '    for _ in range(64):\n        if os.fork() == 0:\n            os._exit(0)');
        expect(bomb.message).to.match(/(PermissionError: \[Errno 1\] Operation not permitted|BlockingIOError: \[Errno 11\])/);
        // Threads still work (libraries start them).
        const result = await run('threads', `    import threading
    out = []
    t = threading.Thread(target=lambda: out.append(1))
    t.start()
    t.join()
    ctx.log(f'thread ran {out}')`);
        expect(result.logs.message).to.include('thread ran [1]');
    });

    it('sees none of the workbench\'s environment, and cannot read it from /proc', async () => {
        process.env.BACKTESTR_SECRET = 'hunter2';
        try {
            const result = await run('env', `    ctx.log(f'secret {os.environ.get("BACKTESTR_SECRET")}')
    ctx.log(f'names {sorted(os.environ)}')
    try:
        ctx.log(open(f'/proc/{os.getppid()}/environ', 'rb').read())
    except OSError as e:
        ctx.log(f'parent environ refused {e.errno}')`);
            expect(result.logs.message).to.include('secret None');
            expect(result.logs.message.join('\n')).to.not.include('hunter2');
            const names = result.logs.message.find(m => m.startsWith('names '))!;
            for (const name of ['PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONNOUSERSITE', 'TMPDIR', 'HOME']) {
                expect(names).to.include(`'${name}'`);
            }
            expect(names).to.not.include('BACKTESTR_SECRET');
            if (landlock) {
                expect(result.logs.message.some(m => m.startsWith('parent environ refused'))).to.equal(true);
            }
        } finally {
            delete process.env.BACKTESTR_SECRET;
        }
    });

    it('keeps at most 64 files open, opens no network connection and signals no other process', async () => {
        const files = await refused('many_files', '    kept = [open(__file__) for _ in range(10_000)]');
        expect(files.message).to.include('OSError: [Errno 24] Too many open files');
        let connections = 0;
        const server = net.createServer(socket => {
            connections++;
            socket.destroy();
        });
        await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
        const port = (server.address() as net.AddressInfo).port;
        try {
            const error = await refused('network', `    import socket\n    socket.create_connection(('127.0.0.1', ${port}), timeout=5)`);
            expect(error.message).to.match(/PermissionError: \[Errno (1|13)\]/);
        } finally {
            server.close();
        }
        expect(connections).to.equal(0);
        const signal = await refused('signal', '    os.kill(os.getppid(), 0)');
        expect(signal.message).to.include('PermissionError: [Errno 1] Operation not permitted');
    });
});
