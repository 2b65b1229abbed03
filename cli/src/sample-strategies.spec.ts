import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BarColumns, RunStore } from '@backtestr/workspace-store';
import { barTicks, tickScale, ticksToPrices, toInt64Micros } from '@backtestr/engine-core';
import { RunStoreImpl, TickRepository, WorkspaceDatabase, workspaceDatabasePath } from '@backtestr/workspace-store/lib/node';
import { defaultDataDir, seedSampleWorkspace } from '@backtestr/data-import/lib/node';
import { runStrategy } from '@backtestr/engine/lib/node';
import { TickBatch } from '@backtestr/plugins-sdk';
import { PluginContributionRegistryImpl, PluginManager } from '@backtestr/plugins/lib/node';
import { cli } from './cli-test-support';

const STRATEGIES = path.resolve(__dirname, '../../sample-workspace/strategies');

interface JsonTrade { side: string; qty: number; entryTime: number; entryPrice: number; exitTime: number; exitPrice: number; pnl: number }

/**
 * The SMA(10/30) long-only cross computed straight from the bars, exactly: sums of integer tick
 * counts (no float sums), a cross when the sign of fast*slowPeriod - slow*fastPeriod changes
 * (tie rule: equal averages count as "not above"), entry and exit at the next bar's open, size 1.
 */
function referenceSmaCross(bars: BarColumns, scale: { mantissa: number; divisor: number }, fastN: number, slowN: number): JsonTrade[] {
    const ticks = bars.close;
    const trades: JsonTrade[] = [];
    let wasAbove: boolean | undefined;
    let open: { time: number; price: number } | undefined;
    let pendingBuy = false;
    let pendingSell = false;
    const price = (t: number): number => t * scale.mantissa / scale.divisor;
    for (let i = 0; i < bars.count; i++) {
        // Orders from the previous close fill at this bar's open.
        if (pendingBuy) {
            open = { time: bars.time[i], price: price(bars.open[i]) };
            pendingBuy = false;
        } else if (pendingSell && open) {
            const exit = price(bars.open[i]);
            trades.push({ side: 'long', qty: 1, entryTime: open.time, entryPrice: open.price, exitTime: bars.time[i], exitPrice: exit, pnl: exit - open.price });
            open = undefined;
            pendingSell = false;
        }
        if (i + 1 < slowN) {
            continue;
        }
        let fastSum = 0;
        let slowSum = 0;
        for (let k = 0; k < slowN; k++) {
            slowSum += ticks[i - k];
            if (k < fastN) {
                fastSum += ticks[i - k];
            }
        }
        const above = fastSum * slowN > slowSum * fastN;
        if (wasAbove !== undefined && above !== wasAbove) {
            if (above && !open) {
                pendingBuy = true;
            } else if (!above && open) {
                pendingSell = true;
            }
        }
        wasAbove = above;
    }
    return trades;
}

