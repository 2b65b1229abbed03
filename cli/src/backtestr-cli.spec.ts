import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { defaultDataDir, seedSampleWorkspace } from '@backtestr/data-import/lib/node';
import { COMMANDS, parseTime } from './backtestr-cli';
import { cli, exited, spawnCli } from './cli-test-support';

const SAMPLE = path.resolve(__dirname, '../../sample-workspace/strategies/sma-cross-1h-filter.ts');

describe('backtestr CLI: arguments', () => {
    it('exits 2 naming the argument for a missing strategy, symbol, bad time, bad option', async () => {
        const noFile = await cli('run', '/nonexistent/strategy.ts', '--symbol', 'SPY');
        expect(noFile.code).to.equal(2);
        expect(noFile.err).to.contain('<strategy.ts>: /nonexistent/strategy.ts does not exist');
        const noSymbol = await cli('run', SAMPLE);
        expect(noSymbol.code).to.equal(2);
        expect(noSymbol.err).to.contain('--symbol: give the instrument');
        const badFrom = await cli('run', SAMPLE, '--symbol', 'SPY', '--from', 'yesterday');
        expect(badFrom.code).to.equal(2);
        expect(badFrom.err).to.contain(`--from: 'yesterday' is not a date`);
        const badOption = await cli('run', SAMPLE, '--symbol', 'SPY', '--fast', '3');
        expect(badOption.code).to.equal(2);
        expect(badOption.err).to.contain('--fast: unknown option');
        const badParam = await cli('run', SAMPLE, '--symbol', 'SPY', '--param', 'fast');
        expect(badParam.code).to.equal(2);
        expect(badParam.err).to.contain(`--param: 'fast' is not name=value`);
        const noWorkspace = await cli('run', SAMPLE, '--symbol', 'SPY', '--workspace', os.tmpdir());
        expect(noWorkspace.code).to.equal(2);
        expect(noWorkspace.err).to.contain('--workspace: ');
        expect((await cli('frobnicate')).code).to.equal(2);
    });

    it('parses times as UTC dates, date-times and microseconds', () => {
        expect(parseTime('--from', '2013-10-08')).to.equal(Date.UTC(2013, 9, 8) * 1000);
        expect(parseTime('--from', '2013-10-08T14:30')).to.equal(Date.UTC(2013, 9, 8, 14, 30) * 1000);
        expect(parseTime('--from', '2013-10-08T10:30-04:00')).to.equal(Date.UTC(2013, 9, 8, 14, 30) * 1000);
        expect(parseTime('--from', '1381242600000000')).to.equal(1381242600000000);
    });
});

