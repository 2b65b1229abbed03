// `backtestr import` through run-time plugin data sources: the real JSON-lines example plugin installed
// into a temporary plugin directory, real EURUSD quotes from ../shared/data, real DuckDB files.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatasetKey } from '@backtestr/workspace-store';
import { TickRepository, WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { DataQuality } from '@backtestr/data-import/lib/node';
import { PluginContributionRegistryImpl, PluginManager } from '@backtestr/plugins/lib/node';
import { cli } from './cli-test-support';

const REPO = path.resolve(__dirname, '../..');
const JSONL_PLUGIN = path.join(REPO, 'examples', 'plugins', 'jsonl-ticks');
const BAD_PLUGIN = path.join(REPO, 'extensions', 'plugins', 'test-fixtures', 'bad-data-source');
const SHARED_DATA = process.env.BACKTESTR_DATA_DIR ?? path.resolve(REPO, '..', 'shared', 'data');
const DAY = Date.UTC(2014, 4, 5);

/** The first `n` real EURUSD quotes of 2014-05-05 (OANDA): [ms since midnight UTC, bid, ask]. */
function eurusdQuotes(n: number): number[][] {
    const csv = execFileSync('unzip', ['-p', path.join(SHARED_DATA, 'eurusd-quotes-2014-05', '20140505_quote.zip')], { encoding: 'utf8' });
    return csv.trim().split('\n').slice(0, n).map(l => l.split(',').map(Number));
}

const jsonLine = ([ms, bid, ask]: number[]): string => JSON.stringify({ time: new Date(DAY + ms).toISOString(), bid, ask });

async function installPlugins(dir: string, ...folders: string[]): Promise<void> {
    const manager = new PluginManager({ directory: dir, registry: new PluginContributionRegistryImpl() });
    try {
        for (const folder of folders) {
            expect((await manager.install({ kind: 'folder', location: folder })).state).to.equal('enabled');
        }
    } finally {
        manager.dispose();
    }
}

function pluginState(dir: string, id: string): { state: string; error?: string } {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'plugins.json'), 'utf8')) as { plugins: Record<string, { state: string; error?: string }> }).plugins[id];
}

async function withDb<T>(workspace: string, read: (db: WorkspaceDatabase) => Promise<T>): Promise<T> {
    const db = await WorkspaceDatabase.open(workspaceDatabasePath(workspace));
    try {
        return await read(db);
    } finally {
        db.close();
    }
}

async function counts(db: WorkspaceDatabase): Promise<{ trades: number; quotes: number; quarantine: number; files: number }> {
    const rows = await db.all(`SELECT (SELECT count(*) FROM trades) AS trades, (SELECT count(*) FROM quotes) AS quotes,
        (SELECT count(*) FROM quarantine) AS quarantine, (SELECT count(*) FROM import_files) AS files`);
    const r = rows[0];
    return { trades: Number(r.trades), quotes: Number(r.quotes), quarantine: Number(r.quarantine), files: Number(r.files) };
}

