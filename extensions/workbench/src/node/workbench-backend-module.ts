import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { ContainerModule } from '@theia/core/shared/inversify';
import { WORKBENCH_SERVICE_PATH, WorkbenchService } from '../common/workbench-protocol';
import { WorkbenchServiceImpl } from './workbench-service-impl';

export default new ContainerModule(bind => {
    bind(WorkbenchServiceImpl).toSelf().inSingletonScope();
    bind(WorkbenchService).toService(WorkbenchServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(WORKBENCH_SERVICE_PATH, () => ctx.container.get<WorkbenchService>(WorkbenchService))
    ).inSingletonScope();
});
