// The plugin host end to end on the node side: the example plugins installed through the
// installer like third-party code (a .tgz made by `npm pack`, folders), run in their host processes
// on real market data, and the faulty fixtures isolated and reported while the good ones go on.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApplicationError } from '@theia/core/lib/common/application-error';
import { IndicatorDescriptor } from '../common/plugin-contribution';
import { PluginErrors } from '../common/plugin-protocol';
import { PluginContributionRegistryImpl } from './plugin-contribution-registry-impl';
import { PluginManager } from './plugin-manager';
import { STATE_FILE } from './plugin-store';
import { loadEnabledIndicators } from './load-enabled-indicators';
import { requirePluginModule } from './sdk-resolution';
import type { BarColumns } from '@backtestr/workspace-store';
import {
    copyPlugin, examplesDir, fixturesDir, hasSharedData, packKeltner, sharedData, spyMinuteBars, tempDir
} from './test-support/plugin-test-support';

/** Keltner Channels computed over whole arrays (independent of the plugin's incremental classes). */
function referenceKeltner(bars: BarColumns, period = 20, atrPeriod = 10, k = 2): { upper: number; middle: number; lower: number }[] {
    const n = bars.close.length;
    const typical = Array.from({ length: n }, (_, i) => (bars.high[i] + bars.low[i] + bars.close[i]) / 3);
    const tr = Array.from({ length: n }, (_, i) => i === 0 ? bars.high[0] - bars.low[0]
        : Math.max(bars.high[i] - bars.low[i], Math.abs(bars.high[i] - bars.close[i - 1]), Math.abs(bars.low[i] - bars.close[i - 1])));
    const ema: number[] = [];
    const atr: number[] = [];
    for (let i = 0; i < n; i++) {
        ema[i] = i < period - 1 ? NaN : i === period - 1 ? typical.slice(0, period).reduce((a, b) => a + b) / period
            : ema[i - 1] + (2 / (period + 1)) * (typical[i] - ema[i - 1]);
        atr[i] = i < atrPeriod - 1 ? NaN : i === atrPeriod - 1 ? tr.slice(0, atrPeriod).reduce((a, b) => a + b) / atrPeriod
            : (atr[i - 1] * (atrPeriod - 1) + tr[i]) / atrPeriod;
    }
    return ema.map((m, i) => ({ upper: m + k * atr[i], middle: m, lower: m - k * atr[i] }));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error('expected the call to fail');
}

