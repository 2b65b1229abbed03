import { expect } from 'chai';
import * as childProcess from 'child_process';
import * as path from 'path';
import { DuckDBInstance } from '@duckdb/node-api';
import { RunOutput, RunRecord } from '../common/run-store-protocol';
import { currentRunOwner, parseRunOwner, RunOwner, runOwnerEnded } from './run-owner';
import { MIGRATIONS } from './schema-migrations';
import { RunStoreImpl } from './run-store-impl';
import { tempDatabase, tempDir } from './test-support/test-database';
import { WorkspaceDatabase, workspaceInstanceOptions } from './workspace-database';

const T0 = 1_483_315_200_000_000; // 2017-01-02T00:00:00Z

function record(id: string, createdAt = T0): RunRecord {
    return {
        id, createdAt, status: 'running', strategyId: 'examples.sma', strategyLabel: 'SMA', sourceHash: 'ab'.repeat(32), engineVersion: '0.1.0',
        instrumentId: 3,
        config: {
            strategyFile: '/ws/strategies/sma.ts', symbol: 'EURUSD', kind: 'quotes', params: { fast: 10, slow: 30, long: true }, timeframes: ['1m', '1H'],
            priceSource: 'bid', session: '17:00 America/New_York', seed: 42, tickSize: 0.00001, multiplier: 1,
            models: { fill: 'quote', limitFill: 'touch', slippage: { kind: 'random', maxTicks: 2 }, commission: { perUnit: 0.00002 }, latencyMicros: 500, initialCash: 100_000 }
        }
    };
}

function output(): RunOutput {
    const f = (...v: number[]): Float64Array => Float64Array.from(v);
    return {
        orders: { id: f(1, 2), time: f(T0 + 60e6, T0 + 120e6), type: ['market', 'limit'], side: f(1, -1), qty: f(1000, 1000), limit: f(NaN, 1.05123),
            stop: f(NaN, NaN), tif: ['GTC', 'DAY'], tag: ['fast crossed above slow', ''] },
        events: { time: f(T0 + 60e6, T0 + 61e6, T0 + 130e6), order: f(1, 1, 2), kind: ['accepted', 'filled', 'expired'], reason: ['ACCEPTED', 'MARKET', 'DAY_END'],
            seq: f(10, 11, 90), price: f(NaN, 1.05001, NaN), qty: f(1000, 1000, 0), commission: f(0, 0.02, 0), reference: f(NaN, 1.05, 1.0511),
            position: f(0, 1000, 1000), realised: f(0, 0, 0) },
        trades: { side: f(1, -1), qty: f(1000, 500), entryTime: f(T0, T0 + 10), exitTime: f(T0 + 5, T0 + 20), entryPrice: f(1.05, 1.06), exitPrice: f(1.051, 1.059),
            pnl: f(0.98, 0.49), commission: f(0.02, 0.01), slippage: f(0, 0.005), mae: f(0.2, 0.1), mfe: f(1.1, 0.6), barsHeld: f(3, 7) },
        equity: { time: f(T0, T0 + 60e6, T0 + 120e6), equity: f(100_000, 100_000.5, 99_999.25), position: f(0, 1000, 0) },
        series: { fast: { time: f(T0, T0 + 60e6), value: f(1.05, NaN) }, "slow's": { time: f(T0), value: f(1.04) } },
        logs: { time: f(T0, T0 + 1), message: ['buy: fast > slow', "it's a 'quote'"] },
        metrics: { netProfit: 1.47, sharpe: 0.5, winRate: NaN }
    };
}