describe('backtestr CLI: runs on a seeded workspace', function (): void {
    this.timeout(600_000);
    let root = '';

    before(async function (): Promise<void> {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'spy-trades-2013-10'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-cli-'));
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir);
    });

    after(() => {
        if (root) {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it('runs the sample strategy on the real SPY trades: every tick, one wake-up per completed minute, the SMAs warm up', async () => {
        const { code, out, err } = await cli('run', SAMPLE, '--workspace', root, '--symbol', 'SPY', '--json');
        expect(err).to.equal('');
        expect(code).to.equal(0);
        const summary = JSON.parse(out);
        // Independent counts from the database: all SPY trades; minutes with trades (the last one stays partial).
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        let expected: { n: number; minutes: number };
        try {
            const rows = await db.all(`SELECT count(*)::DOUBLE AS n, count(DISTINCT time_us // 60000000)::DOUBLE AS minutes
                FROM trades JOIN instruments i ON i.id = instrument_id WHERE i.symbol = 'SPY'`);
            expected = rows[0] as { n: number; minutes: number };
        } finally {
            db.close();
        }
        expect(summary.ticks).to.equal(expected.n);
        expect(summary.ticks).to.be.greaterThan(1_000_000);
        expect(summary.barClosesByTimeframe).to.deep.equal({ '1m': expected.minutes - 1 });
        expect(summary.series.slow.count).to.equal(expected.minutes - 1 - 29);
        expect(summary.series.fast.count).to.equal(summary.series.slow.count);
        expect(summary.series.fast.last).to.be.within(150, 200);
        expect(summary.logs.length).to.be.greaterThan(10);
        expect(summary.strategy.params).to.deep.equal({ fast: 10, slow: 30, qty: 100 });
        expect(summary.run.config).to.include({ symbol: 'SPY@usa', kind: 'trades' });
    });

    it('takes --param and a --from/--to range, and prints a readable summary without --json', async () => {
        const { code, out } = await cli('run', SAMPLE, '--workspace', root, '--symbol', 'SPY', '--param', 'fast=5',
            '--from', '2013-10-08', '--to', '2013-10-09');
        expect(code).to.equal(0);
        expect(out).to.match(/params {6}fast=5 slow=30/);
        expect(out).to.match(/data {8}SPY@usa trades 2013-10-08T\S+ \.\. 2013-10-08T/);
        expect(out).to.match(/ticks {7}[\d,]+ in/);
    });

    it('exits 2 naming --param for a value out of range, and --symbol for an unknown instrument', async () => {
        const bad = await cli('run', SAMPLE, '--workspace', root, '--symbol', 'SPY', '--param', 'fast=1');
        expect(bad.code).to.equal(2);
        expect(bad.err).to.contain(`--param: Parameter 'fast' = 1 is outside [2, inf]`);
        const unknown = await cli('run', SAMPLE, '--workspace', root, '--symbol', 'QQQ');
        expect(unknown.code).to.equal(2);
        expect(unknown.err).to.match(/--symbol: No instrument QQQ in .*; it has .*SPY@usa/);
    });

    it('exits 1 with the strategy\'s source-mapped stack when it throws', async () => {
        const file = path.join(root, 'thrower.ts');
        fs.writeFileSync(file, `import { defineStrategy } from '@backtestr/plugins-sdk';\nexport default defineStrategy({ id: 'test.thrower', params: {},\n` +
            `    subscribe: { barClose: ['1H'] }, onBarClose() { throw new Error('bad hour'); } });\n`);
        const { code, err } = await cli('run', file, '--workspace', root, '--symbol', 'SPY');
        expect(code).to.equal(1);
        expect(err).to.contain(`Strategy 'test.thrower' threw in onBarClose at ${file}:3:`);
        expect(err).to.contain('bad hour');
    });

    it('delegates the data commands to data-import', async () => {
        const { code, out } = await cli('datasets', '--workspace', root, '--json');
        expect(code).to.equal(0);
        const datasets = JSON.parse(out) as { symbol: string; kind: string }[];
        expect(datasets.map(d => `${d.symbol} ${d.kind}`)).to.include.members(['SPY trades', 'EURUSD quotes']);
    });
});

describe('backtestr CLI: --help and -h of every command', () => {
    for (const command of COMMANDS) {
        for (const flag of ['--help', '-h']) {
            it(`backtestr ${command} ${flag} prints the usage of ${command} and exits 0, whatever else the line holds`, async () => {
                for (const argv of [[command, flag], [command, 'some-file.ts', '--symbol', 'SPY', flag], ['help', command]]) {
                    const { code, out, err } = await cli(...argv);
                    expect(err, argv.join(' ')).to.equal('');
                    expect(code, argv.join(' ')).to.equal(0);
                    expect(out, argv.join(' ')).to.match(new RegExp(`^usage:\\s+backtestr ${command}\\b`));
                }
            });
        }
    }

    it('opens and creates nothing for --help (datasets and seed would create the workspace database)', async () => {
        const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-help-'));
        try {
            for (const command of COMMANDS) {
                expect((await cli(command, '--workspace', workspace, '--help')).code).to.equal(0);
            }
            expect(fs.readdirSync(workspace)).to.deep.equal([]);
        } finally {
            fs.rmSync(workspace, { recursive: true, force: true });
        }
    });

    it('the real program: backtestr run --help exits 0 with the usage of run on stdout', async () => {
        const outcome = await exited(spawnCli(['run', '--help']));
        expect(outcome.err).to.equal('');
        expect(outcome.code).to.equal(0);
        expect(outcome.out).to.match(/^usage:\n {2}backtestr run <strategy\.ts> --workspace/);
        expect(outcome.out).to.contain('T: an ISO date');
    });
});
