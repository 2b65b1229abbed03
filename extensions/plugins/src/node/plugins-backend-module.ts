import { ContainerModule } from '@theia/core/shared/inversify';
import { bindContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { PreferenceContribution } from '@theia/core/lib/common/preferences/preference-schema';
import { BackendApplicationContribution } from '@theia/core/lib/node/backend-application';
import { ImportSourceContribution } from '@backtestr/data-import';
import { PluginContribution, PluginContributionRegistry } from '../common/plugin-contribution';
import { pluginPreferenceSchema } from '../common/plugin-preferences';
import { PLUGIN_SERVICE_PATH, PluginService, PluginServiceClient } from '../common/plugin-protocol';
import { PluginContributionRegistryImpl } from './plugin-contribution-registry-impl';
import { PluginImportSourceContribution } from './plugin-import-sources';
import { PluginServiceImpl } from './plugin-service-impl';

export default new ContainerModule(bind => {
    bindContributionProvider(bind, PluginContribution);
    bind(PluginContributionRegistryImpl).toSelf().inSingletonScope();
    bind(PluginContributionRegistry).toService(PluginContributionRegistryImpl);
    bind(PluginServiceImpl).toSelf().inSingletonScope();
    bind(PluginService).toService(PluginServiceImpl);
    bind(BackendApplicationContribution).toService(PluginServiceImpl);
    bind(PreferenceContribution).toConstantValue({ schema: pluginPreferenceSchema });
    // The data layer's import wizard and `backtestr import` read files through the plugins' data sources.
    bind(PluginImportSourceContribution).toSelf().inSingletonScope();
    bind(ImportSourceContribution).toService(PluginImportSourceContribution);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler<PluginServiceClient>(PLUGIN_SERVICE_PATH, client => {
            const service = ctx.container.get<PluginServiceImpl>(PluginServiceImpl);
            service.setClient(client);
            client.onDidCloseConnection?.(() => service.disconnectClient(client));
            return service;
        })
    ).inSingletonScope();
});
