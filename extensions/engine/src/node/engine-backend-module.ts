import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { ContainerModule } from '@theia/core/shared/inversify';
import { ENGINE_SERVICE_PATH, EngineService } from '../common/engine-protocol';
import { EngineServiceImpl } from './engine-service-impl';

export default new ContainerModule(bind => {
    bind(EngineServiceImpl).toSelf().inSingletonScope();
    bind(EngineService).toService(EngineServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(ENGINE_SERVICE_PATH, () => ctx.container.get<EngineService>(EngineService))
    ).inSingletonScope();
});
