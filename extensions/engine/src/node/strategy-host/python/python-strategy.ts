// *****************************************************************************
// A Python strategy as a StrategyDefinition: the definition's hooks forward each event to
// the strategy's Python process (python-process.ts) and replay, on the real context, the
// orders, log lines and records the Python hook produced. State the strategy reads travels
// with the event where it can: the position always, and whatever it read at the previous
// event (partial bars, completed bars, the account) is sent along again, so a strategy that
// reads the same things at each wake-up costs one round trip per event; anything else
// (e.g. `bars(n)`) is asked for during the hook.
// *****************************************************************************

import * as path from 'path';
import { Bar, BarView, defineStrategy, OrderEvent, OrderOptions, OrderSide, ParamSpec, StrategyContext, StrategyDefinition } from '@backtestr/plugins-sdk';
import { StrategyRunError } from '../strategy-run-protocol';
import { pythonInterpreter, PythonProcess, PythonProcessError } from './python-process';

type Definition = StrategyDefinition<Record<string, ParamSpec>>;

export interface PythonStrategyOptions {
    /** The interpreter (preference `backtestr.python`); default BACKTESTR_PYTHON, else `python3`. */
    readonly python?: string;
    /** The run's memory budget (MiB): the Python process's address space is limited to it (RLIMIT_AS). */
    readonly memoryBudgetMiB?: number;
}

/** What the Python side reports for an exception. */
interface PythonError {
    readonly type: string;
    readonly message: string;
    readonly traceback: string;
    readonly file?: string | null;
    readonly line?: number | null;
    readonly hook: string;
}

interface Described {
    readonly id: string;
    readonly label?: string | null;
    readonly params: Record<string, ParamSpec>;
    readonly subscribe: { readonly barClose: string[]; readonly tick: boolean };
    readonly timeframes?: string[] | null;
    readonly hooks: string[];
}

const SETTING_HINT = "set the interpreter in the preference 'backtestr.python' (or the BACKTESTR_PYTHON environment variable)";
/** Read-again keys kept per run at most (a strategy reading bar(-k) for many k). */
const MAX_PREFETCH = 64;

const barArray = (b: Bar | BarView): number[] => [b.time, b.open, b.high, b.low, b.close, b.volume, b.ticks];
const num = (v: unknown): number => typeof v === 'number' ? v : NaN;
const optNum = (v: unknown): number | undefined => v === null || v === undefined ? undefined : num(v);

function options(raw: unknown): OrderOptions | undefined {
    if (raw === null || typeof raw !== 'object') {
        return undefined;
    }
    const o = raw as Record<string, unknown>;
    return {
        tif: o.tif as OrderOptions['tif'], expire: optNum(o.expire), tag: o.tag === undefined || o.tag === null ? undefined : String(o.tag),
        oco: optNum(o.oco), position: optNum(o.position)
    };
}

function where(error: PythonError): string {
    return error.file ? ` at ${error.file}:${error.line}` : '';
}

/** One run's Python process and the forwarding of events to it. */
class PythonBridge {
    /** Keys of state the strategy read at earlier events, sent along with each event. */
    protected readonly prefetch: string[] = [];
    protected readonly prefetchSet = new Set<string>();
    /** The order id the Python side expects the next order to get. */
    protected nextOrderId = 1;
    id = '';

    constructor(readonly proc: PythonProcess, readonly file: string, readonly memoryBudgetMiB?: number) { }

    /** Ends the Python process (it exits at the end of its input; killed if a hook is still running). */
    close(): void {
        this.proc.close();
    }

    call(ctx: StrategyContext, event: Record<string, unknown>): void {
        const pos = ctx.position;
        event.t = ctx.time;
        event.pos = [pos.qty, pos.avgPrice, pos.unrealised];
        const pre: Record<string, unknown> = {};
        for (const key of this.prefetch) {
            pre[key] = this.answer(ctx, key);
        }
        event.pre = pre;
        try {
            this.proc.send(event);
            for (;;) {
                const frame = this.proc.receive() as [number, unknown, unknown?];
                if (frame[0] === 0) {
                    this.apply(ctx, frame[1] as unknown[][]);
                    return;
                } else if (frame[0] === 1) {
                    this.proc.send(this.query(ctx, frame[1] as string));
                } else if (frame[0] === 2) {
                    throw this.raised(ctx, frame[1] as PythonError);
                } else {
                    throw new PythonProcessError(`unexpected frame ${JSON.stringify(frame).slice(0, 80)}`, this.proc.stderrTail());
                }
            }
        } catch (error) {
            // The run ends here: the process goes now, not when the worker does.
            this.close();
            if (error instanceof PythonProcessError) {
                throw new StrategyRunError('strategy', `Python strategy '${this.id}' (${path.basename(this.file)}) failed: ${error.message}` +
                    (error.detail ? `:\n${error.detail}` : '.'), error.detail || undefined);
            }
            throw error;
        }
    }

