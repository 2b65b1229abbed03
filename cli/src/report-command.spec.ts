// `backtestr report` on a workspace whose DuckDB holds the real EURUSD SMA run (stored through RunStoreImpl).

import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// eslint-disable-next-line backtestr/runtime-folders -- analysis's test fixture (not part of its public entry): the same run the analysis specs check
import { EURUSD_M1_DIR, eurusdRunFixture, storeFixture } from '@backtestr/analysis/lib/node/test-support/eurusd-run-fixture';
// eslint-disable-next-line backtestr/runtime-folders -- analysis's test support: the checker of exported run files its own specs use
import { runExportValidator } from '@backtestr/analysis/lib/node/test-support/run-export-validator';
import { readRunOutput, RunProgressFeedImpl, tradesCsv } from '@backtestr/analysis/lib/node';
import { buildRunAnalysis, flattenMetrics, RunChangeEvent } from '@backtestr/analysis';
import { DuckDBInstance } from '@duckdb/node-api';
import { BacktestDataImpl, RunStoreImpl, WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { defaultDataDir, seedSampleWorkspace } from '@backtestr/data-import/lib/node';
import { Container } from '@theia/core/shared/inversify';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { runBacktest } from '@backtestr/engine/lib/node';
import { runReportCommand } from './report-command';
import { captured, cli, CliOutcome } from './cli-test-support';

const STRATEGIES = path.resolve(__dirname, '../../sample-workspace/strategies');

function report(...argv: string[]): Promise<CliOutcome> {
    return captured(runReportCommand, argv);
}

describe('backtestr report', function (): void {
    let workspace: string;
    const fixture = fs.existsSync(EURUSD_M1_DIR) ? eurusdRunFixture('eurusd-sma') : undefined;

    before(async function (): Promise<void> {
        if (!fixture) {
            this.skip();
        }
        workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(workspace));
        await storeFixture(new RunStoreImpl(db), fixture!);
        db.close();
    });

    after(() => workspace && fs.rmSync(workspace, { recursive: true, force: true }));

    it('writes the JSON export, valid against the schema', async () => {
        const out = path.join(workspace, 'out', 'run.json');
        const r = await report('eurusd-sma', '--workspace', workspace, '--format', 'json', '--out', out);
        expect(r.err).to.equal('');
        expect(r.code).to.equal(0);
        expect(r.out.trim()).to.equal(out);
        const parsed = JSON.parse(fs.readFileSync(out, 'utf8'));
        expect(runExportValidator()(parsed)).to.deep.equal([]);
        expect(parsed.trades.pnl).to.have.length(fixture!.source.trades.length);
    });

    it('writes the four CSV tables of the latest run into a folder', async () => {
        const dir = path.join(workspace, 'csv');
        const r = await report('latest', '--workspace', workspace, '--format', 'csv', '--out', dir);
        expect(r.code).to.equal(0);
        expect(fs.readdirSync(dir).sort()).to.deep.equal(['run-eurusd-sma-equity.csv', 'run-eurusd-sma-events.csv',
            'run-eurusd-sma-orders.csv', 'run-eurusd-sma-trades.csv']);
        expect(fs.readFileSync(path.join(dir, 'run-eurusd-sma-trades.csv'), 'utf8')).to.equal(tradesCsv(fixture!.output.trades));
    });

    it('writes the PDF tearsheet', async () => {
        const out = path.join(workspace, 'tearsheet.pdf');
        const r = await report('eurusd-sma', '--workspace', workspace, '--format=pdf', '--out', out);
        expect(r.code).to.equal(0);
        expect(execFileSync('pdfinfo', [out], { encoding: 'utf8' })).to.match(/Pages:\s+3\n/);
    });

    it('exits 1 for an unknown run and 2 for bad arguments, naming the argument', async () => {
        const missing = await report('nope', '--workspace', workspace, '--format', 'json', '--out', path.join(workspace, 'x.json'));
        expect(missing.code).to.equal(1);
        expect(missing.err).to.contain(`<runId>: There is no run 'nope'`);
        const badFormat = await report('eurusd-sma', '--workspace', workspace, '--format', 'docx');
        expect(badFormat.code).to.equal(2);
        expect(badFormat.err).to.contain(`--format: 'docx' is not one of`);
        const noWorkspace = await report('eurusd-sma', '--workspace', path.join(workspace, 'nowhere'), '--format', 'json');
        expect(noWorkspace.code).to.equal(2);
        expect(noWorkspace.err).to.contain('--workspace');
        const noId = await report('--workspace', workspace, '--format', 'json');
        expect(noId.code).to.equal(2);
        expect(noId.err).to.contain('<runId>');
    });
});

