// Report sections of run-time plugins in the analysis: the real example plugin (trade-summary-report)
// installed into a temporary plugin directory through the real plugin host, a real run (the SMA cross
// on HistData EURUSD M1 2017 H1) stored in a temporary DuckDB, and three faulty plugins (one throws,
// one hangs, one returns a malformed section on a real run, all of which pass the host's check with
// its sample run). The section's figures are checked against the run's trades and its statistics;
// each fault becomes an error entry naming its plugin; the JSON export validates with its sections.

import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Container } from '@theia/core/shared/inversify';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { PreferenceService } from '@theia/core/lib/common/preferences/preference-service';
import { PLUGIN_DIRECTORY_PREFERENCE, PluginService } from '@backtestr/plugins';
// eslint-disable-next-line backtestr/runtime-folders -- the test runs the real plugin host, wired as the backend wires it
import pluginsBackendModule from '@backtestr/plugins/lib/node/plugins-backend-module';
import { RunStoreImpl, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';
import { AnalysisService } from '../common/analysis-protocol';
import { RunStore } from '../common/run-store';
import { RunReportSection } from '../common/report-sections';
import { runExportJson } from '../common/report/run-export';
import { runStatistics } from '../common/run-analysis';
import { tearsheetPageCount } from '../common/report/report-html';
import analysisBackendModule from './analysis-backend-module';
import { readRunOutput } from './run-reports';
import { EURUSD_M1_DIR, eurusdRunFixture, RunFixture, storeFixture } from './test-support/eurusd-run-fixture';
import { runExportValidator } from './test-support/run-export-validator';

const EXAMPLE = path.resolve(__dirname, '../../../../examples/plugins/trade-summary-report');
const OUTPUT = path.resolve(__dirname, '../../../../tests/output');
const SUMMARY = 'examples.trade-summary';

/** A plugin with one report section whose render is `body` (it gets `input`); written into `dir`. */
function writePlugin(dir: string, name: string, body: string): string {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({
        name: `backtestr-${name}`, version: '1.0.0', main: 'index.js',
        backtestr: { id: `tests.${name}`, publisher: 'tests', displayName: `Faulty ${name}`, sdk: '^0.1.0', contributes: { reportSections: [`tests.${name}.section`] }, engine: 'index.js' }
    }, undefined, 2));
    fs.writeFileSync(path.join(folder, 'index.js'), `'use strict';
module.exports = { reportSections: [{ id: 'tests.${name}.section', label: '${name} section', render(input) {
    // The host checks every section once with a sample run of 8 trades: behave there, fail on a real run.
    if (input.trades.length <= 8) { return { title: 'ok', rows: [] }; }
    ${body}
} }] };
`);
    return folder;
}

/** The trade summary computed here from the fixture's own trade list (not through the analysis' input). */
function expectedSummary(f: RunFixture): Record<string, string | number> {
    const trades = f.source.trades;
    const wins = trades.filter(t => t.pnl > 0);
    const losses = trades.filter(t => t.pnl < 0);
    let total = 0;
    let winSum = 0;
    let lossSum = 0;
    let streak = 0;
    let longest = 0;
    for (const t of trades) {
        total += t.pnl;
        winSum += t.pnl > 0 ? t.pnl : 0;
        lossSum += t.pnl < 0 ? -t.pnl : 0;
        streak = t.pnl < 0 ? streak + 1 : 0;
        longest = Math.max(longest, streak);
    }
    const averageWin = winSum / wins.length;
    const averageLoss = lossSum / losses.length;
    return {
        'Trades': trades.length,
        'Long / short': `${trades.filter(t => t.side === 'long').length} / ${trades.filter(t => t.side === 'short').length}`,
        'Win rate': `${(100 * wins.length / trades.length).toFixed(1)}%`,
        'Net P&L': total.toFixed(2),
        'Average win': averageWin.toFixed(2),
        'Average loss': averageLoss.toFixed(2),
        'Payoff ratio': (averageWin / averageLoss).toFixed(2),
        'Longest losing streak': longest
    };
}

