// *****************************************************************************
// `ctx.order` of a strategy run: numbers the strategy's orders, keeps them (with the
// strategy's tag) for the run's journal, and queues the commands until the hook returns,
// when they go to the engine as one batch in call order.
// *****************************************************************************

import { BracketIds, BracketPrices, OrderOptions, Orders, OrderSide } from '@backtestr/plugins-sdk';
import { EXEC_LAYOUT, ExecutionEngine, OrderModify, OrderRequest } from '@backtestr/engine-core';
import { GrowingColumns } from './run-recorder';

type Command =
    | { readonly kind: 'submit'; readonly orders: OrderRequest[] }
    | { readonly kind: 'cancel'; readonly id: number }
    | { readonly kind: 'modify'; readonly change: OrderModify };

/** The orders of a run as columns (NaN for absent prices), with their type, time in force and tag. */
export interface OrderJournal {
    readonly id: Float64Array;
    readonly time: Float64Array;
    readonly side: Float64Array;
    readonly qty: Float64Array;
    readonly limit: Float64Array;
    readonly stop: Float64Array;
    readonly type: string[];
    readonly tif: string[];
    readonly tag: string[];
}

const SIDES = new Set<unknown>(['buy', 'sell']);
const X = EXEC_LAYOUT;
/** Event kinds after which an order is no longer working. */
const FINAL_KINDS = new Set([X.KIND_FILLED, X.KIND_CANCELLED, X.KIND_EXPIRED, X.KIND_REJECTED]);

export class OrderDesk implements Orders {
    protected nextId = 1;
    protected pending: Command[] = [];
    protected readonly numbers = new GrowingColumns(6);
    protected readonly types: string[] = [];
    protected readonly tifs: string[] = [];
    protected readonly tags: string[] = [];
    /** Tag by order id (index = id). */
    protected readonly tagById: string[] = [''];

    constructor(protected readonly engine: ExecutionEngine, protected readonly clock: () => number, protected readonly netPosition: () => number) { }

    market(side: OrderSide, qty: number, options?: OrderOptions): number {
        return this.send({ type: 'market', side, qty }, options);
    }

    limit(side: OrderSide, qty: number, price: number, options?: OrderOptions): number {
        return this.send({ type: 'limit', side, qty, limit: price }, options);
    }

    stop(side: OrderSide, qty: number, stopPrice: number, options?: OrderOptions): number {
        return this.send({ type: 'stop', side, qty, stop: stopPrice }, options);
    }

    stopLimit(side: OrderSide, qty: number, stopPrice: number, limitPrice: number, options?: OrderOptions): number {
        return this.send({ type: 'stopLimit', side, qty, stop: stopPrice, limit: limitPrice }, options);
    }

    mit(side: OrderSide, qty: number, triggerPrice: number, options?: OrderOptions): number {
        return this.send({ type: 'mit', side, qty, stop: triggerPrice }, options);
    }

    trailingStop(side: OrderSide, qty: number, trail: { readonly distance?: number; readonly percent?: number }, options?: OrderOptions): number {
        return this.send({ type: 'trailingStop', side, qty, trail: trail?.distance, trailPercent: trail?.percent }, options);
    }

    bracket(side: OrderSide, qty: number, prices: BracketPrices, options?: OrderOptions): BracketIds {
        const entry = this.request({ type: prices.entry === undefined ? 'market' : 'limit', side, qty, limit: prices.entry }, options);
        const exitSide: OrderSide = side === 'buy' ? 'sell' : 'buy';
        const orders = [entry];
        const common = { side: exitSide, qty, parent: entry.id, oco: entry.id, tif: options?.tif === 'DAY' ? 'DAY' as const : undefined };
        let takeProfit: number | undefined;
        let stopLoss: number | undefined;
        if (prices.takeProfit !== undefined) {
            const tp = this.request({ ...common, type: 'limit', limit: prices.takeProfit }, { tag: `take-profit of ${entry.id}` });
            takeProfit = tp.id;
            orders.push(tp);
        }
        if (prices.stopLoss !== undefined || prices.trail !== undefined) {
            const sl = this.request(prices.trail !== undefined ? { ...common, type: 'trailingStop', trail: prices.trail } : { ...common, type: 'stop', stop: prices.stopLoss },
                { tag: `stop-loss of ${entry.id}` });
            stopLoss = sl.id;
            orders.push(sl);
        }
        this.queue(orders);
        return { entry: entry.id, takeProfit, stopLoss };
    }

    cancel(id: number): void {
        this.pending.push({ kind: 'cancel', id });
    }

