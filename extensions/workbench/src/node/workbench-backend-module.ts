import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { BackendApplicationContribution } from '@theia/core/lib/node/backend-application';
import { WsRequestValidatorContribution } from '@theia/core/lib/node/ws-request-validators';
import { ContainerModule } from '@theia/core/shared/inversify';
import { WORKBENCH_SERVICE_PATH, WorkbenchService } from '../common/workbench-protocol';
import { HostHeaderValidator } from './host-header-validator';
import { WorkbenchServiceImpl } from './workbench-service-impl';

export default new ContainerModule(bind => {
    bind(WorkbenchServiceImpl).toSelf().inSingletonScope();
    bind(WorkbenchService).toService(WorkbenchServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(WORKBENCH_SERVICE_PATH, () => ctx.container.get<WorkbenchService>(WorkbenchService))
    ).inSingletonScope();

    // DNS rebinding: only loopback hosts (and BACKTESTR_ALLOWED_HOSTS) reach HTTP and WebSocket.
    bind(HostHeaderValidator).toSelf().inSingletonScope();
    bind(BackendApplicationContribution).toService(HostHeaderValidator);
    bind(WsRequestValidatorContribution).toService(HostHeaderValidator);
});
