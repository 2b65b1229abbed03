import * as native from '@backtestr/native';
import type { Account, OrderEvent, OrderEventKind, UnixMicrosBig } from '@backtestr/plugins-sdk';
import { BarBatch } from '../common/engine-columns';
import { barTicks } from './bar-path';
import { MtfEngine, MtfEngineOptions } from './mtf-engine';
import { EXEC_LAYOUT, MTF_LAYOUT } from './native-layout';

export type ExecutionOptions = native.NativeExecutionOptions;

const X = EXEC_LAYOUT;

export type OrderType = 'market' | 'limit' | 'stop' | 'stopLimit' | 'mit' | 'trailingStop';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'DAY' | 'GTD';

export interface OrderRequest {
    /** Caller-chosen id, a whole number >= 1, unique per engine. */
    id: number;
    type: OrderType;
    side: 'buy' | 'sell';
    qty: number;
    limit?: number;
    stop?: number;
    tif?: TimeInForce;
    /** GTD expiry. */
    expire?: UnixMicrosBig;
    /** Instrument index; the engine has one instrument, 0 (default). */
    instrument?: number;
    /** Trailing stop: distance in price units from the best price since it became active. */
    trail?: number;
    /** Trailing stop: distance in percent of the best price (instead of `trail`). */
    trailPercent?: number;
    /** Bracket child: held until the order with this id is completely filled. */
    parent?: number;
    /** OCO group: a fill of one member cancels the other members. */
    oco?: number;
    /** Hedging: the id of the position this order closes (the id of the order that opened it). */
    position?: number;
}

/** Changes to a working order; absent fields keep their value. `qty` is the new total quantity. */
export interface OrderModify {
    id: number;
    qty?: number;
    limit?: number;
    stop?: number;
    trail?: number;
    trailPercent?: number;
}

/** An entry with a take-profit (limit) and a stop-loss (stop or trailing stop), activated when the entry fills; the exits are one OCO group. */
export interface BracketRequest {
    entry: OrderRequest;
    takeProfit?: { id: number; limit: number; tif?: TimeInForce };
    stopLoss?: { id: number; stop?: number; trail?: number; trailPercent?: number; tif?: TimeInForce };
}

export interface OpenPosition {
    /** The id of the order that opened it. */
    readonly id: number;
    readonly side: 'long' | 'short';
    readonly qty: number;
    readonly avgPrice: number;
    readonly unrealised: number;
    readonly entryTime: UnixMicrosBig;
}

/**
 * One order event as the engine records it: the SDK's `OrderEvent` (plugins-sdk/src/orders.ts, what
 * strategies get) with the int64 time and the record's other slots, without the strategy's tag.
 */
export interface ExecutionOrderEvent extends Omit<OrderEvent, 'time' | 'tag'> {
    readonly time: UnixMicrosBig;
    readonly tickIndex: number;
    readonly realised: number;
    /** Ticks applied when the event happened. */
    readonly seq: number;
    /** Fills: the position filled into (its id); 0 otherwise. */
    readonly positionId: number;
    /** Quantity of the order still working after the event (0 when done; NaN when not known). */
    readonly remaining: number;
}

/** The account block of the engine: the SDK's `Account` and the rest of its slots. */
export interface ExecutionAccount extends Account {
    readonly position: number; readonly avgPrice: number; readonly mark: number;
    readonly events: number; readonly fills: number; readonly slippage: number;
    readonly trades: number; readonly initialCash: number;
    /** Open positions (netting: 0 or 1). */
    readonly positions: number;
}

/** A closed trade as the engine records it (int64 times); the statistics' form is `ClosedTrade` of @backtestr/analysis. */
export interface ExecutionTrade {
    readonly entryTime: UnixMicrosBig; readonly exitTime: UnixMicrosBig; readonly side: 'long' | 'short';
    readonly qty: number; readonly entryPrice: number; readonly exitPrice: number; readonly pnl: number;
    readonly commission: number; readonly mae: number; readonly mfe: number; readonly bars: number;
    readonly slippage: number;
    /** The position's id (the id of the order that opened it). */
    readonly position: number;
}

