import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { ContainerModule } from '@theia/core/shared/inversify';
import { ANALYSIS_SERVICE_PATH, AnalysisService } from '../common/analysis-protocol';
import { AnalysisServiceImpl } from './analysis-service-impl';

export default new ContainerModule(bind => {
    bind(AnalysisServiceImpl).toSelf().inSingletonScope();
    bind(AnalysisService).toService(AnalysisServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(ANALYSIS_SERVICE_PATH, () => ctx.container.get<AnalysisService>(AnalysisService))
    ).inSingletonScope();
});
