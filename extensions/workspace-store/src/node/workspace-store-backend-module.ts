import { ContainerModule } from '@theia/core/shared/inversify';
import { BacktestData } from '../common/backtest-data-protocol';
import { RunStore } from '../common/run-store-protocol';
import { BacktestDataImpl } from './backtest-data-impl';
import { RunStoreImpl } from './run-store-impl';
import { WorkspaceDatabaseProvider } from './workspace-database-provider';

// The backend's storage, bound here only: the one database of the workspace (its provider makes this process the
// workspace's owner), the runs stored in it and the data a run reads. The importers (data-import), the engine, the
// charts and the analysis inject these.
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
});