// Order record slots as plain constants (the layout object is a dictionary, slow to read per order).
const ORDER_SLOTS = X.ORDER_SLOTS;
const ACT_SUBMIT = X.ACT_SUBMIT;
const O_ACTION = X.O_ACTION; const O_ID = X.O_ID; const O_TYPE = X.O_TYPE; const O_SIDE = X.O_SIDE; const O_QTY = X.O_QTY;
const O_LIMIT = X.O_LIMIT; const O_STOP = X.O_STOP; const O_TIF = X.O_TIF; const O_EXPIRE = X.O_EXPIRE; const O_INSTRUMENT = X.O_INSTRUMENT;
const O_TRAIL = X.O_TRAIL; const O_TRAIL_PERCENT = X.O_TRAIL_PERCENT; const O_PARENT = X.O_PARENT; const O_OCO = X.O_OCO;
const O_POSITION = X.O_POSITION;

const TYPES: Record<OrderType, number> = {
    market: X.TYPE_MARKET, limit: X.TYPE_LIMIT, stop: X.TYPE_STOP, stopLimit: X.TYPE_STOP_LIMIT, mit: X.TYPE_MIT,
    trailingStop: X.TYPE_TRAIL,
};
const TIFS: Record<TimeInForce, number> = { GTC: X.TIF_GTC, IOC: X.TIF_IOC, FOK: X.TIF_FOK, DAY: X.TIF_DAY, GTD: X.TIF_GTD };
const KINDS: OrderEventKind[] = [];
KINDS[X.KIND_ACCEPTED] = 'accepted';
KINDS[X.KIND_REJECTED] = 'rejected';
KINDS[X.KIND_FILLED] = 'filled';
KINDS[X.KIND_CANCELLED] = 'cancelled';
KINDS[X.KIND_EXPIRED] = 'expired';
KINDS[X.KIND_TRIGGERED] = 'triggered';
KINDS[X.KIND_MODIFIED] = 'modified';
KINDS[X.KIND_PARTIAL] = 'partlyFilled';
KINDS[X.KIND_ACTIVATED] = 'activated';
const REASONS = new Map<number, string>(
    Object.entries(X).filter(([k]) => k.startsWith('R_')).map(([k, v]) => [v, k.slice(2)]));

/**
 * The MTF engine with a simulated broker matched natively in the same tick loop. Orders
 * go in as batches of records (`submit`), events, trades and the account come back
 * through typed arrays: no native call per tick.
 */
export class ExecutionEngine extends MtfEngine {
    protected readonly orderBuf: Float64Array;
    protected readonly orderI64: BigInt64Array;
    protected readonly orderViews: Float64Array[] = [];
    protected readonly accountBuf = new Float64Array(X.ACCOUNT_SLOTS);

    constructor(options: MtfEngineOptions = {}, execution: ExecutionOptions = {}, maxOrdersPerSubmit = 1024) {
        super(options);
        native.configureExecution(this.handle, execution);
        this.orderBuf = new Float64Array(maxOrdersPerSubmit * X.ORDER_SLOTS);
        this.orderI64 = new BigInt64Array(this.orderBuf.buffer);
    }

    /** Sends order commands as one batch (at the engine clock); returns how many were sent. */
    submitRecords(records: Float64Array): number {
        return native.submit(this.handle, records);
    }

    /** Packs requests into records and sends them in batches. Bad orders come back as 'rejected' events. */
    submit(orders: readonly OrderRequest[]): void {
        const cap = this.orderBuf.length / ORDER_SLOTS;
        const f = this.orderBuf;
        const i64 = this.orderI64;
        for (let s = 0; s < orders.length; s += cap) {
            const count = Math.min(cap, orders.length - s);
            for (let i = 0; i < count; i++) {
                const o = orders[s + i];
                const b = i * ORDER_SLOTS;
                f.fill(0, b, b + ORDER_SLOTS);
                f[b + O_ACTION] = ACT_SUBMIT;
                f[b + O_ID] = o.id;
                f[b + O_TYPE] = TYPES[o.type] ?? -1;
                f[b + O_SIDE] = o.side === 'buy' ? 1 : o.side === 'sell' ? -1 : 0;
                f[b + O_QTY] = o.qty;
                f[b + O_LIMIT] = o.limit ?? NaN;
                f[b + O_STOP] = o.stop ?? NaN;
                f[b + O_TIF] = TIFS[o.tif ?? 'GTC'] ?? -1;
                i64[b + O_EXPIRE] = o.expire ?? 0n;
                f[b + O_INSTRUMENT] = o.instrument ?? 0;
                f[b + O_TRAIL] = o.trail ?? NaN;
                f[b + O_TRAIL_PERCENT] = o.trailPercent ?? NaN;
                f[b + O_PARENT] = o.parent ?? 0;
                f[b + O_OCO] = o.oco ?? 0;
                f[b + O_POSITION] = o.position ?? 0;
            }
            native.submit(this.handle, this.orderView(count));
        }
    }