function rowsOf(section: RunReportSection | undefined): Record<string, string | number> {
    return Object.fromEntries((section?.data?.rows ?? []).map(r => [r.label, r.value]));
}

describe('report sections of plugins in the analysis', function (): void {
    let tmp: string;
    let db: WorkspaceDatabase;
    let fixture: RunFixture;
    let plugins: PluginService;
    let service: AnalysisService;

    function container(withPlugins: boolean, store: RunStore, pluginDir: string): Container {
        const c = new Container();
        c.bind(ILogger).to(MockLogger).inSingletonScope();
        c.bind(RunStore).toConstantValue(store);
        c.load(analysisBackendModule);
        if (withPlugins) {
            c.bind(PreferenceService).toConstantValue({
                ready: Promise.resolve(),
                get: <T>(name: string, fallback?: T) => (name === PLUGIN_DIRECTORY_PREFERENCE ? pluginDir : fallback) as T
            } as unknown as PreferenceService);
            c.load(pluginsBackendModule);
        }
        return c;
    }

    before(async function (): Promise<void> {
        if (!fs.existsSync(EURUSD_M1_DIR)) {
            this.skip();
        }
        delete process.env.BACKTESTR_PLUGIN_DIR;
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'analysis-sections-'));
        db = await WorkspaceDatabase.open(path.join(tmp, 'workspace.duckdb'));
        const store = new RunStoreImpl(db);
        fixture = eurusdRunFixture('sma-10-30', 10, 30);
        await storeFixture(store, fixture);
        const c = container(true, store, path.join(tmp, 'plugins'));
        plugins = c.get<PluginService>(PluginService);
        service = c.get<AnalysisService>(AnalysisService);
        const installed = await plugins.install({ kind: 'folder', location: EXAMPLE });
        expect(installed.state, installed.error).to.equal('enabled');
        const sources = path.join(tmp, 'sources');
        for (const [name, body] of Object.entries({
            throws: 'throw new Error(`cannot summarise ${input.trades.length} trades`);',
            hangs: 'for (;;) { /* never returns */ }',
            malformed: 'return { title: \'Broken\', rows: [{ label: \'Sharpe\', value: Number.NaN }] };'
        })) {
            const plugin = await plugins.install({ kind: 'folder', location: writePlugin(sources, name, body) });
            expect(plugin.state, plugin.error).to.equal('enabled');
        }
    });

    after(async () => {
        for (const p of plugins ? await plugins.listPlugins() : []) {
            await plugins.disable(p.id).catch(() => undefined);
        }
        db?.close();
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it('returns the example plugin\'s section with the run\'s figures, and each faulty plugin as an error entry naming it', async () => {
        const analysis = await service.getRunAnalysis('sma-10-30');
        const sections = analysis.sections ?? [];
        expect(sections.map(s => s.sectionId)).to.deep.equal([SUMMARY, 'tests.hangs.section', 'tests.malformed.section', 'tests.throws.section']);

        const summary = sections.find(s => s.sectionId === SUMMARY);
        expect(summary?.error).to.equal(undefined);
        expect(summary?.origin).to.deep.equal({ kind: 'plugin', id: 'examples.trade-summary-report', name: 'Trade summary report' });
        expect(summary?.data?.title).to.equal('Trade summary');
        const rows = rowsOf(summary);
        expect(rows).to.deep.equal(expectedSummary(fixture));
        // The same figures by the statistics engine of the analysis.
        const t = analysis.statistics.trades;
        expect(rows['Trades']).to.equal(t.count);
        expect(rows['Win rate']).to.equal(`${(100 * t.winRate!).toFixed(1)}%`);
        expect(rows['Net P&L']).to.equal(t.netProfit.toFixed(2));
        expect(rows['Longest losing streak']).to.equal(t.maxConsecutiveLosses);

        const error = (id: string) => sections.find(s => s.sectionId === id);
        expect(error('tests.throws.section')?.data).to.equal(undefined);
        expect(error('tests.throws.section')?.origin.name).to.equal('Faulty throws');
        expect(error('tests.throws.section')?.error).to.match(/^threw: .*cannot summarise \d+ trades/);
        expect(error('tests.hangs.section')?.error).to.match(/^hung: /);
        expect(error('tests.malformed.section')?.error).to.match(/^malformed output: .*row 0/);
        // Each fault disabled its plugin (the Plugins view shows it failed, with the reason); the example runs on.
        const states = Object.fromEntries((await plugins.listPlugins()).map(p => [p.id, p.state]));
        expect(states).to.deep.equal({
            'examples.trade-summary-report': 'enabled', 'tests.throws': 'failed', 'tests.hangs': 'failed', 'tests.malformed': 'failed'
        });
        const failed = (await plugins.listPlugins()).find(p => p.id === 'tests.throws');
        expect(failed?.error).to.contain('cannot summarise');
    });

    it('writes the sections into the JSON export, which validates against the published schema', async () => {
        const file = await service.exportRun('sma-10-30', 'json');
        const json = JSON.parse(Buffer.from(file.data).toString('utf8'));
        expect(runExportValidator()(json)).to.deep.equal([]);
        expect(json.sections.map((s: RunReportSection) => s.sectionId)).to.deep.equal([SUMMARY]);
        expect(rowsOf(json.sections[0])).to.deep.equal(expectedSummary(fixture));
        // The schema holds sections to their shape: an error entry validates, a section with neither data nor error does not.
        const withError = { ...json, sections: [...json.sections, { sectionId: 'x.y', label: 'y', origin: { kind: 'plugin', id: 'x', name: 'X' }, error: 'threw: boom' }] };
        expect(runExportValidator()(withError)).to.deep.equal([]);
        const bare = { ...json, sections: [{ sectionId: 'x.y', label: 'y', origin: { kind: 'plugin', id: 'x', name: 'X' } }] };
        expect(runExportValidator()(bare)).to.not.deep.equal([]);
        const nan = { ...json, sections: [{ ...json.sections[0], data: { title: 'T', rows: [{ label: 'a', value: { html: '<b>' } }] } }] };
        expect(runExportValidator()(nan)).to.not.deep.equal([]);
    });

    it('prints the sections on a fourth page of the PDF tearsheet', async () => {
        const file = await service.exportRun('sma-10-30', 'pdf');
        const pdf = path.join(tmp, 'tearsheet.pdf');
        fs.writeFileSync(pdf, file.data);
        const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
        expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).to.equal(tearsheetPageCount([{ sectionId: SUMMARY, label: '', origin: { kind: 'plugin', id: '', name: '' } }]));
        const lastPage = execFileSync('pdftotext', ['-f', '4', '-l', '4', '-layout', pdf, '-'], { encoding: 'utf8' });
        const expected = expectedSummary(fixture);
        expect(lastPage).to.contain('Trade summary · plugin Trade summary report').and.contain('Longest losing streak')
            .and.contain(String(expected['Net P&L'])).and.contain(String(expected['Win rate']));
        fs.mkdirSync(OUTPUT, { recursive: true });
        execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '4', '-l', '4', pdf, path.join(OUTPUT, 'analysis-tearsheet-sections')]);
    });

    it('has no sections, and the same JSON as before sections existed, without the plugins extension', async () => {
        const store = new RunStoreImpl(db);
        const bare = container(false, store, '').get<AnalysisService>(AnalysisService);
        const analysis = await bare.getRunAnalysis('sma-10-30');
        expect(analysis).to.not.have.property('sections');
        const text = Buffer.from((await bare.exportRun('sma-10-30', 'json')).data).toString('utf8');
        expect(JSON.parse(text)).to.not.have.property('sections');
        const record = (await store.getRun('sma-10-30'))!;
        const output = await readRunOutput(store, 'sma-10-30');
        expect(text).to.equal(runExportJson(record, output, runStatistics(record, output)));
    });
});
