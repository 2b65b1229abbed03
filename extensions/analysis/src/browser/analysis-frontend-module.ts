import { ContainerModule } from '@theia/core/shared/inversify';
import { bindViewContribution, WidgetFactory } from '@theia/core/lib/browser';
import { ServiceConnectionProvider } from '@theia/core/lib/browser/messaging/service-connection-provider';
import { ANALYSIS_SERVICE_PATH, AnalysisService } from '../common/analysis-protocol';
import { AnalysisClientImpl } from './analysis-client-impl';
import { AnalysisViewContribution } from './analysis-view-contribution';
import { AnalysisWidget } from './analysis-widget';
import '../../src/browser/style/analysis.css';

export default new ContainerModule(bind => {
    bind(AnalysisClientImpl).toSelf().inSingletonScope();
    bind(AnalysisService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<AnalysisService>(ctx.container, ANALYSIS_SERVICE_PATH, ctx.container.get(AnalysisClientImpl))
    ).inSingletonScope();
    bind(AnalysisWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: AnalysisWidget.ID,
        createWidget: () => ctx.container.get(AnalysisWidget)
    })).inSingletonScope();
    bindViewContribution(bind, AnalysisViewContribution);
});
