import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { defaultDataDir, seedSampleWorkspace } from '@backtestr/data-import/lib/node';
import { cli } from './cli-test-support';

const STRATEGIES = path.resolve(__dirname, '../../sample-workspace/strategies');

interface BenchReport {
    dataset: string;
    repeat: number;
    stream?: number[];
    cases: { name: string; ticks: number; ticksPerSecond: number[] }[];
    peakRssBytes: number;
}

describe('backtestr bench (the sample workspace, read-only)', function (): void {
    this.timeout(600_000);
    let root = '';

    before(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-bench-cli-'));
        // The real data where ../shared/data is present, else the built-in synthetic ticks.
        await seedSampleWorkspace(workspaceDatabasePath(root), defaultDataDir());
    });

    after(() => {
        if (root) {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it('measures the stream and the built-in bar-close and every-tick strategies over every tick of the dataset, storing nothing', async () => {
        const run = await cli('run', path.join(STRATEGIES, 'sma-cross-1h-filter.ts'), '--workspace', root, '--symbol', 'SPY', '--no-save', '--json');
        expect(run.code, run.err).to.equal(0);
        const ticks = (JSON.parse(run.out) as { ticks: number }).ticks;
        const bench = await cli('bench', '--workspace', root, '--symbol', 'SPY', '--repeat', '2', '--json');
        expect(bench.err).to.equal('');
        expect(bench.code).to.equal(0);
        const report = JSON.parse(bench.out) as BenchReport;
        expect(report.dataset).to.equal('SPY trades');
        expect(report.stream).to.have.length(2);
        expect(report.cases.map(c => c.name)).to.deep.equal(['woken on 1m bar closes', 'woken on every tick']);
        for (const c of report.cases) {
            expect(c.ticks, c.name).to.equal(ticks);
            expect(c.ticksPerSecond, c.name).to.have.length(2);
            expect(c.ticksPerSecond.every(x => Number.isFinite(x) && x > 0), c.name).to.equal(true);
        }
        expect(report.peakRssBytes).to.be.greaterThan(0);
        const runs = await cli('runs', '--workspace', root, '--json');
        expect(JSON.parse(runs.out)).to.deep.equal([]);
    });

    it('runs a given strategy with its parameters, and prints the figures as text', async () => {
        const bench = await cli('bench', path.join(STRATEGIES, 'sma-cross-1h-filter.ts'), '--workspace', root, '--symbol', 'SPY', '--repeat=1', '--from', '2013-10-08', '--to', '2013-10-09');
        expect(bench.err).to.equal('');
        expect(bench.code).to.equal(0);
        expect(bench.out).to.match(/^SPY trades, 1 run\(s\) each, read-only, nothing stored\n/);
        expect(bench.out).to.match(/DuckDB column stream alone: [\d.]+M \/ [\d.]+M \/ [\d.]+M ticks\/s \(min \/ median \/ max of 1\)/);
        expect(bench.out).to.match(/end to end, sma-cross-1h-filter\.ts \([\d,]+ ticks\): [\d.]+M/);
        expect(bench.out).to.match(/peak RSS \d+ MB\n$/);
    });

    it('refuses a bad --repeat, an unknown symbol and a folder without a database, naming the argument', async () => {
        const repeat = await cli('bench', '--workspace', root, '--symbol', 'SPY', '--repeat', 'lots');
        expect(repeat.code).to.equal(2);
        expect(repeat.err).to.include("--repeat: 'lots' is not a whole number of runs from 1 to 100");
        const symbol = await cli('bench', '--workspace', root, '--symbol', 'NOPE');
        expect(symbol.code).to.equal(2);
        expect(symbol.err).to.match(/^backtestr: --symbol: /);
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-bench-empty-'));
        try {
            const none = await cli('bench', '--workspace', empty, '--symbol', 'SPY');
            expect(none.code).to.equal(2);
            expect(none.err).to.include('has no BackTestr database');
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });
});
