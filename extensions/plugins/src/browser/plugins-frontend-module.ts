import { ContainerModule } from '@theia/core/shared/inversify';
import { bindViewContribution, WidgetFactory } from '@theia/core/lib/browser';
import { ServiceConnectionProvider } from '@theia/core/lib/browser/messaging/service-connection-provider';
import { PreferenceContribution } from '@theia/core/lib/common/preferences/preference-schema';
import { pluginPreferenceSchema } from '../common/plugin-preferences';
import { PLUGIN_SERVICE_PATH, PluginService } from '../common/plugin-protocol';
import { PluginServiceClientImpl } from './plugin-service-client-impl';
import { PluginsViewContribution } from './plugins-view-contribution';
import { PluginsWidget } from './plugins-widget';
import '../../src/browser/style/plugins.css';

export default new ContainerModule(bind => {
    bind(PluginServiceClientImpl).toSelf().inSingletonScope();
    bind(PluginService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<PluginService>(ctx.container, PLUGIN_SERVICE_PATH, ctx.container.get(PluginServiceClientImpl))
    ).inSingletonScope();
    bind(PreferenceContribution).toConstantValue({ schema: pluginPreferenceSchema });
    bind(PluginsWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: PluginsWidget.ID,
        createWidget: () => ctx.container.get(PluginsWidget)
    })).inSingletonScope();
    bindViewContribution(bind, PluginsViewContribution);
});
