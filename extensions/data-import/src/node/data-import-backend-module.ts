import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { bindContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { ContainerModule } from '@theia/core/shared/inversify';
import { DATASET_SERVICE_PATH, DatasetClient, DatasetService, ImportSourceContribution } from '../common/dataset-protocol';
import { DatasetServiceImpl } from './dataset-service-impl';

// The workspace database (WorkspaceDatabaseProvider), RunStore and BacktestData are bound once, by the
// workspace-store extension's backend module; the Datasets view's service imports into that database.
export default new ContainerModule(bind => {
    bindContributionProvider(bind, ImportSourceContribution);
    bind(DatasetServiceImpl).toSelf().inSingletonScope();
    bind(DatasetService).toService(DatasetServiceImpl);
    // One service for all connections (it holds the import in progress); each connection's client is pushed the changes of the datasets until it closes.
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler<DatasetClient>(DATASET_SERVICE_PATH, client => {
            const service = ctx.container.get(DatasetServiceImpl);
            const registration = service.addClient(client);
            client.onDidCloseConnection(() => registration.dispose());
            return service;
        })
    ).inSingletonScope();
});
