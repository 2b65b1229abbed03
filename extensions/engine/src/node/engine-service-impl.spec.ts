import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { Container } from '@theia/core/shared/inversify';
import { RunRecord, RunStore } from '@backtestr/workspace-store';
import { RunStoreImpl, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';
import { ActiveRun, EngineClient } from '../common/engine-protocol';
import { RunControl } from './strategy-host/strategy-run-protocol';
import { EngineServiceImpl } from './engine-service-impl';
import { ActiveRuns } from './active-runs';

/** ActiveRuns with a run in progress put in by hand and its progress reported by hand (a real run is active-runs.spec's). */
class HandFedActiveRuns extends ActiveRuns {
    add(run: RunRecord): void {
        this.active.set(run.id, { run, ticks: 0, started: Date.now(), abort: new AbortController(), control: new RunControl() });
        this.onDidChangeEmitter.fire();
    }
    advance(id: string, ticks: number, time: number): void {
        const entry = this.active.get(id)!;
        entry.ticks = ticks;
        entry.time = time;
        this.onDidProgressEmitter.fire(this.toActiveRun(entry));
    }
}

describe('EngineServiceImpl', () => {
    it('reports the native addon version and the timeframes of a default engine', async () => {
        const container = new Container();
        const errors: string[] = [];
        container.bind(ILogger).toConstantValue({ error: (m: string) => errors.push(m) } as unknown as ILogger);
        container.bind(ActiveRuns).toSelf();
        container.bind(EngineServiceImpl).toSelf();
        const info = await container.get(EngineServiceImpl).getEngineInfo();
        expect(info.nativeError, info.nativeError).to.equal(undefined);
        expect(info.nativeVersion).to.match(/^\d+\.\d+\.\d+$/);
        expect(info.defaultTimeframes).to.deep.equal(['1m', '5m', '15m', '1H', '4H', '1D']);
        expect(errors).to.deep.equal([]);
    });
});

describe('EngineServiceImpl pushes run changes to its clients', () => {
    const T0 = 1_483_315_200_000_000; // 2017-01-02T00:00:00Z
    const record = (id: string): RunRecord => ({
        id, createdAt: T0, status: 'running', strategyId: 'examples.sma', sourceHash: 'ab'.repeat(32), engineVersion: '0.1.0', instrumentId: 1,
        config: {
            strategyFile: '/ws/strategies/sma.ts', symbol: 'EURUSD', kind: 'bars', params: {}, timeframes: ['1m'], priceSource: 'last', session: '24x7', seed: 1,
            tickSize: 0.00001, multiplier: 1, models: { fill: 'quote', limitFill: 'touch', slippage: { kind: 'none' }, commission: {}, latencyMicros: 0, initialCash: 100_000 }
        }
    });
    /** A client that records what it is told, as the frontend's proxy would receive it. */
    const recorder = (): EngineClient & { got: string[] } => {
        const got: string[] = [];
        return {
            got,
            onDidChangeRuns: change => got.push(`${change.kind} ${change.id}`),
            onDidChangeActiveRuns: () => got.push('active'),
            onRunProgress: run => got.push(`progress ${run.run.id}`)
        };
    };
    let dir: string;
    let db: WorkspaceDatabase;
    let store: RunStoreImpl;
    let service: EngineServiceImpl;
    let activeRuns: HandFedActiveRuns;

    beforeEach(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-engine-push-'));
        db = await WorkspaceDatabase.open(path.join(dir, 'workspace.duckdb'));
        store = new RunStoreImpl(db);
        const container = new Container();
        container.bind(ILogger).toConstantValue(new MockLogger());
        container.bind(RunStore).toConstantValue(store);
        container.bind(ActiveRuns).to(HandFedActiveRuns).inSingletonScope();
        container.bind(EngineServiceImpl).toSelf();
        service = container.get(EngineServiceImpl);
        activeRuns = container.get(ActiveRuns) as HandFedActiveRuns;
    });

    afterEach(() => {
        service.dispose();
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('tells each registered client of every run stored, finished and deleted, whichever code path stored it', async () => {
        const first = recorder();
        const second = recorder();
        service.addClient(first);
        service.addClient(second);
        // Through the store directly, as a run stored by another code path of the backend (the CLI through the workspace's owner).
        await store.createRun(record('r1'));
        await store.finishRun('r1', { status: 'finished', ticks: 10 });
        await store.createRun(record('r2'));
        await store.finishRun('r2', { status: 'cancelled' });
        // Through the service, as the Runs view deletes.
        await service.deleteRun('r1');
        const expected = ['created r1', 'finished r1', 'created r2', 'finished r2', 'deleted r1'];
        expect(first.got).to.deep.equal(expected);
        expect(second.got).to.deep.equal(expected);
    });

    it('tells a client nothing once its registration is disposed (its connection closed); the others still hear', async () => {
        const gone = recorder();
        const stays = recorder();
        const registration = service.addClient(gone);
        service.addClient(stays);
        await store.createRun(record('r1'));
        registration.dispose();
        await store.finishRun('r1', { status: 'finished' });
        await service.deleteRun('r1');
        expect(gone.got).to.deep.equal(['created r1']);
        expect(stays.got).to.deep.equal(['created r1', 'finished r1', 'deleted r1']);
    });

    it('tells its clients of a run in progress: its progress, its pause and resume (no client needs to ask)', async () => {
        const client = recorder();
        service.addClient(client);
        const progress: ActiveRun[] = [];
        service.addClient({ ...recorder(), onRunProgress: run => progress.push(run) });
        const run = { ...record('r1'), config: { ...record('r1').config, from: T0, to: T0 + 100 } };
        activeRuns.add(run);
        activeRuns.advance('r1', 42, T0 + 25);
        await service.pauseRun('r1');
        await service.resumeRun('r1');
        expect(client.got).to.deep.equal(['active', 'progress r1', 'active', 'active']);
        expect((await service.getActiveRuns()).map(r => r.run.id)).to.deep.equal(['r1']);
        expect(progress.map(p => ({ id: p.run.id, ticks: p.ticks, time: p.time, percent: p.percent, paused: p.paused })))
            .to.deep.equal([{ id: 'r1', ticks: 42, time: T0 + 25, percent: 25, paused: false }]);
    });

    it('keeps telling the other clients when one fails (a connection going away)', async () => {
        const stays = recorder();
        service.addClient({ ...recorder(), onDidChangeRuns: () => { throw new Error('connection closed'); } });
        service.addClient(stays);
        await store.createRun(record('r1'));
        expect(stays.got).to.deep.equal(['created r1']);
    });
});
