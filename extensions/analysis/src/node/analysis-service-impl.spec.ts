// The AnalysisService on real stored runs: the EURUSD SMA cross fixture (real HistData M1 bars)
// stored through the real RunStoreImpl in a temporary DuckDB file, read back, analysed,
// compared and exported; and the live feed fed with the same run in batches.

import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Container } from '@theia/core/shared/inversify';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { RunStoreImpl, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';
import { AnalysisErrors, AnalysisService, RunChangeEvent } from '../common/analysis-protocol';
import { buildRunAnalysis, runStatistics } from '../common/run-analysis';
import { RunStore } from '../common/run-store';
import { tradesCsv, eventsCsv } from '../common/report/report-csv';
import { AnalysisServiceImpl } from './analysis-service-impl';
import { ReportSectionCollector } from './report-section-collector';
import { RunProgressFeedImpl } from './run-progress-feed-impl';
import { EURUSD_M1_DIR, eurusdRunFixture, RunFixture, storeFixture } from './test-support/eurusd-run-fixture';
import { runExportValidator } from './test-support/run-export-validator';

describe('AnalysisService on runs stored in DuckDB', function (): void {
    let tmp: string;
    let db: WorkspaceDatabase;
    let store: RunStoreImpl;
    let feed: RunProgressFeedImpl;
    let service: AnalysisService;
    let slow: RunFixture;
    let fast: RunFixture;

    before(async function (): Promise<void> {
        if (!fs.existsSync(EURUSD_M1_DIR)) {
            this.skip();
        }
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'analysis-service-'));
        db = await WorkspaceDatabase.open(path.join(tmp, 'workspace.duckdb'));
        store = new RunStoreImpl(db);
        slow = eurusdRunFixture('sma-10-30', 10, 30);
        fast = eurusdRunFixture('sma-5-20', 5, 20);
        await storeFixture(store, slow);
        await storeFixture(store, fast);
        const container = new Container();
        container.bind(ILogger).to(MockLogger).inSingletonScope();
        container.bind(RunStore).toConstantValue(store);
        container.bind(RunProgressFeedImpl).toSelf().inSingletonScope();
        container.bind(ReportSectionCollector).toSelf().inSingletonScope();
        container.bind(AnalysisServiceImpl).toSelf();
        container.bind(AnalysisService).toService(AnalysisServiceImpl);
        service = container.get<AnalysisService>(AnalysisService);
        feed = container.get(RunProgressFeedImpl);
    });

    after(() => {
        db?.close();
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it('lists the stored runs with their headline', async () => {
        const runs = await service.listRuns();
        expect(runs.map(r => r.id).sort()).to.deep.equal(['sma-10-30', 'sma-5-20']);
        const run = runs.find(r => r.id === 'sma-10-30')!;
        expect(run.status).to.equal('finished');
        expect(run.headline!.trades).to.equal(slow.source.trades.length);
        expect(run.config).to.deep.equal(slow.record.config);
    });

    it('analyses a stored run exactly as the run it was given', async () => {
        const analysis = await service.getRunAnalysis('sma-10-30');
        const expected = buildRunAnalysis(slow.record, slow.output);
        expect(analysis.statistics).to.deep.equal(expected.statistics);
        expect(analysis.headline).to.deep.equal(expected.headline);
        expect(Array.from(analysis.trades.pnl)).to.deep.equal(Array.from(slow.output.trades.pnl));
        expect(Array.from(analysis.equity.equity)).to.deep.equal(Array.from(expected.equity.equity));
        expect(analysis.statistics.netProfit).to.be.closeTo(slow.source.trades.reduce((s, t) => s + t.pnl, 0), 1e-6);
        // The metrics stored with the run are the analysis' figures.
        const metrics = await store.readMetrics('sma-10-30');
        expect(metrics['returns.sharpe']).to.equal(analysis.statistics.returns.sharpe);
        expect(metrics['trades.count']).to.equal(analysis.statistics.trades.count);
    });

    it('plots MAE and MFE magnitudes per trade in the scatter, whatever sign the engine stored', () => {
        // The native engine's trades carry MAE <= 0 (an adverse excursion); the scatter plots magnitudes.
        const trades = slow.output.trades;
        const signed = { ...trades, mae: trades.mae.map(v => -Math.abs(v) - 1) };
        const analysis = buildRunAnalysis(slow.record, { ...slow.output, trades: signed });
        expect(Array.from(analysis.maeMfe.mae)).to.deep.equal(Array.from(signed.mae, Math.abs));
        expect(Array.from(analysis.maeMfe.mae).every(v => v >= 1)).to.equal(true);
        expect(Array.from(analysis.maeMfe.mfe)).to.deep.equal(Array.from(trades.mfe, Math.abs));
    });

    it('compares two runs side by side', async () => {
        const comparison = await service.compareRuns(['sma-10-30', 'sma-5-20']);
        expect(comparison.runs.map(r => r.run.id)).to.deep.equal(['sma-10-30', 'sma-5-20']);
        expect(comparison.runs[1].statistics.trades.count).to.equal(fast.source.trades.length);
        expect(comparison.runs[1].statistics.trades.count).to.be.greaterThan(comparison.runs[0].statistics.trades.count);
        expect(comparison.runs[0].equity.time.length).to.be.at.most(400 * 5);
        expect(comparison.runs[1].statistics.netProfit).to.equal(runStatistics(fast.record, fast.output).netProfit);
    });

    it('exports what was stored: CSV byte-identical to the run\'s own tables, JSON valid against the schema', async () => {
        const trades = await service.exportRun('sma-10-30', 'csv-trades');
        expect(trades.fileName).to.equal('run-sma-10-30-trades.csv');
        expect(Buffer.from(trades.data).toString('utf8')).to.equal(tradesCsv(slow.output.trades));
        const events = await service.exportRun('sma-10-30', 'csv-events');
        expect(Buffer.from(events.data).toString('utf8')).to.equal(eventsCsv(slow.output.events));
        const json = JSON.parse(Buffer.from((await service.exportRun('sma-5-20', 'json')).data).toString('utf8'));
        expect(runExportValidator()(json)).to.deep.equal([]);
        expect(json.run.id).to.equal('sma-5-20');
        expect(json.trades.pnl).to.have.length(fast.source.trades.length);
        expect(Object.keys(json.series)).to.deep.equal(['trade-pnl']);
        const pdf = await service.exportRun('sma-10-30', 'pdf');
        expect(pdf.mimeType).to.equal('application/pdf');
        expect(Buffer.from(pdf.data.subarray(0, 5)).toString()).to.equal('%PDF-');
    });

    it('says which run is missing', async () => {
        let error: unknown;
        try {
            await service.getRunAnalysis('no-such-run');
        } catch (e) {
            error = e;
        }
        expect(error instanceof Error && AnalysisErrors.RunNotFound.is(error)).to.equal(true);
        expect((error as Error).message).to.contain('no-such-run');
    });

    it('pushes live figures while a run runs, ending at the final figures', async () => {
        const events: RunChangeEvent[] = [];
        service.setClient({ onDidChangeRun: e => events.push(e) });
        feed.minIntervalMs = 0;
        const run = { ...slow.record, id: 'live', status: 'running' as const };
        feed.runStarted(run);
        const { equity, trades } = slow.output;
        const batch = 20_000;
        let t = 0;
        for (let start = 0; start < equity.time.length; start += batch) {
            const end = Math.min(equity.time.length, start + batch);
            const upTo = equity.time[end - 1];
            const t0 = t;
            while (t < trades.exitTime.length && trades.exitTime[t] <= upTo) {
                t++;
            }
            const slice = <T extends Float64Array>(c: T, a: number, b: number) => c.subarray(a, b) as T;
            feed.runProgress('live', {
                ticks: end, lastTime: upTo,
                equity: { time: slice(equity.time, start, end), equity: slice(equity.equity, start, end), position: slice(equity.position, start, end) },
                trades: Object.fromEntries(Object.entries(trades).map(([k, v]) => [k, slice(v as Float64Array, t0, t)])) as unknown as typeof trades
            });
        }
        feed.runFinished('live', 'finished');
        service.setClient(undefined);
        const progress = events.filter(e => e.status === 'running' && e.headline);
        expect(progress.length).to.equal(Math.ceil(equity.time.length / batch));
        const net = progress.map(e => e.headline!.find(h => h.id === 'netProfit')!.value);
        expect(new Set(net).size).to.be.greaterThan(5);
        const final = events[events.length - 1];
        expect(final.status).to.equal('finished');
        expect(final.headline).to.deep.equal((await service.getRunAnalysis('sma-10-30')).headline);
    });

    it('pushes at most once per interval', () => {
        const events: RunChangeEvent[] = [];
        service.setClient({ onDidChangeRun: e => events.push(e) });
        feed.minIntervalMs = Infinity;
        feed.runStarted({ ...slow.record, id: 'throttled', status: 'running' });
        const { equity } = slow.output;
        for (let start = 0; start < 100_000; start += 1000) {
            const end = start + 1000;
            feed.runProgress('throttled', { ticks: end, equity: { time: equity.time.subarray(start, end), equity: equity.equity.subarray(start, end), position: equity.position.subarray(start, end) } });
        }
        feed.runFinished('throttled', 'cancelled');
        service.setClient(undefined);
        // Start, the first batch (nothing was pushed before it), and the end.
        expect(events.map(e => e.status)).to.deep.equal(['running', 'running', 'cancelled']);
        expect(events[2].equitySamples).to.equal(100_000);
    });
});