describe('RunStoreImpl', () => {
    let db: WorkspaceDatabase;
    let store: RunStoreImpl;
    beforeEach(async () => {
        db = await tempDatabase();
        store = new RunStoreImpl(db);
    });
    afterEach(() => db.close());

    it('keeps a run and everything it produced, bit for bit, and lists runs newest first', async () => {
        await store.createRun(record('r1'));
        await store.createRun(record('r2', T0 + 1));
        expect((await store.getRun('r1'))!.status).to.equal('running');
        const out = output();
        await store.finishRun('r1', { status: 'finished', ticks: 532_903, elapsedMs: 12.5, firstTime: T0, lastTime: T0 + 130e6,
            headline: { netProfit: 1.47, totalReturnPercent: 0.00147, maxDrawdownPercent: 0.01, trades: 2, finalEquity: 100_001.47 } }, out);
        expect((await store.listRuns()).map(r => r.id)).to.deep.equal(['r2', 'r1']);
        const run = (await store.getRun('r1'))!;
        expect(run).to.deep.include({ status: 'finished', ticks: 532_903, firstTime: T0, lastTime: T0 + 130e6, instrumentId: 3 });
        expect(run.config).to.deep.equal(record('r1').config);
        expect(run.headline!.netProfit).to.equal(1.47);
        expect(run.finishedAt).to.be.a('number');
        expect(await store.readOrders('r1')).to.deep.equal(out.orders);
        expect(await store.readEvents('r1')).to.deep.equal(out.events);
        expect(await store.readTrades('r1')).to.deep.equal(out.trades);
        expect(await store.readEquity('r1')).to.deep.equal(out.equity);
        expect(await store.readSeries('r1')).to.deep.equal(out.series);
        expect(await store.readLogs('r1')).to.deep.equal(out.logs);
        // NaN metrics mean "undefined": they are not stored.
        expect(await store.readMetrics('r1')).to.deep.equal({ netProfit: 1.47, sharpe: 0.5 });
        const window = await store.readEvents('r1', T0 + 61e6, T0 + 130e6);
        expect(window.kind).to.deep.equal(['filled']);
        // The other run has no output.
        expect((await store.readTrades('r2')).pnl.length).to.equal(0);
    });

    it('deletes a run with its output and names a missing run in its errors', async () => {
        await store.createRun(record('gone'));
        await store.finishRun('gone', { status: 'finished' }, output());
        await store.deleteRun('gone');
        expect(await store.getRun('gone')).to.equal(undefined);
        expect(Number(await db.scalar('SELECT count(*) FROM run_events'))).to.equal(0);
        let message = '';
        try {
            await store.readEvents('gone');
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).to.contain("Run 'gone' is not in the workspace database");
        let finishError = '';
        await store.finishRun('nope', { status: 'failed' }).catch(e => finishError = (e as Error).message);
        expect(finishError).to.contain("Run 'nope'");
    });

    it('tells its listeners of each run stored, finished and deleted, after the change and not of a change that failed', async () => {
        const changes: string[] = [];
        store.onDidChangeRuns(c => changes.push(`${c.kind} ${c.id}`));
        await store.createRun(record('r1'));
        await store.finishRun('r1', { status: 'finished' }, output());
        await store.finishRun('nope', { status: 'failed' }).catch(() => undefined);
        await store.deleteRun('r1');
        await store.deleteRun('r1').catch(() => undefined);
        expect(changes).to.deep.equal(['created r1', 'finished r1', 'deleted r1']);
    });

    it('stores nothing of the output when writing it fails (one transaction)', async () => {
        await store.createRun(record('half'));
        const bad = { ...output(), logs: { time: Float64Array.from([T0]), message: [null as unknown as string] } };
        let failed = false;
        await store.finishRun('half', { status: 'finished' }, bad).catch(() => failed = true);
        expect(failed).to.equal(true);
        expect((await store.getRun('half'))!.status).to.equal('running');
        expect(Number(await db.scalar("SELECT count(*) FROM run_events WHERE run_id = 'half'"))).to.equal(0);
    });

    it('reopens a workspace database with the run tables of the current schema', async () => {
        const file = path.join(tempDir(), 'workspace.duckdb');
        const first = await WorkspaceDatabase.open(file);
        expect(await first.schemaVersion()).to.be.greaterThanOrEqual(2);
        first.close();
        const again = await WorkspaceDatabase.open(file);
        await new RunStoreImpl(again).createRun(record('after-reopen'));
        expect((await new RunStoreImpl(again).listRuns()).length).to.equal(1);
        again.close();
    });
});

/** A workspace database opened read-only (as `backtestr runs` opens it). */
class ReadOnlyDatabase extends WorkspaceDatabase {
    static async openReadOnly(file: string): Promise<ReadOnlyDatabase> {
        const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY', ...workspaceInstanceOptions(file) });
        return new ReadOnlyDatabase(file, instance, await instance.connect());
    }
}

