// *****************************************************************************
// `ctx.order` of a strategy run: numbers the strategy's orders, keeps them (with the
// strategy's tag) for the run's journal, and queues the commands until the hook returns,
// when they go to the engine as one batch in call order.
// *****************************************************************************

import { BracketIds, BracketPrices, OrderOptions, Orders, OrderSide } from '@backtestr/plugins-sdk';
import { ExecutionEngine, OrderModify, OrderRequest } from '../execution-engine';
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
        // Every order not known to be done: the engine answers ORDER_DONE for finished ones, which the journal keeps.
        for (const id of this.workingIds()) {
            this.cancel(id);
        }
    }

    /** Ids of orders sent and not yet seen filled, cancelled, expired or rejected. */
    protected workingIds(): number[] {
        const ids: number[] = [];
        for (let id = 1; id < this.nextId; id++) {
            if (!this.done.has(id)) {
                ids.push(id);
            }
        }
        return ids;
    }

    /** Orders the engine reported finished (fed by the session as events arrive). */
    readonly done = new Set<number>();

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

    /** Sends the queued commands to the engine, in call order. */
    flush(): void {
        if (this.pending.length === 0) {
            return;
        }
        const commands = this.pending;
        this.pending = [];
        for (const command of commands) {
            switch (command.kind) {
                case 'submit':
                    this.engine.submit(command.orders);
                    break;
                case 'cancel':
                    this.engine.cancel(command.id);
                    break;
                case 'modify':
                    this.engine.modify(command.change);
                    break;
            }
        }
    }

    get sent(): number {
        return this.nextId - 1;
    }

    journal(): OrderJournal {
        const [id, time, side, qty, limit, stop] = this.numbers.columns();
        return { id, time, side, qty, limit, stop, type: this.types, tif: this.tifs, tag: this.tags };
    }
}
