// *****************************************************************************
// The execution side of a run as columns: the engine's events and closed trades decoded
// into the run store's column layout, with the strategy's order journal and equity curve.
// *****************************************************************************

import * as native from '@backtestr/native';
import { RunEventColumns, RunTradeColumns } from '@backtestr/data-import';
import { ExecutionEngine, OrderEvent } from '../execution-engine';
import { OrderJournal } from './order-desk';
import { ExecutionOutput } from './strategy-run-protocol';

/** The execution engine of a strategy run, with the account read into a caller's buffer (no object per read). */
export class RunExecutionEngine extends ExecutionEngine {
    readAccountInto(out: Float64Array): void {
        native.readAccount(this.handle, out);
    }
}

export function eventColumns(events: readonly OrderEvent[]): RunEventColumns {
    const n = events.length;
    const col = (): Float64Array => new Float64Array(n);
    const out = {
        time: col(), order: col(), seq: col(), price: col(), qty: col(), commission: col(), reference: col(), position: col(), realised: col(),
        kind: events.map(e => e.kind), reason: events.map(e => e.reason)
    };
    events.forEach((e, i) => {
        out.time[i] = Number(e.time);
        out.order[i] = e.order;
        out.seq[i] = e.seq;
        out.price[i] = e.price;
        out.qty[i] = e.qty;
        out.commission[i] = e.commission;
        out.reference[i] = e.reference;
        out.position[i] = e.position;
        out.realised[i] = e.realised;
    });
    return out;
}

export function tradeColumns(engine: ExecutionEngine, from = 0): RunTradeColumns {
    const trades = engine.trades(from);
    const n = trades.length;
    const col = (): Float64Array => new Float64Array(n);
    const out = {
        side: col(), qty: col(), entryTime: col(), exitTime: col(), entryPrice: col(), exitPrice: col(), pnl: col(), commission: col(),
        slippage: col(), mae: col(), mfe: col(), barsHeld: col()
    };
    trades.forEach((t, i) => {
        out.side[i] = t.side === 'long' ? 1 : -1;
        out.qty[i] = t.qty;
        out.entryTime[i] = Number(t.entryTime);
        out.exitTime[i] = Number(t.exitTime);
        out.entryPrice[i] = t.entryPrice;
        out.exitPrice[i] = t.exitPrice;
        // The engine's trade P&L is before commission (slippage is in the fill prices); the run's is net of both.
        out.pnl[i] = t.pnl - t.commission;
        out.commission[i] = t.commission;
        out.slippage[i] = t.slippage;
        out.mae[i] = t.mae;
        out.mfe[i] = t.mfe;
        out.barsHeld[i] = t.bars;
    });
    return out;
}

export function executionOutput(engine: ExecutionEngine, orders: OrderJournal, equity: Float64Array[]): ExecutionOutput {
    const account = engine.account();
    return {
        orders, events: eventColumns(engine.events(0)), trades: tradeColumns(engine),
        equity: { time: equity[0], equity: equity[1], position: equity[2], price: equity[3] },
        initialCash: account.initialCash, finalEquity: account.equity, commission: account.commission, slippage: account.slippage
    };
}
