// The Datasets view is pushed every committed change of the workspace's datasets, whoever made it: an import by
// another code path on the same database file (a `backtestr import` sent to the workspace's owner), a delete
// through the service; a change of another workspace's database is not its business, and a failed import is no change.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { bindContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { Container } from '@theia/core/shared/inversify';
import { WorkspaceDatabaseProvider } from '@backtestr/workspace-store/lib/node';
import { DatasetClient, ImportSourceContribution } from '../common/dataset-protocol';
import { DataImporter } from './data-importer';
import { DatasetServiceImpl } from './dataset-service-impl';
import { InstrumentCatalog } from './instrument-catalog';
import { tempDatabase, tempDir } from './test-support/test-files';

const TRADES = { kind: 'trades' as const, delimiter: ',', header: true, columns: { time: 0, price: 1, size: 2 }, timestampFormat: 'iso8601' as const, timeZone: 'UTC', priceScale: 0 };
const INSTRUMENT = { symbol: 'PUSH', venue: 'test', tickSize: 0.01 };

describe('DatasetServiceImpl pushes changes of the datasets to its clients', function (): void {
    this.timeout(60_000);
    let dir: string;
    let service: DatasetServiceImpl;
    let provider: WorkspaceDatabaseProvider;
    let told = 0;
    const savedWorkspace = process.env.BACKTESTR_WORKSPACE;

    const csv = (name: string, body: string): string => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, `time,price,size\n${body}`);
        return file;
    };

    beforeEach(async () => {
        dir = tempDir();
        process.env.BACKTESTR_WORKSPACE = dir;
        const container = new Container();
        container.bind(ILogger).toConstantValue(new MockLogger());
        container.bind(WorkspaceDatabaseProvider).toSelf().inSingletonScope();
        bindContributionProvider(container, ImportSourceContribution);
        container.bind(DatasetServiceImpl).toSelf().inSingletonScope();
        provider = container.get(WorkspaceDatabaseProvider);
        service = container.get(DatasetServiceImpl);
        told = 0;
        const client: DatasetClient = { onDidChangeDatasets: () => told++ };
        service.addClient(client);
        expect(await service.listDatasets()).to.deep.equal([]);
    });

    afterEach(() => {
        service.dispose();
        process.env.BACKTESTR_WORKSPACE = savedWorkspace;
        if (savedWorkspace === undefined) {
            delete process.env.BACKTESTR_WORKSPACE;
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('an import by another code path on the same database is pushed once committed, and again with its bar cache and quality', async () => {
        const importer = new DataImporter(await provider.db(), new InstrumentCatalog());
        await importer.import({ paths: [csv('a.csv', '2020-01-02T10:00:00Z,10.00,1\n2020-01-02T10:00:01Z,10.01,2\n')], csv: TRADES, instrument: INSTRUMENT });
        expect(told).to.equal(2);
        expect((await service.listDatasets()).map(d => d.tickCount)).to.deep.equal([2]);
    });

    it('an import without the derived data is pushed once; a failed import, which changed nothing, is not pushed', async () => {
        const importer = new DataImporter(await provider.db(), new InstrumentCatalog());
        await importer.import({ paths: [csv('a.csv', '2020-01-02T10:00:00Z,10.00,1\n')], csv: TRADES, instrument: INSTRUMENT, computeDerived: false });
        expect(told).to.equal(1);
        const missing = path.join(dir, 'no-such-file.csv');
        let failed = false;
        await importer.import({ paths: [missing], csv: TRADES, instrument: INSTRUMENT }).catch(() => failed = true);
        expect(failed).to.equal(true);
        expect(told).to.equal(1);
    });

    it('a delete through the service is pushed', async () => {
        const importer = new DataImporter(await provider.db(), new InstrumentCatalog());
        const result = await importer.import({ paths: [csv('a.csv', '2020-01-02T10:00:00Z,10.00,1\n')], csv: TRADES, instrument: INSTRUMENT, computeDerived: false });
        told = 0;
        await service.deleteDataset(result.datasets[0]);
        expect(told).to.equal(1);
        expect(await service.listDatasets()).to.deep.equal([]);
    });

    it('an import into another workspace\'s database is not pushed', async () => {
        const otherDir = tempDir();
        const other = await tempDatabase(otherDir);
        try {
            await new DataImporter(other, new InstrumentCatalog()).import({
                paths: [csv('a.csv', '2020-01-02T10:00:00Z,10.00,1\n')], csv: TRADES, instrument: INSTRUMENT, computeDerived: false
            });
        } finally {
            other.close();
            fs.rmSync(otherDir, { recursive: true, force: true });
        }
        expect(told).to.equal(0);
    });
});
