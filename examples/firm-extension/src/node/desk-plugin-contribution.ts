import { injectable } from '@theia/core/shared/inversify';
import { PluginContribution, PluginContributionRegistry } from '@backtestr/plugins';
import { DESK_EXTENSION, DESK_FEED_SOURCE_ID } from '../common';
import { parseDeskFeed } from './desk-feed-parser';

/**
 * The firm's data source, contributed at build time through dependency injection: trusted code
 * running in the backend (unlike run-time plugins, which run in their own host worker).
 */
@injectable()
export class DeskPluginContribution implements PluginContribution {
    registerDataSources(registry: PluginContributionRegistry): void {
        registry.registerDataSource({
            kind: 'dataSources',
            id: DESK_FEED_SOURCE_ID,
            label: 'Acme desk feed (time|price|size)',
            fileExtensions: ['.psv'],
            origin: { kind: 'extension', id: DESK_EXTENSION }
        }, {
            importFile: async file => parseDeskFeed(new TextDecoder().decode(file.bytes))
        });
    }
}