    /** The first `count` records of the order buffer (views kept: no allocation per submit). */
    protected orderView(count: number): Float64Array {
        let v = this.orderViews[count];
        if (v === undefined) {
            v = new Float64Array(this.orderBuf.buffer, 0, count * ORDER_SLOTS);
            this.orderViews[count] = v;
        }
        return v;
    }

    /** Cancels working orders by id (an unknown id gives a 'rejected' event). */
    cancel(...ids: number[]): void {
        this.cancelIds(ids);
    }

    /** Cancels working orders by id, in batches of the order buffer's size (any number of ids). */
    cancelIds(ids: readonly number[]): void {
        const cap = this.orderBuf.length / ORDER_SLOTS;
        const f = this.orderBuf;
        for (let s = 0; s < ids.length; s += cap) {
            const count = Math.min(cap, ids.length - s);
            f.fill(0, 0, count * ORDER_SLOTS);
            for (let i = 0; i < count; i++) {
                f[i * ORDER_SLOTS + O_ACTION] = X.ACT_CANCEL;
                f[i * ORDER_SLOTS + O_ID] = ids[s + i];
            }
            native.submit(this.handle, this.orderView(count));
        }
    }

    /** Modifies working orders (price, quantity, trail); each gives a 'modified' or 'rejected' event. */
    modify(...changes: OrderModify[]): void {
        const f = new Float64Array(changes.length * X.ORDER_SLOTS);
        changes.forEach((c, i) => {
            const b = i * X.ORDER_SLOTS;
            f[b + X.O_ACTION] = X.ACT_MODIFY;
            f[b + X.O_ID] = c.id;
            f[b + X.O_QTY] = c.qty ?? NaN;
            f[b + X.O_LIMIT] = c.limit ?? NaN;
            f[b + X.O_STOP] = c.stop ?? NaN;
            f[b + X.O_TRAIL] = c.trail ?? NaN;
            f[b + X.O_TRAIL_PERCENT] = c.trailPercent ?? NaN;
        });
        native.submit(this.handle, f);
    }

    /** Sends an entry and its exits (children of the entry, one OCO group named after the entry id). */
    bracket(b: BracketRequest): void {
        const exit: 'buy' | 'sell' = b.entry.side === 'buy' ? 'sell' : 'buy';
        const orders: OrderRequest[] = [b.entry];
        const common = { side: exit, qty: b.entry.qty, parent: b.entry.id, oco: b.entry.id, instrument: b.entry.instrument };
        if (b.takeProfit) {
            orders.push({ ...common, id: b.takeProfit.id, type: 'limit', limit: b.takeProfit.limit, tif: b.takeProfit.tif });
        }
        if (b.stopLoss) {
            const s = b.stopLoss;
            const trailing = s.trail !== undefined || s.trailPercent !== undefined;
            orders.push({ ...common, id: s.id, type: trailing ? 'trailingStop' : 'stop', stop: s.stop, trail: s.trail,
                trailPercent: s.trailPercent, tif: s.tif });
        }
        this.submit(orders);
    }

    /** Open positions, oldest first (hedging: several per instrument). */
    positions(): OpenPosition[] {
        const n = this.account().positions;
        const f = new Float64Array(n * X.POSITION_SLOTS);
        native.readPositions(this.handle, f);
        const t = new BigInt64Array(f.buffer);
        const out: OpenPosition[] = [];
        for (let b = 0; b < f.length; b += X.POSITION_SLOTS) {
            out.push({
                id: f[b + X.P_ID], side: f[b + X.P_SIDE] > 0 ? 'long' : 'short', qty: f[b + X.P_QTY],
                avgPrice: f[b + X.P_AVG_PRICE], unrealised: f[b + X.P_UNREALISED], entryTime: t[b + X.P_ENTRY_TIME],
            });
        }
        return out;
    }

    /** Replays bars along their intrabar path (configure `fill: 'bar'`); see `process`. */
    processBars(bars: BarBatch, onEvent?: (resumeIndex: number) => void): void {
        this.process(barTicks(bars), onEvent);
    }

