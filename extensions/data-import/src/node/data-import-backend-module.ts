import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { bindContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { ContainerModule } from '@theia/core/shared/inversify';
import { DATASET_SERVICE_PATH, DatasetService, ImportSourceContribution } from '../common/dataset-protocol';
import { BacktestData } from '../common/backtest-data-protocol';
import { RunStore } from '../common/run-store-protocol';
import { BacktestDataImpl } from './backtest-data-impl';
import { DatasetServiceImpl } from './dataset-service-impl';
import { RunStoreImpl } from './run-store-impl';
import { WorkspaceDatabaseProvider } from './workspace-database-provider';

export default new ContainerModule(bind => {
    bind(WorkspaceDatabaseProvider).toSelf().inSingletonScope();
    bind(RunStore).toDynamicValue(ctx => {
        const databases = ctx.container.get(WorkspaceDatabaseProvider);
        return new RunStoreImpl(() => databases.db());
    }).inSingletonScope();
    bind(BacktestData).toDynamicValue(ctx => {
        const databases = ctx.container.get(WorkspaceDatabaseProvider);
        return new BacktestDataImpl(() => databases.db());
    }).inSingletonScope();
    bindContributionProvider(bind, ImportSourceContribution);
    bind(DatasetServiceImpl).toSelf().inSingletonScope();
    bind(DatasetService).toService(DatasetServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(DATASET_SERVICE_PATH, () => ctx.container.get<DatasetService>(DatasetService))
    ).inSingletonScope();
});
