import { ContainerModule } from '@theia/core/shared/inversify';
import { bindViewContribution, WidgetFactory } from '@theia/core/lib/browser';
import { DeskViewContribution } from './desk-view-contribution';
import { DeskWidget } from './desk-widget';

// PluginService (the proxy to the backend) is bound by @backtestr/plugins' frontend module; the
// firm's view just injects it.
export default new ContainerModule(bind => {
    bind(DeskWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({ id: DeskWidget.ID, createWidget: () => ctx.container.get(DeskWidget) })).inSingletonScope();
    bindViewContribution(bind, DeskViewContribution);
});
