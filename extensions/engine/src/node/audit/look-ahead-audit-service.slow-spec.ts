// The run form's "Verify no look-ahead": EngineServiceImpl.startRun with verifyLookAhead runs the audit, its full run
// listed in the backend's runs in progress like any run, and stores the verdict with the run (real data, real DuckDB).

import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileUri } from '@theia/core/lib/common/file-uri';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { Container } from '@theia/core/shared/inversify';
import { BacktestData, RunRecord, RunStore } from '@backtestr/workspace-store';
import { BacktestDataImpl, RunStoreImpl, WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { defaultDataDir, seedSampleWorkspace } from '@backtestr/data-import/lib/node';
import { EngineServiceImpl } from '../engine-service-impl';
import { ActiveRuns } from '../active-runs';

const SMA_CROSS = path.resolve(__dirname, '../../../../../sample-workspace/strategies/sma-cross.ts');

describe('the run form\'s Verify no look-ahead', function (): void {
    this.timeout(300_000);
    let root: string;
    let db: WorkspaceDatabase;
    let store: RunStoreImpl;
    let service: EngineServiceImpl;

    before(async function (): Promise<void> {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'look-ahead-service-'));
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir!);
        db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        store = new RunStoreImpl(db);
        const container = new Container();
        container.bind(ILogger).toConstantValue(new MockLogger());
        container.bind(RunStore).toConstantValue(store);
        container.bind(BacktestData).toConstantValue(new BacktestDataImpl(db));
        container.bind(ActiveRuns).toSelf().inSingletonScope();
        container.bind(EngineServiceImpl).toSelf().inSingletonScope();
        service = container.get(EngineServiceImpl);
    });

    after(() => {
        service?.dispose();
        db?.close();
        if (root) {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    /** Resolves with the stored run once it has `lookAhead` (or finished without, for a plain run). */
    async function stored(id: string, audited: boolean): Promise<RunRecord> {
        for (let i = 0; i < 1200; i++) {
            const run = await store.getRun(id);
            if (run && run.status !== 'running' && (!audited || run.lookAhead)) {
                return run;
            }
            await new Promise(r => setTimeout(r, 100));
        }
        throw new Error(`run ${id} did not end`);
    }

    const request = {
        strategy: FileUri.create(SMA_CROSS).toString(), symbol: 'EURUSD@histdata', kind: 'bars' as const,
        from: Date.UTC(2017, 0, 2) * 1000, to: Date.UTC(2017, 0, 20) * 1000
    };

    it('with it, the stored run carries the passed verdict of 20 cuts; without it, none', async () => {
        const started = await service.startRun({ ...request, verifyLookAhead: true });
        expect((await service.getActiveRuns()).map(r => r.run.id)).to.include(started.id);
        const run = await stored(started.id, true);
        expect(run.status).to.equal('finished');
        expect(run.lookAhead).to.include({ verdict: 'pass', cuts: 20, seed: 1 });
        expect(run.lookAhead!.cutTimes).to.have.length(20);
        const plain = await stored((await service.startRun(request)).id, false);
        expect(plain.lookAhead).to.equal(undefined);
    });
});