describe('plugin manager (installer, host processes, isolation)', function () {
    this.timeout(120_000);
    let work: string;
    let pluginDir: string;
    let keltnerTgz: string;
    let registry: PluginContributionRegistryImpl;
    let manager: PluginManager;
    let spy: BarColumns;

    before(function () {
        if (!hasSharedData()) {
            this.skip();
        }
        work = tempDir('plugins-spec');
        pluginDir = path.join(work, 'plugin-dir');
        keltnerTgz = packKeltner(work);
        spy = spyMinuteBars('20131007');
        registry = new PluginContributionRegistryImpl();
        manager = new PluginManager({ directory: pluginDir, registry, callTimeoutMs: 3000, loadTimeoutMs: 5000 });
    });

    after(() => {
        manager?.dispose();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    const state = (): Record<string, { state: string; error?: string }> => JSON.parse(fs.readFileSync(path.join(pluginDir, STATE_FILE), 'utf8')).plugins;
    const keltnerRequest = (bars: BarColumns) => ({ indicatorId: 'examples.keltner', bars });

    it('installs the Keltner example from the .tgz npm pack made, enabled, with its indicator registered', async () => {
        expect(path.basename(keltnerTgz)).to.equal('backtestr-keltner-channels-1.0.0.tgz');
        const plugin = await manager.install({ kind: 'tgz', location: keltnerTgz });
        expect(plugin).to.deep.include({
            id: 'examples.keltner-channels', name: 'backtestr-keltner-channels', displayName: 'Keltner Channels', version: '1.0.0',
            publisher: 'BackTestr examples', sdk: '^0.1.0', state: 'enabled', error: undefined
        });
        expect(plugin.contributions).to.deep.equal([{ kind: 'indicators', id: 'examples.keltner' }]);
        expect(fs.existsSync(path.join(pluginDir, 'examples.keltner-channels', 'lib', 'index.js'))).to.equal(true);
        expect(state()['examples.keltner-channels'].state).to.equal('enabled');
        const descriptor = registry.getContributions('indicators')[0] as IndicatorDescriptor;
        expect(descriptor).to.deep.include({ id: 'examples.keltner', label: 'Keltner Channels', origin: { kind: 'plugin', id: 'examples.keltner-channels' } });
        expect(descriptor.outputs.map(o => o.id)).to.deep.equal(['upper', 'middle', 'lower']);
        expect(descriptor.defaultOptions).to.deep.equal({ period: 20, atrPeriod: 10, multiplier: 2 });
    });

    it('computes Keltner Channels on real SPY minute bars in the plugin host, equal to an array-based reference', async () => {
        const series = await manager.computeIndicator(keltnerRequest(spy));
        const expected = referenceKeltner(spy);
        expect(series.time).to.have.length(spy.close.length);
        expect(spy.close.length).to.be.greaterThan(700);
        // Warm-up: undefined (defined = 0) for the first 19 bars, the EMA(20) needing 20 typical prices.
        expect(Array.from(series.defined.slice(0, 19))).to.deep.equal(new Array(19).fill(0));
        expect(series.defined.slice(19).every(d => d === 1)).to.equal(true);
        for (let i = 19; i < spy.close.length; i++) {
            for (const output of ['upper', 'middle', 'lower'] as const) {
                expect(Math.abs(series.values[output][i] - expected[i][output]), `${output} at bar ${i}`).to.be.lessThan(1e-9);
            }
            expect(series.values.lower[i]).to.be.lessThan(series.values.middle[i]);
        }
        // The middle line follows SPY (about 168-170 on that day).
        expect(series.values.middle[400]).to.be.within(160, 175);
        const wide = await manager.computeIndicator({ ...keltnerRequest(spy), options: { multiplier: 4 } });
        expect(wide.values.upper[400] - wide.values.middle[400]).to.be.closeTo(2 * (series.values.upper[400] - series.values.middle[400]), 1e-9);
    });

    it('imports a JSON-lines file made from real EURUSD quotes with the data source plugin installed from its folder', async () => {
        const plugin = await manager.install({ kind: 'folder', location: path.join(examplesDir, 'jsonl-ticks') });
        expect(plugin.state).to.equal('enabled');
        expect(plugin.contributions).to.deep.equal([{ kind: 'dataSources', id: 'examples.jsonl-ticks' }]);
        const csv = execFileSync('unzip', ['-p', path.join(sharedData, 'eurusd-quotes-2014-05', '20140505_quote.zip')], { encoding: 'utf8' });
        const rows = csv.trim().split('\n').slice(0, 1000).map(l => l.split(',').map(Number));
        const day = Date.UTC(2014, 4, 5);
        const lines = rows.map(([ms, bid, ask]) => JSON.stringify({ time: new Date(day + ms).toISOString(), bid, ask }));
        lines.splice(500, 0, '{"time":"2014-05-05T12:00:00Z","bid":"n/a","ask":1.3}');
        const file = path.join(work, 'eurusd-20140505.jsonl');
        fs.writeFileSync(file, lines.join('\n') + '\n');
        const importer = registry.getDataSourceImporter('examples.jsonl-ticks');
        expect(importer).to.not.equal(undefined);
        const ticks = await importer!.importFile({ name: path.basename(file), bytes: fs.readFileSync(file) });
        expect(ticks.time).to.have.length(1000);
        expect(ticks.price).to.equal(undefined);
        expect(ticks.time[0]).to.equal((day + rows[0][0]) * 1000);
        expect(ticks.bid![999]).to.equal(rows[999][1]);
        expect(ticks.ask![0]).to.equal(rows[0][2]);
        expect(ticks.rejected).to.deep.equal([{ line: 501, reason: '"bid" and "ask" must both be finite numbers', raw: lines[500] }]);
        // Every row carries its line number: the 501st line was rejected, so row 500 is line 502.
        expect(ticks.line![499]).to.equal(500);
        expect(ticks.line![500]).to.equal(502);
    });

    it('renders the report section plugin (installed from a folder) as plain title and rows', async () => {
        await manager.install({ kind: 'folder', location: path.join(examplesDir, 'trade-summary-report') });
        const data = await manager.renderReportSection('examples.trade-summary', {
            trades: [
                { entryTime: 1, exitTime: 2, side: 'long', pnl: 100 }, { entryTime: 3, exitTime: 4, side: 'short', pnl: -50 },
                { entryTime: 5, exitTime: 6, side: 'long', pnl: -25 }, { entryTime: 7, exitTime: 8, side: 'long', pnl: 75 }
            ]
        });
        expect(data.title).to.equal('Trade summary');
        const rows = Object.fromEntries(data.rows.map(r => [r.label, r.value]));
        expect(rows).to.deep.include({ 'Trades': 4, 'Long / short': '3 / 1', 'Win rate': '50.0%', 'Net P&L': '100.00', 'Payoff ratio': '2.33', 'Longest losing streak': 2 });
    });

    it('disables and enables a plugin: its contributions leave and come back, the state file follows', async () => {
        const disabled = await manager.disable('examples.keltner-channels');
        expect(disabled.state).to.equal('disabled');
        expect(state()['examples.keltner-channels'].state).to.equal('disabled');
        expect(registry.getContributions('indicators').map(c => c.id)).to.not.include('examples.keltner');
        const error = await rejection(manager.computeIndicator(keltnerRequest(spy)));
        expect(PluginErrors.UnknownContribution.is(error as ApplicationError<number, unknown>)).to.equal(true);
        expect(error.message).to.equal("No enabled indicator 'examples.keltner': install and enable the plugin that contributes it.");
        expect((await manager.enable('examples.keltner-channels')).state).to.equal('enabled');
        expect((await manager.computeIndicator(keltnerRequest(spy))).defined[100]).to.equal(1);
    });

    it('updates a plugin from its recorded source (a folder whose version changed)', async () => {
        const copy = copyPlugin(path.join(examplesDir, 'trade-summary-report'), work);
        const installed = await manager.install({ kind: 'folder', location: copy });
        expect(installed.version).to.equal('1.0.0');
        const pkgFile = path.join(copy, 'package.json');
        fs.writeFileSync(pkgFile, fs.readFileSync(pkgFile, 'utf8').replace('"version": "1.0.0"', '"version": "1.1.0"'));
        const updated = await manager.update('examples.trade-summary-report');
        expect(updated).to.deep.include({ version: '1.1.0', state: 'enabled' });
        expect(updated.source).to.deep.equal({ kind: 'folder', location: copy });
        expect((await manager.renderReportSection('examples.trade-summary', { trades: [] })).rows[0]).to.deep.equal({ label: 'Trades', value: 0 });
    });

    for (const [fixture, expected] of [
        ['throws-on-load', /^load error: loading .*index\.js threw: Error: fixture: this plugin cannot start \(missing licence key\)/],
        ['throws-on-update', /^threw: Error: fixture: update failed at bar 50\n\s+at Object\.update \(.*index\.js:15/],
        ['infinite-loop', /^hung: exercise did not return within 5000 ms \(an endless loop\?\); the plugin was stopped\.$/],
        ['wrong-shape', /^malformed output: indicator 'fixtures\.wrong-shape' at bar 5 returned the string 'high': expected a finite number \(or undefined while warming up\)\.$/],
        ['nan-output', /^malformed output: indicator 'fixtures\.nan-output' at bar 5 returned NaN: return undefined while warming up, a finite number otherwise\.$/]
    ] as const) {
        it(`isolates the ${fixture} fixture: installed but failed with its error, while Keltner keeps working`, async () => {
            const plugin = await manager.install({ kind: 'folder', location: path.join(fixturesDir, fixture) });
            expect(plugin.state).to.equal('failed');
            expect(plugin.error).to.match(expected);
            expect(state()[`fixtures.${fixture}`]).to.deep.include({ state: 'failed', error: plugin.error });
            expect(registry.getContributions('indicators').map(c => c.id)).to.deep.equal(['examples.keltner']);
            const series = await manager.computeIndicator(keltnerRequest(spy));
            expect(series.defined[spy.close.length - 1]).to.equal(1);
            expect(manager.list().find(p => p.id === 'examples.keltner-channels')?.state).to.equal('enabled');
        });
    }

    it('survives a plugin that calls process.exit: only its host process ends, the plugin is failed', async () => {
        const plugin = await manager.install({ kind: 'folder', location: path.join(fixturesDir, 'exits-process') });
        expect(plugin).to.deep.include({ state: 'failed', error: 'the plugin host exited (code 3).' });
        expect((await manager.computeIndicator(keltnerRequest(spy))).defined[50]).to.equal(1);
    });

    it('fails a plugin whose timer throws outside any call, and reports the error', async () => {
        await manager.install({ kind: 'folder', location: path.join(fixturesDir, 'async-crash') });
        for (let i = 0; i < 300 && manager.get('fixtures.async-crash').state !== 'failed'; i++) {
            await new Promise(resolve => setTimeout(resolve, 50));
        }
        const plugin = manager.get('fixtures.async-crash');
        expect(plugin.state).to.equal('failed');
        expect(plugin.error).to.match(/^the plugin crashed: Error: fixture: crash from a timer\n\s+at Timeout\._onTimeout \(.*index\.js:23/);
        expect(registry.getContributions('indicators').map(c => c.id)).to.deep.equal(['examples.keltner']);
    });

    it('disables a plugin that throws later, on real data, and reports which plugin failed; the others go on', async () => {
        const plugin = await manager.install({ kind: 'folder', location: path.join(fixturesDir, 'late-throw') });
        expect(plugin.state).to.equal('enabled');
        const error = await rejection(manager.computeIndicator({ indicatorId: 'fixtures.late-throw', bars: spy }));
        expect(PluginErrors.PluginFailed.is(error as ApplicationError<number, unknown>)).to.equal(true);
        expect(error.message).to.match(/^Plugin fixtures\.late-throw failed and was disabled: threw: Error: fixture: prices above 150 are not supported/);
        expect(manager.get('fixtures.late-throw')).to.deep.include({ state: 'failed' });
        expect(registry.getContributions('indicators').map(c => c.id)).to.not.include('fixtures.late-throw');
        expect((await manager.renderReportSection('examples.trade-summary', { trades: [] })).title).to.equal('Trade summary');
        expect((await manager.computeIndicator(keltnerRequest(spy))).defined[50]).to.equal(1);
    });

    it('enabling a failed plugin tries it again and fails it again with the same error', async () => {
        const again = await manager.enable('fixtures.throws-on-update');
        expect(again.state).to.equal('failed');
        expect(again.error).to.match(/^threw: Error: fixture: update failed at bar 50/);
    });

    it('refuses an invalid manifest and an SDK mismatch without installing anything', async () => {
        const bad = copyPlugin(path.join(fixturesDir, 'wrong-shape'), path.join(work, 'bad'));
        const pkgFile = path.join(bad, 'package.json');
        const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
        delete pkg.backtestr.sdk;
        pkg.backtestr.id = 'fixtures.other';
        fs.writeFileSync(pkgFile, JSON.stringify(pkg));
        const invalid = await rejection(manager.install({ kind: 'folder', location: bad }));
        expect(PluginErrors.InvalidManifest.is(invalid as ApplicationError<number, unknown>)).to.equal(true);
        expect(invalid.message).to.contain('- backtestr.sdk: missing: give the @backtestr/plugins-sdk version range the plugin was built against, e.g. "^0.1.0".');
        fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, backtestr: { ...pkg.backtestr, sdk: '>=3.0.0' } }));
        const mismatch = await rejection(manager.install({ kind: 'folder', location: bad }));
        expect(PluginErrors.SdkMismatch.is(mismatch as ApplicationError<number, unknown>)).to.equal(true);
        expect(mismatch.message).to.match(/^Plugin fixtures\.other needs @backtestr\/plugins-sdk >=3\.0\.0, but this BackTestr provides 0\.1\.\d+/);
        expect(fs.existsSync(path.join(pluginDir, 'fixtures.other'))).to.equal(false);
        expect(state()['fixtures.other']).to.equal(undefined);
        expect(fs.readdirSync(pluginDir).filter(f => f.startsWith('.staging-'))).to.deep.equal([]);
        const missing = await rejection(manager.install({ kind: 'tgz', location: path.join(work, 'nope.tgz') }));
        expect(missing.message).to.equal(`Cannot install from tgz ${path.join(work, 'nope.tgz')}: it does not exist.`);
    });

    it('fetches from the npm registry with npm pack, and refuses a package without a manifest', async () => {
        const error = await rejection(manager.install({ kind: 'npm', location: 'is-number@7.0.0' }));
        expect(PluginErrors.InvalidManifest.is(error as ApplicationError<number, unknown>)).to.equal(true);
        expect(error.message).to.match(/is not a valid BackTestr plugin:\n- backtestr: missing: add a "backtestr" object/);
        const notAName = await rejection(manager.install({ kind: 'npm', location: 'is-number; rm -rf /' }));
        expect(notAName.message).to.contain('is not an npm package name with an optional version range');
    });

    it('keeps state across a restart: enabled plugins start again, failed ones stay failed', async () => {
        const registry2 = new PluginContributionRegistryImpl();
        const restarted = new PluginManager({ directory: pluginDir, registry: registry2, callTimeoutMs: 3000, loadTimeoutMs: 5000 });
        try {
            await restarted.start();
            const states = Object.fromEntries(restarted.list().map(p => [p.id, p.state]));
            expect(states).to.deep.equal({
                'examples.keltner-channels': 'enabled', 'examples.jsonl-ticks': 'enabled', 'examples.trade-summary-report': 'enabled',
                'fixtures.throws-on-load': 'failed', 'fixtures.throws-on-update': 'failed', 'fixtures.infinite-loop': 'failed',
                'fixtures.wrong-shape': 'failed', 'fixtures.nan-output': 'failed', 'fixtures.late-throw': 'failed',
                'fixtures.exits-process': 'failed', 'fixtures.async-crash': 'failed'
            });
            expect(registry2.getContributions().map(c => c.id).sort()).to.deep.equal(['examples.jsonl-ticks', 'examples.keltner', 'examples.trade-summary']);
            expect((await restarted.computeIndicator(keltnerRequest(spy))).defined[30]).to.equal(1);
        } finally {
            restarted.dispose();
        }
    });

    it('loadEnabledIndicators gives the strategy worker the enabled indicators, checked, and skips the rest', () => {
        const { indicators, problems } = loadEnabledIndicators(pluginDir, requirePluginModule);
        expect([...indicators.keys()]).to.deep.equal(['examples.keltner']);
        expect(problems).to.deep.equal([]);
        const keltner = indicators.get('examples.keltner')!;
        expect(keltner.pluginId).to.equal('examples.keltner-channels');
        const state = keltner.definition.create({});
        const expected = referenceKeltner(spy);
        let last: unknown;
        for (let i = 0; i < 100; i++) {
            last = state.update({ time: spy.time[i], open: spy.open[i], high: spy.high[i], low: spy.low[i], close: spy.close[i], volume: spy.volume[i], ticks: 1 });
        }
        expect((last as { middle: number }).middle).to.be.closeTo(expected[99].middle, 1e-9);
        // A plugin marked enabled by hand whose output is NaN: the checked definition throws, naming it.
        const stateFile = path.join(pluginDir, STATE_FILE);
        const saved = fs.readFileSync(stateFile, 'utf8');
        try {
            const parsed = JSON.parse(saved);
            parsed.plugins['fixtures.nan-output'] = { ...parsed.plugins['fixtures.nan-output'], state: 'enabled' };
            fs.writeFileSync(stateFile, JSON.stringify(parsed));
            const nan = loadEnabledIndicators(pluginDir, requirePluginModule).indicators.get('fixtures.nan-output')!.definition.create({});
            const bar = { time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1, ticks: 1 };
            for (let i = 0; i < 5; i++) {
                nan.update(bar);
            }
            expect(() => nan.update(bar)).to.throw("Plugin fixtures.nan-output: indicator 'fixtures.nan-output' at bar 5 returned NaN");
        } finally {
            fs.writeFileSync(stateFile, saved);
        }
    });

    it('uninstalls: the folder and the state entry go, the contributions too', async () => {
        await manager.uninstall('examples.keltner-channels');
        expect(fs.existsSync(path.join(pluginDir, 'examples.keltner-channels'))).to.equal(false);
        expect(state()['examples.keltner-channels']).to.equal(undefined);
        expect(registry.getContributions('indicators')).to.deep.equal([]);
        const error = await rejection(manager.uninstall('examples.keltner-channels'));
        expect(error.message).to.equal("No plugin 'examples.keltner-channels' is installed.");
    });
});