describe('sample strategies end to end (CLI, real data, stored runs)', function (): void {
    this.timeout(600_000);
    let root = '';
    let db: WorkspaceDatabase | undefined;

    before(async function (): Promise<void> {
        const dataDir = defaultDataDir();
        if (!dataDir || !fs.existsSync(path.join(dataDir, 'eurusd-m1-2017h1'))) {
            this.skip();
        }
        root = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-samples-'));
        await seedSampleWorkspace(workspaceDatabasePath(root), dataDir);
    });

    afterEach(() => {
        db?.close();
        db = undefined;
    });

    after(() => {
        if (root) {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    async function store(): Promise<RunStore> {
        db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        return new RunStoreImpl(db);
    }

    it('SMA 10/30 on eurusd-m1-2017h1 bars gives exactly the trades of an exactly-rounded reference (signal at close, fill at next open)', async () => {
        const { code, out, err } = await cli('run', path.join(STRATEGIES, 'sma-cross.ts'), '--workspace', root, '--symbol', 'EURUSD@histdata', '--kind', 'bars',
            '--json', '--no-save');
        expect(err).to.equal('');
        expect(code).to.equal(0);
        const summary = JSON.parse(out) as { trades: JsonTrade[]; ticks: number; run: { config: { models: { fill: string } } } };
        expect(summary.run.config.models.fill).to.equal('bar');
        db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        const repo = new TickRepository(db);
        const instrument = (await repo.findInstrument('EURUSD', 'histdata'))!;
        const bars = await repo.readBars({ instrumentId: instrument.id, kind: 'bars' }, '1m');
        expect(bars.count).to.equal(186_348);
        expect(summary.ticks).to.equal(4 * bars.count);
        const reference = referenceSmaCross(bars, tickScale(instrument.tickSize), 10, 30);
        expect(reference.length).to.be.greaterThan(1000);
        const ours = summary.trades.map(t => ({ ...t, pnl: undefined, commission: undefined }));
        expect(ours.length).to.equal(reference.length);
        for (let i = 0; i < reference.length; i++) {
            const r = reference[i];
            expect(ours[i], `trade ${i + 1}`).to.deep.include({ side: r.side, qty: r.qty, entryTime: r.entryTime, entryPrice: r.entryPrice, exitTime: r.exitTime, exitPrice: r.exitPrice });
            expect(summary.trades[i].pnl, `trade ${i + 1} pnl`).to.be.closeTo(r.pnl, 1e-9);
        }
    });

    for (const [file, symbol, minTrades] of [
        ['sma-cross-1h-filter.ts', 'SPY', 10], ['opening-range-breakout-spy.ts', 'SPY', 3], ['rsi-reversion-eurusd.ts', 'EURUSD@oanda', 10]
    ] as const) {
        it(`${file} on ${symbol}: trades with a reason on every fill, stored in the workspace exactly as reported`, async () => {
            const { code, out, err } = await cli('run', path.join(STRATEGIES, file), '--workspace', root, '--symbol', symbol, '--json');
            expect(err).to.equal('');
            expect(code).to.equal(0);
            const summary = JSON.parse(out) as { trades: JsonTrade[]; run: { id: string; stored: boolean } };
            expect(summary.trades.length).to.be.at.least(minTrades);
            expect(summary.run.stored).to.equal(true);
            const runs = await store();
            const run = (await runs.getRun(summary.run.id))!;
            expect(run.status).to.equal('finished');
            expect(run.headline!.trades).to.equal(summary.trades.length);
            const trades = await runs.readTrades(run.id);
            expect(Array.from(trades.pnl)).to.deep.equal(summary.trades.map(t => t.pnl));
            expect(Array.from(trades.entryTime)).to.deep.equal(summary.trades.map(t => t.entryTime));
            const events = await runs.readEvents(run.id);
            const fills = events.kind.map((k, i) => [k, events.reason[i]]).filter(([k]) => k === 'filled');
            expect(fills.length).to.be.at.least(2 * summary.trades.length);
            for (const [, reason] of fills) {
                expect(reason).to.match(/^[A-Z_]+$/);
            }
            const orders = await runs.readOrders(run.id);
            expect(orders.tag.filter(t => t !== '').length).to.be.greaterThan(0);
            const equity = await runs.readEquity(run.id);
            expect(equity.equity[equity.equity.length - 1]).to.be.closeTo(run.headline!.finalEquity, 1e-6);
            if (file === 'sma-cross-1h-filter.ts') {
                // The bars export: the instrument's 1-minute bars over the run's range, as the bar cache holds them.
                const out = path.join(root, 'bars.csv');
                const written = await cli('report', run.id, '--workspace', root, '--format', 'csv-bars', '--out', out);
                expect(written.err).to.equal('');
                const rows = fs.readFileSync(out, 'utf8').trim().split('\n');
                expect(rows[0]).to.equal('time_us,time,open,high,low,close,volume');
                const repo = new TickRepository(db!);
                const spy = (await repo.findInstrument('SPY'))!;
                const cached = await repo.readBars({ instrumentId: spy.id, kind: 'trades' }, '1m', run.config.from, run.config.to);
                expect(rows.length - 1).to.equal(cached.count);
                const volume = rows.slice(1).reduce((sum, r) => sum + Number(r.split(',')[6]), 0);
                expect(volume).to.equal(cached.volume.reduce((a, b) => a + b, 0));
            }
            // The buy-and-hold benchmark is the instrument's price at the same samples.
            const metrics = await runs.readMetrics(run.id);
            expect(equity.price).to.not.equal(undefined);
            expect(metrics['benchmark.firstClose']).to.equal(equity.price![0]);
            expect(metrics['benchmark.lastClose']).to.equal(equity.price![equity.price!.length - 1]);
        });
    }

    it('two runs of the same inputs (random slippage, commission, latency) give byte-identical exports', async () => {
        const args = ['run', path.join(STRATEGIES, 'rsi-reversion-eurusd.ts'), '--workspace', root, '--symbol', 'EURUSD@oanda', '--json',
            '--slippage', 'random:2', '--seed', '7', '--commission', 'perUnit:0.00002,minimum:0.5', '--latency', '250000'];
        const first = JSON.parse((await cli(...args)).out) as { run: { id: string } };
        const second = JSON.parse((await cli(...args)).out) as { run: { id: string } };
        expect(first.run.id).to.not.equal(second.run.id);
        const runs = await store();
        const exportOf = async (id: string): Promise<string> => JSON.stringify({
            orders: await runs.readOrders(id), events: await runs.readEvents(id), trades: await runs.readTrades(id), equity: await runs.readEquity(id),
            series: await runs.readSeries(id), logs: await runs.readLogs(id), metrics: await runs.readMetrics(id)
        }, (_k, v: unknown) => ArrayBuffer.isView(v) ? Array.from(v as Float64Array).map(x => Number.isNaN(x) ? 'NaN' : x) : v);
        const a = await exportOf(first.run.id);
        expect(a.length).to.be.greaterThan(10_000);
        expect(await exportOf(second.run.id)).to.equal(a);
        // Trade P&L is net of commission and slippage: over a run that ends flat it adds up to the net profit.
        const trades = await runs.readTrades(first.run.id);
        const equity = await runs.readEquity(first.run.id);
        expect(equity.position[equity.position.length - 1]).to.equal(0);
        const run = (await runs.getRun(first.run.id))!;
        expect(trades.pnl.reduce((a, b) => a + b, 0)).to.be.closeTo(run.headline!.netProfit, 1e-6);
        expect(trades.commission.reduce((a, b) => a + b, 0)).to.be.greaterThan(0);
        const events = await runs.readEvents(first.run.id);
        // The random slippage really moved fills (else the test would not test the seed).
        const slipped = events.kind.filter((k, i) => k === 'filled' && events.price[i] !== events.reference[i]).length;
        expect(slipped).to.be.greaterThan(0);
    });

    it('bar-close decisions are the same whether the minutes arrive as ticks or as the 1-minute bars of those ticks', async () => {
        const probe = path.join(root, 'decisions.ts');
        fs.writeFileSync(probe, `import { defineStrategy, SmaCalculation } from '@backtestr/plugins-sdk';
let f: SmaCalculation; let s: SmaCalculation; let was: boolean | undefined;
export default defineStrategy({ id: 'test.decisions', params: {}, subscribe: { barClose: ['1m', '5m'] }, timeframes: ['1m', '5m', '1H'],
    onStart() { f = new SmaCalculation(5); s = new SmaCalculation(20); was = undefined; },
    onBarClose(ctx, bar, tf) {
        if (tf !== '5m') { return; }
        const a = f.update(bar.close); const b = s.update(bar.close);
        if (a === undefined || b === undefined) { return; }
        // At a close that also ends the hour, the hour's bar is completed and the next not begun.
        const h = ctx.mtf('1H').partial ?? ctx.mtf('1H').bar(-1)!;
        const above = a > b && h.close >= h.open;
        if (was !== undefined && above !== was) { ctx.record(above ? 'buy' : 'sell', bar.time); }
        was = above;
    } });
`);
        const asTicks = await cli('run', probe, '--workspace', root, '--symbol', 'SPY', '--json', '--no-save');
        expect(asTicks.err).to.equal('');
        expect(asTicks.code).to.equal(0);
        db = await WorkspaceDatabase.open(workspaceDatabasePath(root));
        const repo = new TickRepository(db);
        const spy = (await repo.findInstrument('SPY'))!;
        // The bar cache's 1-minute bars of the same ticks, replayed as bars (open, extremes, close at the bar's time).
        const bars = await repo.readBars({ instrumentId: spy.id, kind: 'trades' }, '1m');
        const scale = tickScale(spy.tickSize);
        const batch: TickBatch = barTicks({
            time: toInt64Micros(bars.time), open: ticksToPrices(bars.open, scale), high: ticksToPrices(bars.high, scale),
            low: ticksToPrices(bars.low, scale), close: ticksToPrices(bars.close, scale), volume: bars.volume
        });
        const asBars = await runStrategy({ file: probe, source: [batch] });
        const fromTicks = JSON.parse(asTicks.out) as { series: Record<string, { count: number; last: number }> };
        for (const name of ['buy', 'sell']) {
            expect(asBars.series[name].value.length, name).to.equal(fromTicks.series[name].count);
            expect(asBars.series[name].value[asBars.series[name].value.length - 1]).to.equal(fromTicks.series[name].last);
        }
        expect(asBars.series.buy.value.length + asBars.series.sell.value.length).to.be.greaterThan(10);
    });

    it('ctx.indicator gives built-in and enabled plugin indicators to a strategy, and names the known ones for an unknown id', async () => {
        const pluginDir = path.join(root, 'plugins');
        const manager = new PluginManager({ directory: pluginDir, registry: new PluginContributionRegistryImpl() });
        try {
            await manager.install({ kind: 'folder', location: path.resolve(__dirname, '../../examples/plugins/keltner-channels') });
        } finally {
            manager.dispose();
        }
        const file = path.join(root, 'indicators.ts');
        fs.writeFileSync(file, `import { defineStrategy, IndicatorState, RsiCalculation } from '@backtestr/plugins-sdk';
let rsi: IndicatorState<number>; let mine: RsiCalculation; let keltner: IndicatorState<{ upper: number; middle: number; lower: number }>;
export default defineStrategy({ id: 'test.indicators', params: {}, subscribe: { barClose: ['5m'] },
    onStart(ctx) { rsi = ctx.indicator('core.rsi', { period: 14 }); mine = new RsiCalculation(14); keltner = ctx.indicator('examples.keltner'); },
    onBarClose(ctx, bar) {
        const a = rsi.update(bar); const b = mine.update(bar.close);
        if (a !== b) { throw new Error('core.rsi ' + a + ' differs from RsiCalculation ' + b); }
        if (a !== undefined) { ctx.record('rsi', a); }
        const k = keltner.update(bar);
        if (k !== undefined) { ctx.record('width', k.upper - k.lower); }
    } });
`);
        const { code, out, err } = await cli('run', file, '--workspace', root, '--symbol', 'SPY', '--plugins', pluginDir, '--json', '--no-save');
        expect(err).to.equal('');
        expect(code).to.equal(0);
        const series = (JSON.parse(out) as { series: Record<string, { count: number; last: number }> }).series;
        expect(series.rsi.count).to.be.greaterThan(100);
        expect(series.width.count).to.be.greaterThan(100);
        expect(series.width.last).to.be.greaterThan(0);
        fs.writeFileSync(file, `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'test.unknown', params: {}, subscribe: { barClose: ['1H'] }, onStart(ctx) { ctx.indicator('acme.nothing'); } });
`);
        const bad = await cli('run', file, '--workspace', root, '--symbol', 'SPY', '--plugins', pluginDir, '--no-save');
        expect(bad.code).to.equal(1);
        expect(bad.err).to.contain("ctx.indicator('acme.nothing'): no such indicator; known: core.sma");
        expect(bad.err).to.contain('examples.keltner');
    });

    it('garbage orders are rejected with a reason each, recorded, and the run goes on', async () => {
        const file = path.join(root, 'garbage.ts');
        fs.writeFileSync(file, `import { defineStrategy } from '@backtestr/plugins-sdk';
let sent = false;
export default defineStrategy({ id: 'test.garbage', params: {}, subscribe: { barClose: ['1m'] },
    onBarClose(ctx) {
        if (sent) { return; }
        sent = true;
        ctx.order.market('buy', NaN, { tag: 'nan qty' });
        ctx.order.market('buy', 0, { tag: 'zero qty' });
        ctx.order.market('sideways' as 'buy', 1, { tag: 'bad side' });
        ctx.order.limit('buy', 1, 100.004, { tag: 'off grid' });
        ctx.order.cancel(12345);
        ctx.order.market('buy', 1, { tag: 'good' });
    } });
`);
        const { code, out, err } = await cli('run', file, '--workspace', root, '--symbol', 'SPY', '--json');
        expect(err).to.equal('');
        expect(code).to.equal(0);
        const summary = JSON.parse(out) as { run: { id: string } };
        const runs = await store();
        const events = await runs.readEvents(summary.run.id);
        const orders = await runs.readOrders(summary.run.id);
        const byTag = (tag: string): string[] => {
            const id = orders.id[orders.tag.indexOf(tag)];
            return events.kind.map((k, i) => events.order[i] === id ? `${k} ${events.reason[i]}` : '').filter(x => x);
        };
        expect(byTag('nan qty')).to.deep.equal(['rejected BAD_QTY']);
        expect(byTag('zero qty')).to.deep.equal(['rejected BAD_QTY']);
        expect(byTag('bad side')).to.deep.equal(['rejected BAD_SIDE']);
        expect(byTag('off grid')).to.deep.equal(['rejected OFF_GRID']);
        expect(events.kind.map((k, i) => `${k} ${events.reason[i]} ${events.order[i]}`)).to.include('rejected UNKNOWN_ORDER 12345');
        expect(byTag('good')).to.include('filled MARKET');
    });
});
