// The firm extension wired the way the backend wires it: its ContainerModule loaded into a
// container with the plugin host's contribution point, the contributions registered, and the
// data source reading a feed file made from real SPY trades.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Container } from '@theia/core/shared/inversify';
import { bindContributionProvider, ContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { PluginContribution, PluginContributionRegistry } from '@backtestr/plugins';
import deskBackendModule from './desk-backend-module';
import { DESK_FEED_SOURCE_ID } from '../common';

const TRADES = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data', 'spy-trades-2013-10', '20131007_trade.zip');

/** A registry as small as the contract: the plugin host's own implementation is bound in its backend module. */
function registryFor(container: Container): PluginContributionRegistry {
    const sources = new Map<string, Parameters<PluginContributionRegistry['registerDataSource']>>();
    const registry = {
        registerDataSource: (...args: Parameters<PluginContributionRegistry['registerDataSource']>) => {
            sources.set(args[0].id, args);
            return { dispose: () => sources.delete(args[0].id) };
        },
        getContributions: () => [...sources.values()].map(s => s[0]),
        getDataSourceImporter: (id: string) => sources.get(id)?.[1]
    } as unknown as PluginContributionRegistry;
    container.bind(PluginContributionRegistry).toConstantValue(registry);
    return registry;
}

describe('firm extension (build-time, through DI)', () => {
    it('contributes its data source, which reads a desk feed made from real SPY trades', async function () {
        if (!fs.existsSync(TRADES)) {
            this.skip();
        }
        const container = new Container();
        bindContributionProvider(container, PluginContribution);
        container.load(deskBackendModule);
        const registry = registryFor(container);
        for (const contribution of container.getNamed<ContributionProvider<PluginContribution>>(ContributionProvider, PluginContribution).getContributions()) {
            contribution.registerDataSources?.(registry);
        }
        expect(registry.getContributions().map(c => c.id)).to.deep.equal([DESK_FEED_SOURCE_ID]);
        const rows = execFileSync('unzip', ['-p', TRADES], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }).split('\n').slice(0, 500).map(l => l.split(','));
        const edtMidnight = Date.UTC(2013, 9, 7, 4);
        const lines = rows.map(r => `${new Date(edtMidnight + Number(r[0])).toISOString()}|${Number(r[1]) / 1e4}|${r[2]}`);
        lines.splice(10, 0, 'garbage line');
        const ticks = await registry.getDataSourceImporter(DESK_FEED_SOURCE_ID)!.importFile({ name: 'spy.psv', bytes: new TextEncoder().encode(lines.join('\n')) });
        expect(ticks.time).to.have.length(500);
        expect(ticks.time[0]).to.equal((edtMidnight + Number(rows[0][0])) * 1000);
        expect(ticks.price![0]).to.equal(Number(rows[0][1]) / 1e4);
        expect(ticks.size![499]).to.equal(Number(rows[499][2]));
        expect(ticks.rejected).to.deep.equal([{ line: 11, reason: 'expected time|price|size, e.g. 2013-10-07T13:30:00.123456Z|167.41|100' }]);
    });
});