/**
 * Starts a process that opens `file`, creates the run `id` and stores a log line and a metric for it (as a
 * run's output would be), then waits; resolves with the process (and the owner it recorded) once that is committed.
 */
async function runningOwner(file: string, id: string): Promise<childProcess.ChildProcess & { owner?: RunOwner }> {
    const script = `
        const { WorkspaceDatabase } = require(${JSON.stringify(path.join(__dirname, 'workspace-database.js'))});
        const { RunStoreImpl } = require(${JSON.stringify(path.join(__dirname, 'run-store-impl.js'))});
        const { currentRunOwner } = require(${JSON.stringify(path.join(__dirname, 'run-owner.js'))});
        (async () => {
            const db = await WorkspaceDatabase.open(${JSON.stringify(file)});
            await new RunStoreImpl(db).createRun(JSON.parse(process.argv[1]));
            await db.run("INSERT INTO run_logs VALUES ($1, 0, 1, 'started'), ($1, 1, 2, 'bar 1')", [${JSON.stringify(id)}]);
            await db.run("INSERT INTO run_metrics VALUES ($1, 'ticks', 12)", [${JSON.stringify(id)}]);
            process.stdout.write('ready ' + JSON.stringify(currentRunOwner()) + '\\n');
            setInterval(() => undefined, 1000);
        })();`;
    const child: childProcess.ChildProcess & { owner?: RunOwner } = childProcess.spawn(process.execPath, ['-e', script, JSON.stringify(record(id))],
        { stdio: ['ignore', 'pipe', 'inherit'] });
    let said = '';
    await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
            said += chunk.toString();
            const ready = /^ready (.*)\n/.exec(said);
            if (ready) {
                child.owner = parseRunOwner(ready[1]);
                resolve();
            }
        });
        child.once('exit', code => reject(new Error(`the owner process ended first (${code})`)));
    });
    return child;
}

