import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { ContainerModule } from '@theia/core/shared/inversify';
import { CHART_SERVICE_PATH, ChartService } from '../common/chart-protocol';
import { ChartServiceImpl } from './chart-service-impl';

export default new ContainerModule(bind => {
    bind(ChartServiceImpl).toSelf().inSingletonScope();
    bind(ChartService).toService(ChartServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(CHART_SERVICE_PATH, () => ctx.container.get<ChartService>(ChartService))
    ).inSingletonScope();
});