    protected raised(ctx: StrategyContext, error: PythonError): StrategyRunError {
        const when = ctx.time > 0 ? ` (strategy time ${new Date(ctx.time / 1000).toISOString()})` : '';
        if (error.type === 'MemoryError' && this.memoryBudgetMiB !== undefined) {
            return new StrategyRunError('memory', `Strategy '${this.id}' was stopped in ${error.hook || 'a hook'}${where(error)}${when}: its Python process ` +
                `reached the run's memory budget of ${this.memoryBudgetMiB} MiB. ` +
                'Keep less data in the strategy, or raise the budget (preference backtestr.run.memoryBudget, CLI --memory-budget).', error.traceback);
        }
        return new StrategyRunError('strategy', `Strategy '${this.id}' raised in ${error.hook || 'a hook'}${where(error)}${when}: ${error.type}: ${error.message}`,
            error.traceback);
    }

    /** The answer to a state query; remembered for the next events unless it is a history read. */
    protected query(ctx: StrategyContext, key: string): { a: unknown } | { x: string } {
        try {
            const a = this.answer(ctx, key);
            if (!key.startsWith('n:') && !this.prefetchSet.has(key) && this.prefetch.length < MAX_PREFETCH) {
                this.prefetch.push(key);
                this.prefetchSet.add(key);
            }
            return { a };
        } catch (error) {
            return { x: (error as Error).message };
        }
    }

    /** Keys: `a` account, `p:TF` partial bar, `b:TF:K` bar(-K), `c:TF` completed count, `n:TF:N` the last N bars (float64 rows of 7). */
    protected answer(ctx: StrategyContext, key: string): unknown {
        if (key === 'a') {
            const a = ctx.account;
            return [a.cash, a.equity, a.realised, a.unrealised, a.commission, a.openOrders, a.usedMargin];
        }
        const parts = key.split(':');
        const series = ctx.mtf(parts[1]);
        switch (parts[0]) {
            case 'p': {
                const p = series.partial;
                return p ? barArray(p) : null;
            }
            case 'b': {
                const b = series.bar(-Number(parts[2]));
                return b ? barArray(b) : null;
            }
            case 'c':
                return series.completedCount;
            case 'n': {
                const bars = series.bars(Number(parts[2]));
                const rows = new Float64Array(bars.length * 7);
                bars.forEach((b, i) => rows.set(barArray(b), i * 7));
                return new Uint8Array(rows.buffer);
            }
        }
        throw new Error(`unknown state query '${key}'`);
    }

    /** Replays the hook's orders, logs and records on the real context, in call order. */
    protected apply(ctx: StrategyContext, ops: unknown[][]): void {
        const order = ctx.order;
        for (const op of ops) {
            const side = op[1] as OrderSide;
            switch (op[0]) {
                case 'log':
                    ctx.log(String(op[1]));
                    break;
                case 'rec':
                    ctx.record(String(op[1]), num(op[2]));
                    break;
                case 'm':
                    this.numbered(order.market(side, num(op[2]), options(op[3])), 1);
                    break;
                case 'l':
                    this.numbered(order.limit(side, num(op[2]), num(op[3]), options(op[4])), 1);
                    break;
                case 's':
                    this.numbered(order.stop(side, num(op[2]), num(op[3]), options(op[4])), 1);
                    break;
                case 'sl':
                    this.numbered(order.stopLimit(side, num(op[2]), num(op[3]), num(op[4]), options(op[5])), 1);
                    break;
                case 'mit':
                    this.numbered(order.mit(side, num(op[2]), num(op[3]), options(op[4])), 1);
                    break;
                case 'ts':
                    this.numbered(order.trailingStop(side, num(op[2]), { distance: optNum(op[3]), percent: optNum(op[4]) }, options(op[5])), 1);
                    break;
                case 'br': {
                    const p = (op[3] ?? {}) as Record<string, unknown>;
                    const ids = order.bracket(side, num(op[2]), {
                        entry: optNum(p.entry), takeProfit: optNum(p.takeProfit), stopLoss: optNum(p.stopLoss), trail: optNum(p.trail)
                    }, options(op[4]));
                    this.numbered(ids.entry, 1 + (ids.takeProfit === undefined ? 0 : 1) + (ids.stopLoss === undefined ? 0 : 1));
                    break;
                }
                case 'cl': {
                    const id = order.close(options(op[1]));
                    if (id === undefined) {
                        throw new PythonProcessError('ctx.order.close() found no position to close where the Python side saw one', '');
                    }
                    this.numbered(id, 1);
                    break;
                }
                case 'x':
                    order.cancel(num(op[1]));
                    break;
                case 'mod': {
                    const c = (op[2] ?? {}) as Record<string, unknown>;
                    order.modify(num(op[1]), { qty: optNum(c.qty), limit: optNum(c.limit), stop: optNum(c.stop), trail: optNum(c.trail) });
                    break;
                }
                case 'xa':
                    order.cancelAll();
                    break;
                default:
                    throw new PythonProcessError(`unknown operation ${JSON.stringify(op[0])}`, '');
            }
        }
    }