async function killed(child: childProcess.ChildProcess): Promise<void> {
    const exit = new Promise<void>(resolve => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exit;
}

describe('RunStoreImpl: runs whose process has ended', function (): void {
    this.timeout(120_000);

    it('a run whose process was killed (SIGKILL) is interrupted when the database is opened again, with what it stored kept', async () => {
        const file = path.join(tempDir(), 'workspace.duckdb');
        const owner = await runningOwner(file, 'killed');
        const pid = owner.pid;
        await killed(owner);
        const db = await WorkspaceDatabase.open(file);
        try {
            const sweeping = new RunStoreImpl(db);
            const changes: string[] = [];
            sweeping.onDidChangeRuns(c => changes.push(`${c.kind} ${c.id}`));
            const run = (await sweeping.getRun('killed'))!;
            expect(changes).to.deep.equal(['interrupted killed']);
            expect(run.status).to.equal('interrupted');
            expect(run.message).to.contain(`Interrupted: the process that ran it (pid ${pid} on `);
            expect(run.config).to.deep.equal(record('killed').config);
            expect(run).to.deep.include({ strategyId: 'examples.sma', createdAt: T0, instrumentId: 3, finishedAt: undefined });
            // Stored, not only reported: the sweep wrote it.
            expect(await db.scalar("SELECT status FROM runs WHERE id = 'killed'")).to.equal('interrupted');
            const store = new RunStoreImpl(db);
            expect((await store.readLogs('killed')).message).to.deep.equal(['started', 'bar 1']);
            expect(await store.readMetrics('killed')).to.deep.equal({ ticks: 12 });
        } finally {
            db.close();
        }
    });

    it('a run of a live process stays running (this process, and another one still going)', async () => {
        const dir = tempDir();
        const file = path.join(dir, 'workspace.duckdb');
        const mine = await WorkspaceDatabase.open(file);
        await new RunStoreImpl(mine).createRun(record('mine'));
        mine.close();
        const reopened = await WorkspaceDatabase.open(file);
        try {
            expect((await new RunStoreImpl(reopened).getRun('mine'))!.status).to.equal('running');
            expect(await RunStoreImpl.markInterruptedRuns(reopened)).to.deep.equal([]);
            expect(await reopened.scalar("SELECT owner FROM runs WHERE id = 'mine'")).to.equal(JSON.stringify(currentRunOwner()));
        } finally {
            reopened.close();
        }
        // Another process that holds its run (and its file): not ended while it runs, ended once killed.
        const other = await runningOwner(path.join(tempDir(), 'workspace.duckdb'), 'theirs');
        try {
            expect(other.owner).to.deep.include({ pid: other.pid });
            expect(runOwnerEnded(other.owner!)).to.equal(false);
        } finally {
            await killed(other);
        }
        expect(runOwnerEnded(other.owner!)).to.equal(true);
    });

    it('a read-only database reports such runs as interrupted and writes nothing', async () => {
        const file = path.join(tempDir(), 'workspace.duckdb');
        await killed(await runningOwner(file, 'ro'));
        const ro = await ReadOnlyDatabase.openReadOnly(file);
        try {
            const [run] = await new RunStoreImpl(ro).listRuns();
            expect(run).to.deep.include({ id: 'ro', status: 'interrupted' });
            expect(await ro.scalar("SELECT status FROM runs WHERE id = 'ro'")).to.equal('running');
        } finally {
            ro.close();
        }
    });

    it('keeps a run\'s look-ahead verdict: pass with its cuts, fail with its first divergence', async () => {
        const db = await tempDatabase();
        try {
            const store = new RunStoreImpl(db);
            await store.createRun(record('a'));
            expect((await store.getRun('a'))!.lookAhead).to.equal(undefined);
            const pass = { verdict: 'pass', cuts: 2, seed: 1, cutTimes: [T0 + 1, T0 + 2] } as const;
            await store.setLookAhead('a', pass);
            expect((await store.getRun('a'))!.lookAhead).to.deep.equal(pass);
            const fail = {
                verdict: 'fail', cuts: 2, seed: 1, cutTimes: [T0 + 1, T0 + 2],
                divergence: { what: 'order', time: T0 + 60e6, cutTime: T0 + 2, orderId: 1, tag: 'peek', full: 'order #1 market buy 1', cut: 'none' }
            } as const;
            await store.setLookAhead('a', fail);
            expect((await store.listRuns())[0].lookAhead).to.deep.equal(fail);
            await store.setLookAhead('nope', pass).then(() => expect.fail('stored for no run'), (e: Error) => expect(e.message).to.contain("Run 'nope'"));
        } finally {
            db.close();
        }
    });

    it('the migration to version 7 adds the verdict column; runs from before it have none', async () => {
        const file = path.join(tempDir(), 'workspace.duckdb');
        const db = await WorkspaceDatabase.open(file);
        await new RunStoreImpl(db).createRun({ ...record('old'), status: 'finished' });
        // The runs table as version 6 had it.
        await db.run('ALTER TABLE runs DROP COLUMN look_ahead');
        await db.run('DELETE FROM schema_version WHERE version = 7');
        db.close();
        const migrated = await WorkspaceDatabase.open(file);
        try {
            expect(await migrated.schemaVersion()).to.equal(7);
            const store = new RunStoreImpl(migrated);
            expect((await store.getRun('old'))!.lookAhead).to.equal(undefined);
            await store.setLookAhead('old', { verdict: 'pass', cuts: 1, seed: 1, cutTimes: [T0] });
            expect((await store.getRun('old'))!.lookAhead!.verdict).to.equal('pass');
        } finally {
            migrated.close();
        }
    });

    it('the migration marks runs left running from before owners were recorded', async () => {
        const file = path.join(tempDir(), 'workspace.duckdb');
        const db = await WorkspaceDatabase.open(file);
        await new RunStoreImpl(db).createRun(record('old'));
        // The runs table as version 5 had it, with a run left running.
        await db.run('ALTER TABLE runs DROP COLUMN owner');
        for (const sql of MIGRATIONS.find(m => m.version === 6)!.sql) {
            await db.run(sql);
        }
        db.close();
        const migrated = await WorkspaceDatabase.open(file);
        try {
            const run = (await new RunStoreImpl(migrated).getRun('old'))!;
            expect(run.status).to.equal('interrupted');
            expect(run.message).to.match(/^Interrupted: the process that ran it ended before the run finished/);
        } finally {
            migrated.close();
        }
    });
});
