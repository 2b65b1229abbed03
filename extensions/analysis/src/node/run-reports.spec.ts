// The report builders on a real run (SMA 10/30 cross on HistData EURUSD M1 2017 H1, as a stored-run
// fixture) and on a run without trades: the analysis, the JSON export against its published
// schema, the CSV exports re-imported into DuckDB, and the PDF tearsheet printed by Chromium.

import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildRunAnalysis, flattenMetrics, runStatistics, thinningIndices } from '../common/run-analysis';
import { RunOutput, RunRecord } from '../common/run-store';
import { equityCsv, eventsCsv, ordersCsv, tradesCsv } from '../common/report/report-csv';
import { tearsheetHtml, TEARSHEET_PAGES } from '../common/report/report-html';
import { runExport, runExportJson } from '../common/report/run-export';
import { drawdownSeries } from '../common/statistics/statistics-series';
import { htmlToPdf } from './report-pdf';
import { EURUSD_M1_DIR, eurusdRunFixture, RunFixture } from './test-support/eurusd-run-fixture';
import { runExportValidator } from './test-support/run-export-validator';

const OUTPUT = path.resolve(__dirname, '../../../../tests/output');

/** The fixture cut to its first `samples` equity samples and without trades, orders, events. */
function withoutTrades(f: RunFixture, samples: number): { record: RunRecord; output: RunOutput } {
    const empty = new Float64Array(0);
    const equity = new Float64Array(samples).fill(f.record.config.models.initialCash);
    const output0 = {
        orders: { id: empty, time: empty, type: [], side: empty, qty: empty, limit: empty, stop: empty, tif: [], tag: [] },
        events: { time: empty, order: empty, kind: [], reason: [], seq: empty, price: empty, qty: empty, commission: empty, reference: empty, position: empty, realised: empty },
        trades: { side: empty, qty: empty, entryTime: empty, exitTime: empty, entryPrice: empty, exitPrice: empty, pnl: empty, commission: empty, slippage: empty, mae: empty, mfe: empty, barsHeld: empty },
        equity: { time: f.output.equity.time.slice(0, samples), equity, position: new Float64Array(samples) },
        series: {}, logs: { time: empty, message: [] }
    };
    const record = { ...f.record, id: 'no-trades' };
    return { record, output: { ...output0, metrics: flattenMetrics(runStatistics(record, output0)) } };
}

function maxOf(xs: ArrayLike<number>): number {
    let m = -Infinity;
    for (let i = 0; i < xs.length; i++) {
        m = Math.max(m, xs[i]);
    }
    return m;
}

function minOf(xs: ArrayLike<number>): number {
    let m = Infinity;
    for (let i = 0; i < xs.length; i++) {
        m = Math.min(m, xs[i]);
    }
    return m;
}

async function sql(db: string, query: string): Promise<Record<string, unknown>[]> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
        const reader = await connection.runAndReadAll(query.replace(/\$DB/g, db));
        return reader.getRowObjectsJS() as Record<string, unknown>[];
    } finally {
        connection.closeSync();
        instance.closeSync();
    }
}