    /** Checks that the engine numbered the order as the Python side did (it returned the id already). */
    protected numbered(id: number, count: number): void {
        if (id !== this.nextOrderId) {
            throw new PythonProcessError(`order id ${id} differs from the ${this.nextOrderId} the Python side returned`, '');
        }
        this.nextOrderId += count;
    }
}

/**
 * Starts the strategy's Python process, reads its declaration and returns a definition whose
 * hooks forward to it. Throws StrategyRunError: 'load' (no interpreter, the module raised),
 * 'invalid' (a bad declaration).
 */
export function loadPythonStrategy(file: string, opts: PythonStrategyOptions = {}): Definition {
    const interpreter = pythonInterpreter(opts.python);
    const name = path.basename(file);
    let proc: PythonProcess;
    try {
        proc = new PythonProcess(interpreter, 'backtestr._host', [file], opts.memoryBudgetMiB);
    } catch (error) {
        throw new StrategyRunError('load', `Cannot run the Python strategy ${name}: the Python interpreter '${interpreter}' was not found. ` +
            `Install Python 3 (and python3-msgpack) or ${SETTING_HINT}.`);
    }
    let hello: [number, unknown, unknown?, unknown?];
    try {
        hello = proc.receive() as [number, unknown, unknown?, unknown?];
    } catch (error) {
        const detail = error instanceof PythonProcessError ? error.detail : String(error);
        proc.close();
        throw new StrategyRunError('load', `Cannot run the Python strategy ${name} with '${interpreter}': ${(error as Error).message}` +
            `${detail ? `:\n${detail}` : '.'}\nIt needs Python 3.8 or later; ${SETTING_HINT}.`, detail || undefined);
    }
    if (hello[0] === 2) {
        const e = hello[1] as PythonError;
        proc.close();
        throw new StrategyRunError('load', `${name} raised while loading${where(e)}: ${e.type}: ${e.message}`, e.traceback);
    }
    if (hello[0] !== 3) {
        proc.close();
        throw new StrategyRunError('load', `Cannot run the Python strategy ${name}: the Python side answered ${JSON.stringify(hello).slice(0, 80)}.`);
    }
    const d = hello[1] as Described;
    // What the platform could not take away from the child (no Landlock, no seccomp here): said in the run's log.
    const unconfined = Array.isArray(hello[3]) ? (hello[3] as unknown[]).map(String) : [];
    const bridge = new PythonBridge(proc, file, opts.memoryBudgetMiB);
    bridge.id = d.id;
    const has = new Set(d.hooks);
    const hooks: Partial<Definition> = {
        onStart(ctx: StrategyContext): void {
            for (const note of unconfined) {
                ctx.log(`Python sandbox: ${note}`);
            }
            const i = ctx.instrument;
            bridge.call(ctx, { e: 'start', params: ctx.params, inst: [i.symbol, i.tickSize, i.lotSize, i.multiplier] });
        },
        onStop(ctx: StrategyContext): void {
            try {
                bridge.call(ctx, { e: 'stop' });
            } finally {
                bridge.close();
            }
        }
    };
    const eventArray = (ev: OrderEvent): unknown[] => [ev.time, ev.order, ev.kind, ev.reason, ev.price, ev.qty, ev.commission, ev.reference, ev.position, ev.tag];
    if (has.has('on_bar_close')) {
        Object.assign(hooks, { onBarClose: (ctx: StrategyContext, bar: Bar, tf: string) => bridge.call(ctx, { e: 'bar', tf, bar: barArray(bar) }) });
    }
    if (has.has('on_tick')) {
        Object.assign(hooks, { onTick: (ctx: StrategyContext) => bridge.call(ctx, { e: 'tick' }) });
    }
    if (has.has('on_fill')) {
        Object.assign(hooks, { onFill: (ctx: StrategyContext, ev: OrderEvent) => bridge.call(ctx, { e: 'fill', ev: eventArray(ev) }) });
    }
    if (has.has('on_order_event')) {
        Object.assign(hooks, { onOrderEvent: (ctx: StrategyContext, ev: OrderEvent) => bridge.call(ctx, { e: 'order', ev: eventArray(ev) }) });
    }
    try {
        return defineStrategy({
            ...hooks, id: d.id, label: d.label ?? undefined, params: d.params, subscribe: { barClose: d.subscribe.barClose, tick: d.subscribe.tick },
            timeframes: d.timeframes ?? undefined
        });
    } catch (error) {
        proc.close();
        throw new StrategyRunError('invalid', `${name}: ${(error as Error).message}`);
    }
}
