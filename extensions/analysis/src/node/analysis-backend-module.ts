import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { ContainerModule } from '@theia/core/shared/inversify';
import { AnalysisClient, ANALYSIS_SERVICE_PATH, AnalysisService, RunProgressFeed } from '../common/analysis-protocol';
import { AnalysisServiceImpl } from './analysis-service-impl';
import { ReportSectionCollector } from './report-section-collector';
import { RunProgressFeedImpl } from './run-progress-feed-impl';

export default new ContainerModule(bind => {
    bind(RunProgressFeedImpl).toSelf().inSingletonScope();
    bind(RunProgressFeed).toService(RunProgressFeedImpl);
    bind(ReportSectionCollector).toSelf().inSingletonScope();
    // One service per frontend connection, each with its own client.
    bind(AnalysisServiceImpl).toSelf();
    bind(AnalysisService).toService(AnalysisServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler<AnalysisClient>(ANALYSIS_SERVICE_PATH, client => {
            const service = ctx.container.get<AnalysisService>(AnalysisService);
            service.setClient(client);
            client.onDidCloseConnection(() => service.dispose());
            return service;
        })
    ).inSingletonScope();
});
