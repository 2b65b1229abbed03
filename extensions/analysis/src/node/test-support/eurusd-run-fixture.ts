// *****************************************************************************
// Test support: a stored-run fixture (RunRecord + RunOutput, the run store's contract) made
// at test time from the reference SMA cross run on the real HistData EURUSD M1 2017 H1 bars
// (statistics/test-support/eurusd-sma-run.ts). Orders, fill events with their reasons, trades,
// equity with position, one recorded series and log lines, as the engine would store them.
// *****************************************************************************

import { flattenMetrics, runHeadline, runStatistics } from '../../common/run-analysis';
import { RunOutput, RunRecord, RunStore } from '../../common/run-store';
import { readEurusdM1, smaCrossRun, SmaCrossRun, EURUSD_M1_DIR } from '../statistics/test-support/eurusd-sma-run';

export { EURUSD_M1_DIR };

export interface RunFixture {
    readonly record: RunRecord;
    readonly output: RunOutput;
    readonly source: SmaCrossRun;
}

const TICK = 0.00001;
const COMMISSION = 2.5;

export function runFixtureFromSmaRun(source: SmaCrossRun, id: string, params: { fast: number; slow: number }): RunFixture {
    const n = source.trades.length;
    const orderCount = 2 * n;
    const f = (k: number) => new Float64Array(k);
    const orders = {
        id: f(orderCount), time: f(orderCount), type: new Array<string>(orderCount).fill('market'), side: f(orderCount), qty: f(orderCount),
        limit: f(orderCount).fill(NaN), stop: f(orderCount).fill(NaN), tif: new Array<string>(orderCount).fill('GTC'), tag: new Array<string>(orderCount)
    };
    const eventCount = 2 * orderCount;
    const events = {
        time: f(eventCount), order: f(eventCount), kind: new Array<string>(eventCount), reason: new Array<string>(eventCount), seq: f(eventCount),
        price: f(eventCount), qty: f(eventCount), commission: f(eventCount), reference: f(eventCount), position: f(eventCount), realised: f(eventCount)
    };
    const trades = {
        side: f(n), qty: f(n), entryTime: f(n), exitTime: f(n), entryPrice: f(n), exitPrice: f(n), pnl: f(n),
        commission: f(n), slippage: f(n), mae: f(n), mfe: f(n), barsHeld: f(n)
    };
    const logs = { time: f(2 * n), message: new Array<string>(2 * n) };
    let realised = 0;
    source.trades.forEach((t, i) => {
        trades.side[i] = t.side === 'long' ? 1 : -1;
        trades.qty[i] = t.quantity;
        trades.entryTime[i] = t.entryTime;
        trades.exitTime[i] = t.exitTime;
        trades.entryPrice[i] = t.entryPrice;
        trades.exitPrice[i] = t.exitPrice;
        trades.pnl[i] = t.pnl;
        trades.commission[i] = t.commission;
        trades.slippage[i] = t.slippage;
        trades.mae[i] = t.mae;
        trades.mfe[i] = t.mfe;
        trades.barsHeld[i] = t.barsHeld;
        for (const leg of [0, 1]) {
            const o = 2 * i + leg;
            const time = leg === 0 ? t.entryTime : t.exitTime;
            const price = leg === 0 ? t.entryPrice : t.exitPrice;
            orders.id[o] = o + 1;
            orders.time[o] = time;
            orders.side[o] = leg === 0 ? 1 : -1;
            orders.qty[o] = t.quantity;
            orders.tag[o] = leg === 0 ? `SMA${params.fast} crossed above SMA${params.slow}` : `SMA${params.fast} crossed below SMA${params.slow}`;
            if (leg === 1) {
                realised += t.pnl;
            }
            for (const step of [0, 1]) {
                const e = 2 * o + step;
                events.time[e] = time;
                events.order[e] = o + 1;
                events.kind[e] = step === 0 ? 'accepted' : 'filled';
                events.reason[e] = 'MARKET';
                events.seq[e] = o + 1;
                events.price[e] = step === 0 ? NaN : price;
                events.qty[e] = step === 0 ? NaN : t.quantity;
                events.commission[e] = step === 0 ? 0 : COMMISSION;
                events.reference[e] = step === 0 ? NaN : price + (leg === 0 ? -TICK : TICK);
                events.position[e] = step === 1 && leg === 0 ? t.quantity : 0;
                events.realised[e] = leg === 1 && step === 1 ? realised : realised - (leg === 1 ? t.pnl : 0);
            }
            logs.time[o] = time;
            logs.message[o] = `${leg === 0 ? 'enter long' : 'exit long'} ${t.quantity} @ ${price.toFixed(5)}`;
        }
    });
    const record0: RunRecord = {
        id, createdAt: Date.UTC(2026, 0, 1) * 1000, finishedAt: Date.UTC(2026, 0, 1, 0, 0, 5) * 1000, status: 'finished',
        strategyId: 'examples.sma-cross', strategyLabel: `SMA cross ${params.fast}/${params.slow}`,
        sourceHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', engineVersion: 'reference-0.1.0', instrumentId: 1,
        config: {
            strategyFile: '/workspace/strategies/sma-cross.ts', symbol: 'EURUSD', kind: 'quotes', params: { ...params },
            timeframes: ['1m', '5m', '15m', '1H', '4H', '1D'], priceSource: 'bid', session: '17:00 America/New_York',
            models: {
                fill: 'trade', limitFill: 'touch', slippage: { kind: 'ticks', value: 1 }, commission: { perOrder: COMMISSION },
                latencyMicros: 0, initialCash: source.initialCapital
            },
            seed: 1, tickSize: TICK, multiplier: 1
        },
        ticks: source.time.length, elapsedMs: 1234, firstTime: source.time[0] - 60_000_000, lastTime: source.time[source.time.length - 1]
    };
    const partial = {
        orders, events, trades, equity: { time: source.time, equity: source.equity, position: source.exposure },
        series: { 'trade-pnl': { time: Float64Array.from(trades.exitTime), value: Float64Array.from(trades.pnl) } }, logs
    };
    const statistics = runStatistics(record0, partial);
    const output: RunOutput = { ...partial, metrics: flattenMetrics(statistics) };
    return { record: { ...record0, headline: runHeadline(statistics) }, output, source };
}

/** The reference SMA cross run on the real EURUSD M1 bars as a stored-run fixture. */
export function eurusdRunFixture(id = 'eurusd-sma-10-30', fast = 10, slow = 30): RunFixture {
    return runFixtureFromSmaRun(smaCrossRun(readEurusdM1(), fast, slow), id, { fast, slow });
}

/** Stores a fixture as the engine does: createRun (running), then finishRun with its output. */
export async function storeFixture(store: RunStore, f: RunFixture): Promise<void> {
    const { record } = f;
    await store.createRun({ ...record, status: 'running', finishedAt: undefined, headline: undefined });
    await store.finishRun(record.id, {
        status: record.status, ticks: record.ticks, elapsedMs: record.elapsedMs, firstTime: record.firstTime,
        lastTime: record.lastTime, headline: record.headline
    }, f.output);
}
