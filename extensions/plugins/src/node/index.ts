// The public node entry of @backtestr/plugins (`@backtestr/plugins/lib/node`): what the CLI, the other
// extensions, their specs and benches use. Everything else in `lib/node` is internal.
export { enabledIndicatorsLoaderPath } from './enabled-indicators-loader-path';
export { PluginContributionRegistryImpl } from './plugin-contribution-registry-impl';
export { PluginManager } from './plugin-manager';
export { createPluginImportSources } from './plugin-import-sources';
