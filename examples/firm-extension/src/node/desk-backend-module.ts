import { ContainerModule } from '@theia/core/shared/inversify';
import { PluginContribution } from '@backtestr/plugins';
import { DeskPluginContribution } from './desk-plugin-contribution';

export default new ContainerModule(bind => {
    bind(DeskPluginContribution).toSelf().inSingletonScope();
    bind(PluginContribution).toService(DeskPluginContribution);
});
