// The runs in progress of a backend, whoever started them: a run that goes through ActiveRuns (as the CLI's
// `run` sent to the workspace's owner does) is listed by the engine service with its progress, pushed to its
// clients, and cancelled from there; the client's going away (its signal) cancels it too.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { Container } from '@theia/core/shared/inversify';
import { RunStore } from '@backtestr/workspace-store';
import { BacktestDataImpl, RunStoreImpl, WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { runDataCommand } from '@backtestr/data-import/lib/node';
import { ActiveRun, EngineClient } from '../common/engine-protocol';
import { ActiveRuns } from './active-runs';
import { BacktestOutcome } from './backtest-runner';
import { EngineServiceImpl } from './engine-service-impl';
import { StrategyRunError } from './strategy-host/strategy-run-protocol';

const SMA_CROSS = path.resolve(__dirname, '../../../../sample-workspace/strategies/sma-cross.ts');

/** `minutes` minutes of SPY trade ticks of the Lean format (ms since midnight New York, price x 10000, size), one a second. */
function spyTrades(minutes: number): string {
    const lines: string[] = [];
    for (let i = 0; i < minutes * 60; i++) {
        lines.push(`${34_200_000 + i * 1000},${1_675_000 + Math.round(Math.sin(i / 97) * 30) * 100},${100 + (i % 7)},P,,0`);
    }
    return lines.join('\n') + '\n';
}

describe('ActiveRuns: the runs in progress of the backend, whoever started them', function () {
    this.timeout(120_000);
    let dir: string;
    let db: WorkspaceDatabase;
    let store: RunStoreImpl;
    let activeRuns: ActiveRuns;
    let service: EngineServiceImpl;
    const got: string[] = [];
    const progress: ActiveRun[] = [];
    const client: EngineClient = {
        onDidChangeRuns: change => got.push(`${change.kind} ${change.id}`),
        onDidChangeActiveRuns: () => got.push('active'),
        onRunProgress: run => progress.push(run)
    };

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-active-runs-'));
        const csv = path.join(dir, '20131007_spy_Trade_Tick.csv');
        fs.writeFileSync(csv, spyTrades(390));
        let out = '';
        const sink = new Writable({ write: (chunk, _encoding, done) => { out += chunk.toString(); done(); } });
        const code = await runDataCommand(['import', csv, '--workspace', dir], sink);
        expect(code, out).to.equal(0);
        db = await WorkspaceDatabase.open(workspaceDatabasePath(dir));
        store = new RunStoreImpl(db);
        const container = new Container();
        container.bind(ILogger).toConstantValue(new MockLogger());
        container.bind(RunStore).toConstantValue(store);
        container.bind(ActiveRuns).toSelf().inSingletonScope();
        container.bind(EngineServiceImpl).toSelf().inSingletonScope();
        activeRuns = container.get(ActiveRuns);
        service = container.get(EngineServiceImpl);
        service.addClient(client);
    });

    after(() => {
        service.dispose();
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    beforeEach(() => {
        got.length = 0;
        progress.length = 0;
    });

    const services = (): { data: BacktestDataImpl; runs: RunStoreImpl; engineVersion: string } => ({ data: new BacktestDataImpl(db), runs: store, engineVersion: 'test' });

    it('a run started outside the service is listed by it while it runs, its progress pushed to the clients, and gone when it ends', async () => {
        let listedAtStart: ActiveRun[] = [];
        let runId = '';
        const outcome = await activeRuns.run({
            file: SMA_CROSS, symbol: 'SPY', kind: 'trades',
            onStart: run => {
                runId = run.id;
                listedAtStart = activeRuns.list();
            }
        }, services());
        expect(listedAtStart.map(r => r.run.id)).to.deep.equal([runId]);
        expect(outcome.run.status).to.equal('finished');
        expect(await service.getActiveRuns()).to.deep.equal([]);
        // Listed on start and delisted at the end; the stored run's creation and end as changes of the runs.
        expect(got.filter(g => g === 'active')).to.have.length(2);
        expect(got).to.include.members([`created ${runId}`, `finished ${runId}`]);
        expect((await store.getRun(runId))?.status).to.equal('finished');
    });

    it('the Runs view cancels it through the service: the run ends cancelled and is stored so', async () => {
        let cancelled = false;
        let runId = '';
        let failure: unknown;
        await activeRuns.run({
            file: SMA_CROSS, symbol: 'SPY', kind: 'trades',
            onStart: run => runId = run.id,
            onProgress: run => {
                if (!cancelled) {
                    cancelled = true;
                    service.cancelRun(run.id);
                }
            }
        }, services()).then((o: BacktestOutcome) => expect.fail(`the run finished: ${o.run.status}`), error => failure = error);
        expect(failure).to.be.instanceOf(StrategyRunError);
        expect((failure as StrategyRunError).kind).to.equal('cancelled');
        expect((await store.getRun(runId))?.status).to.equal('cancelled');
        expect(await service.getActiveRuns()).to.deep.equal([]);
    });

    it('the client going away (the request\'s signal) cancels it; a paused run is listed paused', async () => {
        const client = new AbortController();
        let pausedSeen: boolean | undefined;
        let failure: unknown;
        await activeRuns.run({
            file: SMA_CROSS, symbol: 'SPY', kind: 'trades', signal: client.signal,
            onProgress: run => {
                if (pausedSeen === undefined) {
                    activeRuns.pause(run.id);
                    pausedSeen = activeRuns.list().find(r => r.run.id === run.id)?.paused;
                    activeRuns.resume(run.id);
                    client.abort();
                }
            }
        }, services()).catch(error => failure = error);
        expect(pausedSeen).to.equal(true);
        expect((failure as StrategyRunError).kind).to.equal('cancelled');
        expect(await service.getActiveRuns()).to.deep.equal([]);
    });
});
