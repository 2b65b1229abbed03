import { ContainerModule } from '@theia/core/shared/inversify';
import { bindViewContribution, FrontendApplicationContribution, WidgetFactory } from '@theia/core/lib/browser';
import { ServiceConnectionProvider } from '@theia/core/lib/browser/messaging/service-connection-provider';
import { ENGINE_SERVICE_PATH, EngineService } from '../common/engine-protocol';
import { EngineViewContribution } from './engine-view-contribution';
import { RunConfigWidget } from './run-config-widget';
import { RunsWidget } from './runs-widget';
import '../../src/browser/style/engine.css';

export default new ContainerModule(bind => {
    bind(EngineService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<EngineService>(ctx.container, ENGINE_SERVICE_PATH)
    ).inSingletonScope();
    bind(RunsWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: RunsWidget.ID,
        createWidget: () => ctx.container.get(RunsWidget)
    })).inSingletonScope();
    bind(RunConfigWidget).toSelf().inSingletonScope();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: RunConfigWidget.ID,
        createWidget: () => ctx.container.get(RunConfigWidget)
    })).inSingletonScope();
    bindViewContribution(bind, EngineViewContribution);
    bind(FrontendApplicationContribution).toService(EngineViewContribution);
});