    /** The account block of the state memory (ACCOUNT_SLOTS, A_* order), a view: current when H_ACCOUNT_STOP equals H_STOPS. */
    accountBlock(): Float64Array {
        return new Float64Array(this.f64.buffer, this.f64[MTF_LAYOUT.H_ACCOUNT] * 8, X.ACCOUNT_SLOTS);
    }

    /** Reads the account (ACCOUNT_SLOTS numbers, A_* order) into a caller's buffer: no object per read. */
    readAccountInto(out: Float64Array): void {
        native.readAccount(this.handle, out);
    }

    account(): ExecutionAccount {
        const a = this.accountBuf;
        this.readAccountInto(a);
        return {
            cash: a[X.A_CASH], equity: a[X.A_EQUITY], position: a[X.A_POSITION], avgPrice: a[X.A_AVG_PRICE],
            realised: a[X.A_REALISED], unrealised: a[X.A_UNREALISED], commission: a[X.A_COMMISSION], mark: a[X.A_MARK],
            openOrders: a[X.A_OPEN_ORDERS], events: a[X.A_EVENTS], fills: a[X.A_FILLS], slippage: a[X.A_SLIPPAGE],
            trades: a[X.A_TRADES], initialCash: a[X.A_INITIAL_CASH], usedMargin: a[X.A_USED_MARGIN], positions: a[X.A_POSITIONS],
        };
    }

    /** Raw event records from index `from` (EVENT_SLOTS slots each; E_TIME is int64). */
    eventRecords(from = 0): Float64Array {
        const n = Math.max(0, this.account().events - from);
        const out = new Float64Array(n * X.EVENT_SLOTS);
        native.readEvents(this.handle, from, out);
        return out;
    }

    /** Raw closed-trade records from index `from` (TRADE_SLOTS slots each; times are int64). */
    tradeRecords(from = 0): Float64Array {
        const n = Math.max(0, this.account().trades - from);
        const out = new Float64Array(n * X.TRADE_SLOTS);
        native.readTrades(this.handle, from, out);
        return out;
    }

    /** The name of an event kind code (E_KIND). */
    static kindName(code: number): OrderEventKind {
        return KINDS[code];
    }

    /** The name of a reason code (E_REASON) without the R_ prefix. */
    static reasonName(code: number): string {
        return REASONS.get(code) ?? String(code);
    }

    /** Events from index `from`, decoded. */
    events(from = 0): ExecutionOrderEvent[] {
        const f = this.eventRecords(from);
        const t = new BigInt64Array(f.buffer);
        const out: ExecutionOrderEvent[] = [];
        for (let b = 0; b < f.length; b += X.EVENT_SLOTS) {
            out.push({
                time: t[b + X.E_TIME], order: f[b + X.E_ORDER], kind: KINDS[f[b + X.E_KIND]],
                reason: REASONS.get(f[b + X.E_REASON]) ?? String(f[b + X.E_REASON]), tickIndex: f[b + X.E_TICK],
                price: f[b + X.E_PRICE], qty: f[b + X.E_QTY], commission: f[b + X.E_COMMISSION],
                reference: f[b + X.E_REFERENCE], position: f[b + X.E_POSITION], realised: f[b + X.E_REALISED],
                seq: f[b + X.E_SEQ], positionId: f[b + X.E_POSITION_ID], remaining: f[b + X.E_REMAINING],
            });
        }
        return out;
    }

    /** Closed trades from index `from`. */
    trades(from = 0): ExecutionTrade[] {
        const f = this.tradeRecords(from);
        const t = new BigInt64Array(f.buffer);
        const out: ExecutionTrade[] = [];
        for (let b = 0; b < f.length; b += X.TRADE_SLOTS) {
            out.push({
                entryTime: t[b + X.T_ENTRY_TIME], exitTime: t[b + X.T_EXIT_TIME], side: f[b + X.T_SIDE] > 0 ? 'long' : 'short',
                qty: f[b + X.T_QTY], entryPrice: f[b + X.T_ENTRY_PRICE], exitPrice: f[b + X.T_EXIT_PRICE], pnl: f[b + X.T_PNL],
                commission: f[b + X.T_COMMISSION], mae: f[b + X.T_MAE], mfe: f[b + X.T_MFE], bars: f[b + X.T_BARS],
                slippage: f[b + X.T_SLIPPAGE], position: f[b + X.T_POSITION],
            });
        }
        return out;
    }
}