    modify(id: number, changes: { readonly qty?: number; readonly limit?: number; readonly stop?: number; readonly trail?: number }): void {
        this.pending.push({ kind: 'modify', change: { id, ...changes } });
    }

    close(options?: OrderOptions): number | undefined {
        const position = this.netPosition();
        if (position === 0) {
            return undefined;
        }
        return this.market(position > 0 ? 'sell' : 'buy', Math.abs(position), { tag: 'close position', ...options });
    }

    cancelAll(): void {
        // Every order sent and not seen finished in the engine's events (an order that ends before the cancel takes effect is answered ORDER_DONE).
        this.syncWorking();
        for (const id of this.working) {
            this.cancel(id);
        }
    }

    /**
     * Orders sent and not yet seen filled, cancelled, expired or rejected (insertion order). Kept up to date from the
     * engine's events read once each: cancelAll costs O(working orders + new events), not O(orders ever sent).
     */
    protected readonly working = new Set<number>();
    protected eventsScanned = 0;

    protected syncWorking(): void {
        const records = this.engine.eventRecords(this.eventsScanned);
        const S = X.EVENT_SLOTS;
        for (let b = 0; b < records.length; b += S) {
            if (FINAL_KINDS.has(records[b + X.E_KIND])) {
                this.working.delete(records[b + X.E_ORDER]);
            }
        }
        this.eventsScanned += records.length / S;
    }

    tagOf(id: number): string {
        return this.tagById[id] ?? '';
    }

    protected send(fields: Omit<OrderRequest, 'id'>, options?: OrderOptions): number {
        const request = this.request(fields, options);
        this.queue([request]);
        return request.id;
    }

    /** Numbers an order and writes it to the journal. Bad values are passed on for the engine to reject with a reason. */
    protected request(fields: Omit<OrderRequest, 'id'>, options?: OrderOptions): OrderRequest {
        const id = this.nextId++;
        const validSide = SIDES.has(fields.side);
        const expire = options?.expire;
        // Spelled out, not spread from `fields`: an object literal of one shape (a spread with overrides cost microseconds per order).
        const request: OrderRequest = {
            id, type: fields.type, qty: typeof fields.qty === 'number' ? fields.qty : NaN,
            // A side that is neither buy nor sell is sent as 0, which the engine rejects (BAD_SIDE).
            side: validSide ? fields.side : 'invalid' as OrderSide,
            limit: fields.limit, stop: fields.stop,
            tif: options?.tif ?? fields.tif, expire: typeof expire === 'number' && Number.isFinite(expire) ? BigInt(Math.round(expire)) : undefined,
            instrument: fields.instrument, trail: fields.trail, trailPercent: fields.trailPercent, parent: fields.parent,
            oco: options?.oco ?? fields.oco, position: options?.position
        };
        const tag = options?.tag === undefined ? '' : String(options.tag);
        this.tagById[id] = tag;
        this.working.add(id);
        this.numbers.push(id, this.clock(), validSide ? (fields.side === 'buy' ? 1 : -1) : 0, request.qty, request.limit ?? NaN, request.stop ?? NaN);
        this.types.push(fields.type);
        this.tifs.push(request.tif ?? 'GTC');
        this.tags.push(tag);
        return request;
    }

    protected queue(orders: OrderRequest[]): void {
        const last = this.pending[this.pending.length - 1];
        if (last?.kind === 'submit') {
            last.orders.push(...orders);
        } else {
            this.pending.push({ kind: 'submit', orders });
        }
    }

    /** Sends the queued commands to the engine, in call order; returns whether there were any. */
    flush(): boolean {
        if (this.pending.length === 0) {
            return false;
        }
        const commands = this.pending;
        this.pending = [];
        // Cancels in a row go as one batch (cancelAll of many orders: one native call per 1024, not per order).
        let cancels: number[] = [];
        for (let c = 0; c < commands.length; c++) {
            const command = commands[c];
            if (command.kind === 'cancel') {
                cancels.push(command.id);
                if (commands[c + 1]?.kind !== 'cancel') {
                    this.engine.cancelIds(cancels);
                    cancels = [];
                }
                continue;
            }
            switch (command.kind) {
                case 'submit':
                    this.engine.submit(command.orders);
                    break;
                case 'modify':
                    this.engine.modify(command.change);
                    break;
            }
        }
        return true;
    }

    get sent(): number {
        return this.nextId - 1;
    }

    journal(): OrderJournal {
        const [id, time, side, qty, limit, stop] = this.numbers.columns();
        return { id, time, side, qty, limit, stop, type: this.types, tif: this.tifs, tag: this.tags };
    }
}
