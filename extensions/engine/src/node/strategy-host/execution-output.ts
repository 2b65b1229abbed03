// *****************************************************************************
// The execution side of a run as columns: the engine's events and closed trades decoded
// into the run store's column layout, with the strategy's order journal and equity curve.
// *****************************************************************************

import { RunEventColumns, RunTradeColumns } from '@backtestr/workspace-store';
import { EXEC_LAYOUT, ExecutionEngine } from '@backtestr/engine-core';
import { OrderJournal } from './order-desk';
import { ExecutionOutput } from './strategy-run-protocol';

const X = EXEC_LAYOUT;
// Event slots as plain constants (the layout object is a dictionary, slow to read per event).
const E_TIME = X.E_TIME; const E_ORDER = X.E_ORDER; const E_KIND = X.E_KIND; const E_REASON = X.E_REASON; const E_SEQ = X.E_SEQ;
const E_PRICE = X.E_PRICE; const E_QTY = X.E_QTY; const E_COMMISSION = X.E_COMMISSION; const E_REFERENCE = X.E_REFERENCE;
const E_POSITION = X.E_POSITION; const E_REALISED = X.E_REALISED;

/**
 * Events from index `from` as columns, decoded straight from the engine's records (no object per
 * event: a run of 1,000,000 orders has 2,000,000 events or more).
 */
export function eventColumns(engine: ExecutionEngine, from = 0): RunEventColumns {
    const f = engine.eventRecords(from);
    const t = new BigInt64Array(f.buffer);
    const S = X.EVENT_SLOTS;
    const n = f.length / S;
    const col = (): Float64Array => new Float64Array(n);
    const out = {
        time: col(), order: col(), seq: col(), price: col(), qty: col(), commission: col(), reference: col(), position: col(), realised: col(),
        kind: new Array<string>(n), reason: new Array<string>(n)
    };
    for (let i = 0, b = 0; i < n; i++, b += S) {
        out.time[i] = Number(t[b + E_TIME]);
        out.order[i] = f[b + E_ORDER];
        out.seq[i] = f[b + E_SEQ];
        out.price[i] = f[b + E_PRICE];
        out.qty[i] = f[b + E_QTY];
        out.commission[i] = f[b + E_COMMISSION];
        out.reference[i] = f[b + E_REFERENCE];
        out.position[i] = f[b + E_POSITION];
        out.realised[i] = f[b + E_REALISED];
        out.kind[i] = ExecutionEngine.kindName(f[b + E_KIND]);
        out.reason[i] = ExecutionEngine.reasonName(f[b + E_REASON]);
    }
    return out;
}

/** Closed trades from index `from` as columns, decoded straight from the engine's records. */
export function tradeColumns(engine: ExecutionEngine, from = 0): RunTradeColumns {
    const f = engine.tradeRecords(from);
    const t = new BigInt64Array(f.buffer);
    const S = X.TRADE_SLOTS;
    const n = f.length / S;
    const col = (): Float64Array => new Float64Array(n);
    const out = {
        side: col(), qty: col(), entryTime: col(), exitTime: col(), entryPrice: col(), exitPrice: col(), pnl: col(), commission: col(),
        slippage: col(), mae: col(), mfe: col(), barsHeld: col()
    };
    for (let i = 0, b = 0; i < n; i++, b += S) {
        out.side[i] = f[b + X.T_SIDE] > 0 ? 1 : -1;
        out.qty[i] = f[b + X.T_QTY];
        out.entryTime[i] = Number(t[b + X.T_ENTRY_TIME]);
        out.exitTime[i] = Number(t[b + X.T_EXIT_TIME]);
        out.entryPrice[i] = f[b + X.T_ENTRY_PRICE];
        out.exitPrice[i] = f[b + X.T_EXIT_PRICE];
        // The engine's trade P&L is before commission (slippage is in the fill prices); the run's is net of both.
        out.pnl[i] = f[b + X.T_PNL] - f[b + X.T_COMMISSION];
        out.commission[i] = f[b + X.T_COMMISSION];
        out.slippage[i] = f[b + X.T_SLIPPAGE];
        out.mae[i] = f[b + X.T_MAE];
        out.mfe[i] = f[b + X.T_MFE];
        out.barsHeld[i] = f[b + X.T_BARS];
    }
    return out;
}

export function executionOutput(engine: ExecutionEngine, orders: OrderJournal, equity: Float64Array[]): ExecutionOutput {
    const account = engine.account();
    return {
        orders, events: eventColumns(engine), trades: tradeColumns(engine),
        equity: { time: equity[0], equity: equity[1], position: equity[2], price: equity[3] },
        initialCash: account.initialCash, finalEquity: account.equity, commission: account.commission, slippage: account.slippage
    };
}