describe('run reports', function (): void {
    let fixture: RunFixture;
    let tmp: string;

    before(function (): void {
        if (!fs.existsSync(EURUSD_M1_DIR)) {
            this.skip();
        }
        fixture = eurusdRunFixture();
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'analysis-reports-'));
    });

    after(() => {
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    describe('analysis of a run', () => {
        it('has the run\'s statistics, headline figures with reasons, and every trade', () => {
            const a = buildRunAnalysis(fixture.record, fixture.output);
            const n = fixture.source.trades.length;
            expect(a.trades.pnl.length).to.equal(n);
            expect(a.statistics.trades.count).to.equal(n);
            const sum = fixture.source.trades.reduce((s, t) => s + t.pnl, 0);
            expect(a.headline.find(h => h.id === 'netProfit')!.value).to.be.closeTo(sum, 1e-6);
            // Long-only, no benchmark given: the buy-and-hold figure says why it is missing.
            const bh = a.headline.find(h => h.id === 'benchmark.totalReturn')!;
            expect(bh.value).to.equal(undefined);
            expect(bh.reason).to.be.a('string').and.not.equal('');
            expect(a.returnDistribution.counts.reduce((s, c) => s + c, 0)).to.equal(n);
            expect(a.monthlyReturns).to.have.length(1);
            expect(a.monthlyReturns[0].months.filter(m => m !== undefined)).to.have.length(6);
            expect(a.pnlByWeekdayHour.count.reduce((s, c) => s + c, 0)).to.equal(n);
        });

        it('thins the equity curve without losing its extremes or the deepest drawdown', () => {
            const a = buildRunAnalysis(fixture.record, fixture.output, { maxBuckets: 500 });
            const full = fixture.output.equity.equity;
            expect(a.equity.totalSamples).to.equal(full.length);
            expect(a.equity.time.length).to.be.lessThan(500 * 5 + 1).and.greaterThan(1000);
            expect(maxOf(a.equity.equity)).to.equal(maxOf(full));
            expect(minOf(a.equity.equity)).to.equal(minOf(full));
            expect(maxOf(a.equity.drawdownPercent)).to.equal(a.statistics.drawdown.maxDrawdownPercent);
            const dd = drawdownSeries({ time: fixture.output.equity.time, equity: full }, fixture.record.config.models.initialCash);
            expect(maxOf(a.equity.drawdown)).to.equal(maxOf(dd.drawdown));
            expect(a.equity.time[0]).to.equal(fixture.output.equity.time[0]);
            expect(a.equity.time[a.equity.time.length - 1]).to.equal(fixture.output.equity.time[full.length - 1]);
            const idx = thinningIndices(10_000, [Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i))], 100);
            expect(Array.from(idx)).to.deep.equal(Array.from(idx).sort((x, y) => x - y));
        });
    });

    describe('JSON export', () => {
        it('validates against the published schema and keeps every row and figure', () => {
            const validate = runExportValidator();
            const text = runExportJson(fixture.record, fixture.output, runStatistics(fixture.record, fixture.output));
            const parsed = JSON.parse(text);
            expect(validate(parsed)).to.deep.equal([]);
            expect(parsed.trades.pnl).to.have.length(fixture.source.trades.length);
            expect(parsed.trades.pnl).to.deep.equal(Array.from(fixture.output.trades.pnl));
            expect(parsed.equity.equity).to.deep.equal(Array.from(fixture.output.equity.equity));
            expect(parsed.orders.limit.every((x: unknown) => x === null)).to.equal(true);
            for (const table of ['orders', 'events', 'trades', 'equity', 'logs']) {
                const lengths = new Set(Object.values(parsed[table] as Record<string, unknown[]>).map(c => c.length));
                expect(lengths.size, table).to.equal(1);
            }
            expect(parsed.metrics['trades.count']).to.equal(fixture.source.trades.length);
            expect(parsed.statistics.netProfit).to.equal(parsed.metrics.netProfit);
            expect(parsed.run.config.params).to.deep.equal({ fast: 10, slow: 30 });
            // Deterministic: the same run gives the same bytes.
            expect(runExportJson(fixture.record, fixture.output, runStatistics(fixture.record, fixture.output))).to.equal(text);
        });

        it('the schema rejects exports that break it', () => {
            const validate = runExportValidator();
            const good = JSON.parse(JSON.stringify(runExport(fixture.record, fixture.output, runStatistics(fixture.record, fixture.output))));
            expect(validate({ ...good, version: 2 })).to.not.deep.equal([]);
            const { pnl: _pnl, ...tradesWithoutPnl } = good.trades;
            expect(validate({ ...good, trades: tradesWithoutPnl }).join()).to.contain('pnl');
            expect(validate({ ...good, equity: { ...good.equity, equity: ['100'] } })).to.not.deep.equal([]);
            expect(validate({ ...good, run: { ...good.run, status: 'done' } })).to.not.deep.equal([]);
        });

        it('carries the run\'s look-ahead verdict (schema-valid; a bad verdict is refused) and the tearsheet says it', () => {
            const validate = runExportValidator();
            const cutTime = fixture.output.orders.time[0] + 60e6;
            const lookAhead = {
                verdict: 'fail', cuts: 20, seed: 1, cutTimes: [cutTime],
                divergence: { what: 'order', time: fixture.output.orders.time[0], cutTime, orderId: 1, tag: '', full: 'order #1 market buy 1', cut: 'none' }
            } as const;
            const record = { ...fixture.record, lookAhead };
            const parsed = JSON.parse(runExportJson(record, fixture.output, runStatistics(record, fixture.output)));
            expect(validate(parsed)).to.deep.equal([]);
            expect(parsed.run.lookAhead).to.deep.equal(lookAhead);
            expect(validate({ ...parsed, run: { ...parsed.run, lookAhead: { ...lookAhead, verdict: 'maybe' } } })).to.not.deep.equal([]);
            const analysis = buildRunAnalysis(record, fixture.output);
            expect(tearsheetHtml(analysis)).to.contain('Look-ahead audit').and.to.contain('look-ahead: FAILED at ');
            expect(tearsheetHtml(buildRunAnalysis(fixture.record, fixture.output))).to.contain('not audited');
        });

        it('a run without trades exports and validates too, with the reasons of its undefined figures', () => {
            const { record, output } = withoutTrades(fixture, 500);
            const parsed = JSON.parse(runExportJson(record, output, runStatistics(record, output)));
            expect(runExportValidator()(parsed)).to.deep.equal([]);
            expect(parsed.trades.pnl).to.deep.equal([]);
            expect(parsed.statistics.trades.reasons.profitFactor).to.be.a('string');
        });
    });

    describe('CSV exports', () => {
        it('re-import into DuckDB with the same rows and totals', async () => {
            const { trades, orders, events, equity } = fixture.output;
            const files = { trades: tradesCsv(trades), orders: ordersCsv(orders), events: eventsCsv(events), equity: equityCsv(equity) };
            for (const [name, text] of Object.entries(files)) {
                fs.writeFileSync(path.join(tmp, `${name}.csv`), text);
            }
            const file = (name: string) => `read_csv('${path.join(tmp, name)}.csv', header = true)`;
            const [t] = await sql(tmp, `SELECT count(*)::INTEGER AS n, sum(pnl)::DOUBLE AS pnl, sum(commission)::DOUBLE AS commission, sum(mae)::DOUBLE AS mae,
                min(entry_us)::DOUBLE AS first_entry, count(*) FILTER (WHERE side = 'long')::INTEGER AS longs FROM ${file('trades')}`);
            const sum = (xs: Float64Array) => xs.reduce((s, x) => s + x, 0);
            expect(t.n).to.equal(trades.pnl.length);
            expect(t.longs).to.equal(trades.pnl.length);
            expect(t.pnl as number).to.be.closeTo(sum(trades.pnl), 1e-6);
            expect(t.commission as number).to.be.closeTo(sum(trades.commission), 1e-6);
            expect(t.mae as number).to.be.closeTo(sum(trades.mae), 1e-6);
            expect(t.first_entry).to.equal(trades.entryTime[0]);
            const [o] = await sql(tmp, `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE side = 'buy')::INTEGER AS buys,
                count("limit")::INTEGER AS limits FROM ${file('orders')}`);
            expect(o).to.deep.equal({ n: orders.id.length, buys: orders.id.length / 2, limits: 0 });
            const [e] = await sql(tmp, `SELECT count(*) FILTER (WHERE kind = 'filled')::INTEGER AS fills, sum(commission)::DOUBLE AS commission,
                count(DISTINCT reason)::INTEGER AS reasons FROM ${file('events')}`);
            expect(e.fills).to.equal(orders.id.length);
            expect(e.commission as number).to.be.closeTo(sum(trades.commission), 1e-6);
            const [q] = await sql(tmp, `SELECT count(*)::INTEGER AS n, arg_max(equity, time_us)::DOUBLE AS last, max(equity)::DOUBLE AS peak FROM ${file('equity')}`);
            expect(q.n).to.equal(equity.time.length);
            expect(q.last).to.equal(equity.equity[equity.equity.length - 1]);
            expect(q.peak).to.equal(maxOf(equity.equity));
        });

        it('quotes text fields with commas and quotes', async () => {
            const base = fixture.output.orders;
            const orders = { ...base, tag: base.tag.map((t, i) => i === 0 ? 'cross, "strong"' : t) };
            fs.writeFileSync(path.join(tmp, 'quoted.csv'), ordersCsv(orders));
            const [row] = await sql(tmp, `SELECT tag FROM read_csv('${path.join(tmp, 'quoted.csv')}', header = true) LIMIT 1`);
            expect(row.tag).to.equal('cross, "strong"');
        });
    });

    describe('PDF tearsheet', () => {
        function pages(pdf: string): number {
            const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
            return Number(/Pages:\s+(\d+)/.exec(info)![1]);
        }

        it(`is printed by Chromium with ${TEARSHEET_PAGES} pages that render to PNG`, async () => {
            const analysis = buildRunAnalysis(fixture.record, fixture.output);
            const html = tearsheetHtml(analysis);
            expect(html).to.contain('Monthly returns').and.contain('SMA cross 10/30').and.contain('Run configuration');
            const bytes = await htmlToPdf(html);
            expect(Buffer.from(bytes.subarray(0, 5)).toString()).to.equal('%PDF-');
            const pdf = path.join(tmp, 'tearsheet.pdf');
            fs.writeFileSync(pdf, bytes);
            expect(pages(pdf)).to.equal(TEARSHEET_PAGES);
            fs.mkdirSync(OUTPUT, { recursive: true });
            execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(OUTPUT, 'analysis-tearsheet')]);
            const pngs = fs.readdirSync(OUTPUT).filter(f => /^analysis-tearsheet-\d+\.png$/.test(f));
            expect(pngs).to.have.length(TEARSHEET_PAGES);
            const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
            expect(text).to.contain('Net profit').and.contain('EURUSD').and.contain('Monthly returns');
        });

        it('prints a run without trades on the same pages, its undefined figures explained', async () => {
            const { record, output } = withoutTrades(fixture, 500);
            const bytes = await htmlToPdf(tearsheetHtml(buildRunAnalysis(record, output)));
            const pdf = path.join(tmp, 'empty.pdf');
            fs.writeFileSync(pdf, bytes);
            expect(pages(pdf)).to.equal(TEARSHEET_PAGES);
            const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
            expect(text).to.contain('undefined because');
        });
    });
});