describe('backtestr import through plugin data sources', function (): void {
    this.timeout(120_000);
    let work: string;
    let plugins: string;
    let workspace: string;

    beforeEach(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-plugin-import-'));
        plugins = path.join(work, 'plugins');
        workspace = path.join(work, 'workspace');
        fs.mkdirSync(workspace);
    });

    afterEach(() => {
        fs.rmSync(work, { recursive: true, force: true });
    });

    it('imports a JSON-lines file of real EURUSD quotes through the example plugin (chosen by extension); the rows read back exactly', async () => {
        await installPlugins(plugins, JSONL_PLUGIN);
        const quotes = eurusdQuotes(3000);
        const file = path.join(work, 'eurusd-20140505.jsonl');
        fs.writeFileSync(file, quotes.map(jsonLine).join('\n') + '\n');
        const run = await cli('import', file, '--workspace', workspace, '--plugins', plugins, '--symbol', 'EURUSD', '--venue', 'oanda', '--json');
        expect(run.err).to.equal('');
        expect(run.code).to.equal(0);
        const result = JSON.parse(run.out) as { format: string; sourceId: string; rows: number; quarantined: number; datasets: DatasetKey[] };
        expect(result).to.include({ format: 'source', sourceId: 'examples.jsonl-ticks', rows: 3000, quarantined: 0 });
        await withDb(workspace, async db => {
            const repo = new TickRepository(db);
            const instrument = (await repo.findInstrument('EURUSD', 'oanda'))!;
            expect(instrument.tickSize).to.equal(0.00001);
            const key: DatasetKey = { instrumentId: instrument.id, kind: 'quotes' };
            expect(result.datasets).to.deep.equal([key]);
            const ticks = await repo.readTicks(key);
            expect(ticks.count).to.equal(3000);
            expect(Array.from(ticks.time)).to.deep.equal(quotes.map(q => (DAY + q[0]) * 1000));
            expect(Array.from(ticks.bid!)).to.deep.equal(quotes.map(q => Math.round(q[1] / 0.00001)));
            expect(Array.from(ticks.ask!)).to.deep.equal(quotes.map(q => Math.round(q[2] / 0.00001)));
            const summary = (await repo.listDatasets()).find(d => d.instrumentId === instrument.id);
            expect(summary).to.include({ kind: 'quotes', tickCount: 3000, quarantinedRows: 0 });
            const report = await new DataQuality(db).report(key);
            expect(report?.days.map(d => [d.day, d.tickCount])).to.deep.equal([['2014-05-05', 3000]]);
            expect(summary!.qualityScore).to.equal(report!.score);
        });
        // The same file again: recognised by its contents and skipped.
        const again = await cli('import', file, '--workspace', workspace, '--plugins', plugins, '--symbol', 'EURUSD', '--venue', 'oanda');
        expect(again.code).to.equal(0);
        expect(again.out).to.contain('0 rows').and.contain('skipped: already imported by import #');
    });

    it('quarantines bad rows with their line and reason and keeps the good ones', async () => {
        await installPlugins(plugins, JSONL_PLUGIN);
        const quotes = eurusdQuotes(100);
        const lines = quotes.map(jsonLine);
        const at = (i: number): string => new Date(DAY + quotes[i][0]).toISOString();
        // Replace lines 11..16 (1-based) with bad rows; each one has its own reason.
        lines[10] = JSON.stringify({ time: at(10), bid: 1.3875, ask: 1.3871 });            // crossed
        lines[11] = JSON.stringify({ time: at(11), bid: 0, ask: 1.3871 });                 // zero price
        lines[12] = JSON.stringify({ time: new Date(DAY).toISOString(), bid: 1.387, ask: 1.3871 }); // before the previous row
        lines[13] = JSON.stringify({ time: at(13), bid: 'n/a', ask: 1.3871 });             // rejected by the plugin
        lines[14] = '{"time": "2014-05-05T00:';                                              // not JSON
        lines[15] = JSON.stringify({ time: at(15), bid: 1.387123, ask: 1.3872 });          // off the 0.00001 grid
        const file = path.join(work, 'bad.jsonl');
        fs.writeFileSync(file, lines.join('\n') + '\n');
        const run = await cli('import', file, '--workspace', workspace, '--plugins', plugins, '--source', 'examples.jsonl-ticks',
            '--symbol', 'EURUSD', '--venue', 'oanda', '--json');
        expect(run.code, run.err).to.equal(0);
        const result = JSON.parse(run.out) as { rows: number; quarantined: number; importId: number };
        expect(result).to.include({ rows: 94, quarantined: 6 });
        await withDb(workspace, async db => {
            const repo = new TickRepository(db);
            const q = await repo.getQuarantine(result.importId);
            expect(q.map(r => [r.file, r.line, r.reason]).sort((a, b) => Number(a[1]) - Number(b[1]))).to.deep.equal([
                [file, 11, 'crossed quote: bid above ask'],
                [file, 12, 'non-positive price'],
                [file, 13, q.find(r => r.line === 13)!.reason],
                [file, 14, '"bid" and "ask" must both be finite numbers'],
                [file, 15, q.find(r => r.line === 15)!.reason],
                [file, 16, 'bid: not a multiple of 0.00001']
            ]);
            expect(q.find(r => r.line === 13)!.reason).to.match(/^out of order: /);
            expect(q.find(r => r.line === 15)!.reason).to.match(/^not JSON: /);
            expect(q.find(r => r.line === 14)!.raw).to.equal(lines[13]);
            expect(q.find(r => r.line === 11)!.raw).to.equal(`time=${at(10)} bid=1.3875 ask=1.3871`);
            const instrument = (await repo.findInstrument('EURUSD', 'oanda'))!;
            const ticks = await repo.readTicks({ instrumentId: instrument.id, kind: 'quotes' });
            const kept = quotes.filter((_, i) => i < 10 || i > 15);
            expect(Array.from(ticks.time)).to.deep.equal(kept.map(q => (DAY + q[0]) * 1000));
            expect(Array.from(ticks.bid!)).to.deep.equal(kept.map(q => Math.round(q[1] / 0.00001)));
        });
    });

    for (const [name, expected] of [
        ['throws-1.badticks', 'threw: Error: cannot read this file: the vendor header is missing'],
        ['lengths-1.badticks', "returned 2 values in column 'price' but 3 times"],
        ['shape-1.badticks', "returned the string 'ticks'"],
        ['columns-1.badticks', "returned 1.5 for column 'price': expected an array"]
    ] as const) {
        it(`fails the import of ${name.split('-')[0]} output, writes nothing and marks the plugin failed`, async () => {
            await installPlugins(plugins, BAD_PLUGIN, JSONL_PLUGIN);
            // A good import first: the failed one must leave it as it was.
            const good = path.join(work, 'good.badticks');
            fs.writeFileSync(good, 'anything');
            expect((await cli('import', good, '--workspace', workspace, '--plugins', plugins, '--symbol', 'SPY', '--venue', 'usa')).code).to.equal(0);
            const before = await withDb(workspace, counts);
            expect(before).to.deep.equal({ trades: 2, quotes: 0, quarantine: 0, files: 1 });
            const file = path.join(work, name);
            fs.writeFileSync(file, 'anything');
            const run = await cli('import', file, '--workspace', workspace, '--plugins', plugins, '--symbol', 'EURUSD', '--venue', 'oanda');
            expect(run.code).to.equal(1);
            const message = run.err.split('\n')[0];
            expect(message).to.contain(`${file}: the import source Bad ticks (plugin fixtures.bad-data-source) failed; nothing was imported.`);
            expect(message).to.contain('Plugin fixtures.bad-data-source failed and was disabled');
            expect(run.err).to.contain(expected);
            expect(await withDb(workspace, counts)).to.deep.equal(before);
            const datasets = await withDb(workspace, db => new TickRepository(db).listDatasets());
            expect(datasets.map(d => `${d.symbol} ${d.kind}`)).to.deep.equal(['SPY trades']);
            const state = pluginState(plugins, 'fixtures.bad-data-source');
            expect(state.state).to.equal('failed');
            expect(state.error).to.contain(expected);
            // The other plugin is untouched; the failed one's files are no longer read by anything.
            expect(pluginState(plugins, 'examples.jsonl-ticks').state).to.equal('enabled');
            const after = await cli('import', file, '--workspace', workspace, '--plugins', plugins, '--source', 'fixtures.bad-ticks', '--symbol', 'EURUSD');
            expect(after.code).to.equal(1);
            expect(after.err).to.contain("No enabled import source 'fixtures.bad-ticks'; the enabled ones are examples.jsonl-ticks (.jsonl, .ndjson)");
        });
    }

    it('imports a built-in format when the plugins cannot start (an unreadable plugins.json), saying why', async () => {
        fs.mkdirSync(plugins);
        fs.writeFileSync(path.join(plugins, 'plugins.json'), '{ not json');
        const zip = path.join(SHARED_DATA, 'eurusd-quotes-2014-05', '20140505_quote.zip');
        const run = await cli('import', zip, '--workspace', workspace, '--plugins', plugins, '--symbol', 'EURUSD', '--venue', 'oanda', '--json');
        expect(run.code).to.equal(0);
        expect(run.err).to.match(/^backtestr: the plugins in .* did not start: .*plugins\.json cannot be read/);
        expect(JSON.parse(run.out)).to.include({ format: 'csv', presetId: 'lean-forex-quotes' });
    });

    it('documents --source in import --help, names the enabled sources for a bare --source, and needs a choice when two sources read a file', async () => {
        const help = await cli('import', '--help');
        expect(help.code).to.equal(0);
        expect(help.out).to.contain('--source <id>').and.contain('--plugins').and.contain('quarantine');
        await installPlugins(plugins, JSONL_PLUGIN);
        const file = path.join(work, 'q.jsonl');
        fs.writeFileSync(file, eurusdQuotes(5).map(jsonLine).join('\n'));
        const bare = await cli('import', file, '--workspace', workspace, '--plugins', plugins, '--source');
        expect(bare.code).to.equal(1);
        expect(bare.err).to.contain('--source needs an import source id; the enabled ones are examples.jsonl-ticks (JSON-lines ticks (plugin examples.jsonl-ticks), .jsonl .ndjson)');
        // A second plugin reading .jsonl files: a copy of the example under another id.
        const copy = path.join(work, 'jsonl-copy');
        fs.cpSync(JSONL_PLUGIN, copy, { recursive: true });
        const pkg = JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8'));
        pkg.name = 'backtestr-jsonl-copy';
        pkg.backtestr.id = 'copy.jsonl';
        pkg.backtestr.contributes.dataSources = ['copy.jsonl-ticks'];
        fs.writeFileSync(path.join(copy, 'package.json'), JSON.stringify(pkg));
        fs.writeFileSync(path.join(copy, 'index.js'), fs.readFileSync(path.join(copy, 'index.js'), 'utf8').replace("id: 'examples.jsonl-ticks'", "id: 'copy.jsonl-ticks'"));
        await installPlugins(plugins, copy);
        const ambiguous = await cli('import', file, '--workspace', workspace, '--plugins', plugins, '--symbol', 'EURUSD', '--venue', 'oanda');
        expect(ambiguous.code).to.equal(1);
        expect(ambiguous.err).to.contain('several import sources read such files (JSON-lines ticks (plugin examples.jsonl-ticks), JSON-lines ticks (plugin copy.jsonl))');
        const chosen = await cli('import', file, '--workspace', workspace, '--plugins', plugins, '--source', 'copy.jsonl-ticks', '--symbol', 'EURUSD', '--venue', 'oanda');
        expect(chosen.code, chosen.err).to.equal(0);
        expect(chosen.out).to.contain('(source copy.jsonl-ticks): 5 rows, 0 quarantined');
    });
});