describe('backtestr report on a real engine run', function (): void {
    let root: string;

    before(async function (): Promise<void> {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'report-engine-'));
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir!);
    });

    after(() => root && fs.rmSync(root, { recursive: true, force: true }));

    it('sma-cross.ts on the EURUSD M1 2017 bars: stored metrics = the analysis, JSON valid, CSV totals match, PDF printed', async () => {
        const { code, out, err } = await cli('run', path.join(STRATEGIES, 'sma-cross.ts'), '--workspace', root, '--symbol', 'EURUSD@histdata', '--kind', 'bars',
            '--commission', 'perOrder:2.5', '--json');
        expect(err).to.equal('');
        expect(code).to.equal(0);
        const runId = (JSON.parse(out) as { run: { id: string } }).run.id;

        const db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        let stored: Record<string, number>;
        let analysis: ReturnType<typeof buildRunAnalysis>;
        try {
            const store = new RunStoreImpl(db);
            const run = (await store.getRun(runId))!;
            const output = await readRunOutput(store, runId);
            analysis = buildRunAnalysis(run, output);
            stored = output.metrics;
        } finally {
            db.close();
        }
        expect(analysis.statistics.trades.count).to.be.greaterThan(1000);
        // The engine stored the figures the analysis computes from the stored columns.
        expect(stored).to.deep.equal(flattenMetrics(analysis.statistics));

        const json = path.join(root, 'run.json');
        expect((await report(runId, '--workspace', root, '--format', 'json', '--out', json)).code).to.equal(0);
        const parsed = JSON.parse(fs.readFileSync(json, 'utf8'));
        expect(runExportValidator()(parsed)).to.deep.equal([]);
        expect(parsed.trades.pnl).to.have.length(analysis.statistics.trades.count);
        expect(parsed.events.reason.filter((r: string) => r !== '')).to.have.length(parsed.events.reason.length);

        const dir = path.join(root, 'csv');
        expect((await report(runId, '--workspace', root, '--format', 'csv', '--out', dir)).code).to.equal(0);
        const instance = await DuckDBInstance.create(':memory:');
        const connection = await instance.connect();
        try {
            const read = async (q: string) => (await connection.runAndReadAll(q)).getRowObjectsJS()[0] as Record<string, number>;
            const t = await read(`SELECT count(*)::DOUBLE AS n, sum(pnl)::DOUBLE AS pnl, sum(commission)::DOUBLE AS commission
                FROM read_csv('${path.join(dir, `run-${runId}-trades.csv`)}', header = true)`);
            expect(t.n).to.equal(analysis.statistics.trades.count);
            expect(t.pnl).to.be.closeTo(analysis.statistics.trades.netProfit, 1e-6);
            expect(t.commission).to.be.closeTo(analysis.statistics.trades.commission, 1e-6);
            const e = await read(`SELECT count(*) FILTER (WHERE kind = 'filled')::DOUBLE AS fills, sum(commission)::DOUBLE AS commission
                FROM read_csv('${path.join(dir, `run-${runId}-events.csv`)}', header = true)`);
            expect(e.fills).to.equal(parsed.events.kind.filter((k: string) => k === 'filled').length);
            expect(e.commission).to.be.closeTo(parsed.events.commission.reduce((a: number, c: number | null) => a + (c ?? 0), 0), 1e-6);
            const q = await read(`SELECT count(*)::DOUBLE AS n, arg_max(equity, time_us)::DOUBLE AS last
                FROM read_csv('${path.join(dir, `run-${runId}-equity.csv`)}', header = true)`);
            expect(q.n).to.equal(analysis.equity.totalSamples);
            expect(q.last).to.equal(analysis.statistics.finalEquity);
        } finally {
            connection.closeSync();
            instance.closeSync();
        }

        const pdf = path.join(root, 'tearsheet.pdf');
        expect((await report('latest', '--workspace', root, '--format', 'pdf', '--out', pdf)).code).to.equal(0);
        expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).to.match(/Pages:\s+3\n/);
        const outputDir = path.resolve(__dirname, '../../tests/output');
        fs.mkdirSync(outputDir, { recursive: true });
        execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, path.join(outputDir, 'analysis-engine-run-tearsheet')]);
    });

    it('feeds the live figures of a running engine run to the dashboard, ending at the stored analysis', async () => {
        const container = new Container();
        container.bind(ILogger).to(MockLogger).inSingletonScope();
        container.bind(RunProgressFeedImpl).toSelf().inSingletonScope();
        const feed = container.get(RunProgressFeedImpl);
        feed.minIntervalMs = 0;
        const events: RunChangeEvent[] = [];
        feed.addClient({ onDidChangeRun: e => events.push(e) });
        const db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        try {
            const store = new RunStoreImpl(db);
            // What the engine's backend does (the calls the RunProgressFeed documents).
            const outcome = await runBacktest({
                file: path.join(STRATEGIES, 'sma-cross.ts'), symbol: 'EURUSD@histdata', kind: 'bars',
                onStart: run => feed.runStarted(run),
                onProgress: (run, p) => feed.runProgress(run.id, { ticks: p.ticks, lastTime: p.time, equity: p.equity, trades: p.trades })
            }, { data: new BacktestDataImpl(db), runs: store, engineVersion: 'test' });
            feed.runFinished(outcome.run.id, outcome.run.status, outcome.output);
            const progress = events.filter(e => e.status === 'running' && e.headline);
            expect(progress.length).to.be.greaterThan(2);
            const trades = progress.map(e => e.headline!.find(h => h.id === 'trades.count')!.value!);
            expect(trades).to.deep.equal(trades.slice().sort((a, b) => a - b));
            expect(trades[0]).to.be.lessThan(trades[trades.length - 1]);
            const final = events[events.length - 1];
            expect(final.status).to.equal('finished');
            const stored = buildRunAnalysis(outcome.run, await readRunOutput(store, outcome.run.id));
            expect(final.equitySamples).to.equal(stored.equity.totalSamples);
            expect(final.headline).to.deep.equal(stored.headline);
        } finally {
            db.close();
        }
    });
});
