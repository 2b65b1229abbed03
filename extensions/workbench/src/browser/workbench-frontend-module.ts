import { ContainerModule } from '@theia/core/shared/inversify';
import { bindViewContribution, FrontendApplicationContribution, WidgetFactory } from '@theia/core/lib/browser';
import { ServiceConnectionProvider } from '@theia/core/lib/browser/messaging/service-connection-provider';
import { WORKBENCH_SERVICE_PATH, WorkbenchService } from '../common/workbench-protocol';
import { WelcomeWidget } from './welcome-widget';
import { WorkbenchContribution } from './workbench-contribution';
import '../../src/browser/style/workbench.css';

export default new ContainerModule(bind => {
    bind(WorkbenchService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<WorkbenchService>(ctx.container, WORKBENCH_SERVICE_PATH)
    ).inSingletonScope();
    bind(WelcomeWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: WelcomeWidget.ID,
        createWidget: () => ctx.container.get(WelcomeWidget)
    })).inSingletonScope();
    bindViewContribution(bind, WorkbenchContribution);
    bind(FrontendApplicationContribution).toService(WorkbenchContribution);
});
