// *****************************************************************************
// One strategy run in the current thread: the strategy's engine, its context, the event
// loop over batches and the hooks. The worker wraps it; tests may use it directly.
// *****************************************************************************

import {
    Account, Bar, CORE_INDICATORS, IndicatorDefinition, IndicatorState, InstrumentInfo, MtfSeries, OrderEvent, OrderEventKind, Orders, ParamSpec, ParamValues,
    Position, StrategyContext, StrategyDefinition, TickBatch
} from '@backtestr/plugins-sdk';
import { MtfState, ParamInput, resolveParams, strategyTimeframes } from '@backtestr/plugins-sdk/host';
import { EXEC_LAYOUT, ExecutionEngine, MTF_LAYOUT } from '@backtestr/engine-core';
import { eventColumns, executionOutput, tradeColumns } from './execution-output';
import { OrderDesk } from './order-desk';
import { GrowingColumns, LITTLE_ENDIAN, RunRecorder } from './run-recorder';
import { LIVE_BARS_CAP, LiveBarColumns, LiveFillColumns, RunLiveBars } from '../../common/run-live-feed';
import { ExecutionOutput, HOOKS, ProgressDelta, RunInstrument, StrategyEngineOptions, StrategyInfo, StrategyRunError, StrategyRunResult } from './strategy-run-protocol';
import { LoadedStrategy } from './strategy-loader';
import { grantedPermissions, loadSandboxedPlugin } from './strategy-sandbox';

type Definition = StrategyDefinition<Record<string, ParamSpec>>;

const L = MTF_LAYOUT;
// Plain constants: the native layout object is read once, not per wake-up.
const EV_BAR_CLOSE = L.EV_BAR_CLOSE;
const EV_TICK = L.EV_TICK;
const EV_ORDER = L.EV_ORDER;

type AnyIndicator = IndicatorDefinition<Record<string, unknown>, unknown>;
const X = EXEC_LAYOUT;
const H_EVENT = L.H_EVENT;
const H_CLOSED_MASK = L.H_CLOSED_MASK;
const H_STOPS = L.H_STOPS;
const H_ACCOUNT_STOP = L.H_ACCOUNT_STOP;
const R_CLOSE = L.R_CLOSE;
const R_END = L.R_END;
// Account slots as plain constants too: the native layout objects are dictionaries, slow to read per wake-up.
const A_POSITION = X.A_POSITION;
const A_AVG_PRICE = X.A_AVG_PRICE;
const A_UNREALISED = X.A_UNREALISED;
const A_CASH = X.A_CASH;
const A_EQUITY = X.A_EQUITY;
const A_REALISED = X.A_REALISED;
const A_COMMISSION = X.A_COMMISSION;
const A_OPEN_ORDERS = X.A_OPEN_ORDERS;
const A_USED_MARGIN = X.A_USED_MARGIN;
const HOOK_START = HOOKS.indexOf('onStart');
const HOOK_BAR = HOOKS.indexOf('onBarClose');
const HOOK_TICK = HOOKS.indexOf('onTick');
const HOOK_STOP = HOOKS.indexOf('onStop');
const HOOK_FILL = HOOKS.indexOf('onFill');
const HOOK_ORDER_EVENT = HOOKS.indexOf('onOrderEvent');

/** Kind code of a fill in the engine's event records. */
const FILLED_KIND = EXEC_LAYOUT.KIND_FILLED;

function barColumns(n: number): LiveBarColumns {
    return { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
}

function fillColumns(n: number): LiveFillColumns {
    return { time: new Float64Array(n), seq: new Float64Array(n), order: new Float64Array(n), price: new Float64Array(n), qty: new Float64Array(n), position: new Float64Array(n) };
}

function liveBuffers(live: RunLiveBars): ArrayBuffer[] {
    const columns = [...live.completed, live.partial, live.fills].flatMap(c => Object.values(c) as Float64Array[]);
    return [...columns, live.completedCount].map(c => c.buffer as ArrayBuffer);
}

function instrumentInfo(spec: RunInstrument): InstrumentInfo {
    const { tickSize } = spec;
    // Rounded through the decimal digits of the tick size, so 1.1 + 0.00001 grids print as the vendor writes them.
    const digits = Math.max(0, Math.min(12, Math.ceil(-Math.log10(tickSize) + 1e-9)));
    return Object.freeze({
        ...spec,
        roundToTick: (price: number) => Number((Math.round(price / tickSize) * tickSize).toFixed(digits))
    });
}

/** The host's side of a strategy's context: holds the engine and its state memory, never handed to the strategy (see StrategyContextFacade). */
class StrategyContextImpl implements StrategyContext {
    /** The last timeframe asked for and its series: strategies ask for the same one in a row. */
    protected lastTimeframe = '';
    protected lastSeries: MtfSeries | undefined;

    /** The account as of the last native read, and the engine stop it was read at. */
    protected accountReadAt = -1;
    protected readonly accountBuf = new Float64Array(X.ACCOUNT_SLOTS);
    /** The account block of the state memory: current at bar-close stops and after order commands (no native call). */
    protected readonly accountBlock: Float64Array;
    protected readonly f64: Float64Array;

    protected pluginIndicators: Map<string, { definition: AnyIndicator }> | undefined;

    /**
     * At a bar-close stop, the time the strategy is told (the latest period end of the bars closed): the engine clock is
     * then the closing tick's time, a tick not applied yet, which a live trader could not know. NaN at other stops.
     */
    closeTime = NaN;
    protected pluginProblems: string[] = [];

    constructor(readonly params: ParamValues<Record<string, ParamSpec>>, protected readonly state: MtfState, protected readonly recorder: RunRecorder,
        readonly order: OrderDesk, protected readonly engine: ExecutionEngine, readonly instrument: InstrumentInfo,
        protected readonly plugins?: { readonly loader: string; readonly dir: string }) {
        this.f64 = state.f64;
        this.accountBlock = engine.accountBlock();
    }

    indicator<Value = unknown>(id: string, options: Readonly<Record<string, unknown>> = {}): IndicatorState<Value> {
        let definition: AnyIndicator | undefined = (CORE_INDICATORS as readonly AnyIndicator[]).find(d => d.id === id);
        if (!definition && this.plugins) {
            if (!this.pluginIndicators) {
                // Loaded once, in this (the run's worker) thread: a faulty plugin fails the run, never the workbench.
                // Each plugin in a sandbox compartment of its own (strategy-sandbox.ts), as the strategy.
                const loader = require(this.plugins.loader) as { loadEnabledIndicators(dir: string, load: typeof loadSandboxedPlugin): {
                    indicators: Map<string, { definition: AnyIndicator }>; problems: readonly { pluginId: string; message: string }[] } };
                const enabled = loader.loadEnabledIndicators(this.plugins.dir, loadSandboxedPlugin);
                this.pluginIndicators = enabled.indicators;
                this.pluginProblems = enabled.problems.map(p => `plugin ${p.pluginId} was not loaded: ${p.message}`);
            }
            definition = this.pluginIndicators.get(id)?.definition;
        }
        if (!definition) {
            const known = [...CORE_INDICATORS.map(d => d.id), ...this.pluginIndicators?.keys() ?? []];
            throw new Error(`ctx.indicator('${id}'): no such indicator; known: ${known.join(', ')}${this.plugins ? '' : ' (plugins are not loaded in this run)'}.` +
                this.pluginProblems.map(p => ` ${p}`).join(''));
        }
        return definition.create({ ...definition.defaultOptions, ...options }) as IndicatorState<Value>;
    }

    /** The engine's account slots: the state memory's account block when it is current, else read natively at most once per engine stop. */
    accountSlots(): Float64Array {
        const f = this.f64;
        const stop = f[H_STOPS];
        if (f[H_ACCOUNT_STOP] === stop) {
            return this.accountBlock;
        }
        if (stop !== this.accountReadAt) {
            this.engine.readAccountInto(this.accountBuf);
            this.accountReadAt = stop;
        }
        return this.accountBuf;
    }

    /** Forgets the account read (after events, which may come without a tick). */
    invalidate(): void {
        this.accountReadAt = -1;
    }

    get position(): Position {
        const a = this.accountSlots();
        return { qty: a[A_POSITION], avgPrice: a[A_AVG_PRICE], unrealised: a[A_UNREALISED] };
    }

    get account(): Account {
        const a = this.accountSlots();
        return {
            cash: a[A_CASH], equity: a[A_EQUITY], realised: a[A_REALISED], unrealised: a[A_UNREALISED], commission: a[A_COMMISSION],
            openOrders: a[A_OPEN_ORDERS], usedMargin: a[A_USED_MARGIN]
        };
    }

    get time(): number {
        const t = this.closeTime;
        return t === t ? t : this.state.clock;
    }

    mtf(timeframe: string): MtfSeries {
        if (timeframe === this.lastTimeframe) {
            return this.lastSeries!;
        }
        const series = this.state.get(timeframe);
        this.lastTimeframe = timeframe;
        this.lastSeries = series;
        return series;
    }

    log(message: string): void {
        this.recorder.log(this.time, String(message));
    }

    record(name: string, value: number): void {
        this.recorder.record(name, this.time, value);
    }
}

/**
 * What a strategy's hooks get as `ctx`: exactly the members of StrategyContext over a `#private` host context, frozen,
 * its prototype frozen and without `constructor` (so `ctx.constructor` is Object). No property, getter result or
 * prototype leads to the engine, its state memory (whose header holds the batch position, i.e. the index of the next
 * tick), the recorder or the session. A class, not a frozen object literal: a literal with getters is a dictionary-mode
 * object in V8, and every `ctx.mtf` would be a hash lookup (2-3x the ~9 ns of a partial-bar read).
 */
class StrategyContextFacade implements StrategyContext {
    readonly #impl: StrategyContextImpl;
    readonly params: ParamValues<Record<string, ParamSpec>>;
    readonly order: Orders;
    readonly instrument: InstrumentInfo;

    constructor(impl: StrategyContextImpl) {
        this.#impl = impl;
        this.params = impl.params;
        this.instrument = impl.instrument;
        const desk = impl.order;
        this.order = Object.freeze({
            market: (side, qty, options) => desk.market(side, qty, options),
            limit: (side, qty, price, options) => desk.limit(side, qty, price, options),
            stop: (side, qty, stopPrice, options) => desk.stop(side, qty, stopPrice, options),
            stopLimit: (side, qty, stopPrice, limitPrice, options) => desk.stopLimit(side, qty, stopPrice, limitPrice, options),
            mit: (side, qty, triggerPrice, options) => desk.mit(side, qty, triggerPrice, options),
            trailingStop: (side, qty, trail, options) => desk.trailingStop(side, qty, trail, options),
            bracket: (side, qty, prices, options) => desk.bracket(side, qty, prices, options),
            cancel: id => desk.cancel(id),
            modify: (id, changes) => desk.modify(id, changes),
            close: options => desk.close(options),
            cancelAll: () => desk.cancelAll()
        } satisfies Orders);
        Object.freeze(this);
    }

    get time(): number { return this.#impl.time; }
    get position(): Position { return this.#impl.position; }
    get account(): Account { return this.#impl.account; }
    mtf(timeframe: string): MtfSeries { return this.#impl.mtf(timeframe); }
    log(message: string): void { this.#impl.log(message); }
    record(name: string, value: number): void { this.#impl.record(name, value); }
    indicator<Value = unknown>(id: string, options?: Readonly<Record<string, unknown>>): IndicatorState<Value> { return this.#impl.indicator<Value>(id, options); }
}
delete (StrategyContextFacade.prototype as { constructor?: unknown }).constructor;
Object.freeze(StrategyContextFacade.prototype);

/** Where a session reports the running hook: [0] hook index, Float64 [1] the clock when it started. */
export interface HookStatus {
    readonly hook: Int32Array;
    /** The engine clock at hook entry as the two 32-bit words of its int64 (low first). */
    readonly clock: Int32Array;
}

export class StrategySession {
    readonly engine: ExecutionEngine;
    readonly state: MtfState;
    readonly info: StrategyInfo;
    protected readonly definition: Definition;
    protected readonly ctx: StrategyContextImpl;
    /** What the hooks get (StrategyContextFacade). */
    protected readonly facade: StrategyContext;
    protected readonly recorder = new RunRecorder();
    /** Subscribed bar-close timeframes: state index and 2^index, shortest first. */
    protected readonly closeIndex: number[];
    protected readonly closePow: number[];
    protected readonly closeCounts: number[];
    protected ticks = 0;
    protected batches = 0;
    protected tickWakeups = 0;
    protected firstTime: number | undefined;
    protected busyMs = 0;
    protected readonly clockWords: Int32Array;
    protected readonly orders: OrderDesk;
    /** Equity (time, equity, position) at every close of the shortest timeframe. */
    protected readonly equity = new GrowingColumns(4);
    protected readonly sampleTimeframe = 0;
    /** Events delivered to the strategy so far. */
    protected eventsSeen = 0;
    protected readonly wantsEvents: boolean;
    protected readonly subscribedSample: boolean;
    /** Equity samples and closed trades already reported in progress messages. */
    protected equitySent = 0;
    protected tradesSent = 0;
    /** Per timeframe, completed bars already reported; order events already scanned for fills. */
    protected barsSent: number[] = [];
    protected eventsSent = 0;
    /** The status words as DataViews (see enter()). */
    protected readonly hookWord: DataView;
    protected readonly clockWords2: DataView;

    constructor(loaded: LoadedStrategy, params: ParamInput, options: StrategyEngineOptions = {},
        protected readonly status: HookStatus = { hook: new Int32Array(1), clock: new Int32Array(2) }) {
        this.definition = loaded.definition;
        this.hookWord = new DataView(status.hook.buffer, status.hook.byteOffset, 4);
        this.clockWords2 = new DataView(status.clock.buffer, status.clock.byteOffset, 8);
        let values: ParamValues<Record<string, ParamSpec>>;
        try {
            values = resolveParams(this.definition, params);
        } catch (error) {
            throw new StrategyRunError('params', (error as Error).message);
        }
        const instrument = options.instrument ?? { symbol: '?', tickSize: 0.01, lotSize: 1, multiplier: 1 };
        this.wantsEvents = this.definition.onFill !== undefined || this.definition.onOrderEvent !== undefined;
        try {
            this.engine = new ExecutionEngine(
                { timeframes: strategyTimeframes(this.definition), priceSource: options.priceSource, session: options.session, depth: options.depth },
                { ...options.execution, tickSize: instrument.tickSize, lotSize: instrument.lotSize, multiplier: instrument.multiplier, wake: this.wantsEvents });
        } catch (error) {
            throw new StrategyRunError('invalid', `Strategy '${this.definition.id}': ${(error as Error).message}`);
        }
        const barClose = (this.definition.subscribe.barClose ?? []).map(tf => this.engine.timeframes[this.engine.indexOf(tf)]);
        const tick = this.definition.subscribe.tick === true;
        // The shortest timeframe's closes also sample the equity curve.
        const sampleTf = this.engine.timeframes[this.sampleTimeframe];
        this.subscribedSample = barClose.includes(sampleTf);
        this.engine.subscribe({ barClose: this.subscribedSample ? barClose : [...barClose, sampleTf], everyTick: tick });
        this.state = this.engine.state;
        this.clockWords = this.engine.clockWords();
        this.orders = new OrderDesk(this.engine, () => this.state.clock, () => this.ctx.position.qty);
        this.ctx = new StrategyContextImpl(values, this.state, this.recorder, this.orders, this.engine, instrumentInfo(instrument), options.plugins);
        this.facade = new StrategyContextFacade(this.ctx);
        this.closeIndex = barClose.map(tf => this.engine.indexOf(tf)).sort((a, b) => a - b);
        this.closePow = this.closeIndex.map(i => 2 ** i);
        this.closeCounts = this.closeIndex.map(() => 0);
        this.info = {
            id: this.definition.id, label: this.definition.label, file: loaded.file, sourceHash: loaded.sourceHash, params: values,
            paramSpecs: JSON.parse(JSON.stringify(this.definition.params)) as Record<string, ParamSpec>,
            timeframes: this.engine.timeframes, subscribe: { barClose: this.closeIndex.map(i => this.engine.timeframes[i]), tick },
            permissions: grantedPermissions(this.definition.permissions)
        };
    }

    start(): void {
        if (this.definition.onStart) {
            this.enter(HOOK_START);
            this.definition.onStart(this.facade);
            this.hookWord.setInt32(0, 0, LITTLE_ENDIAN);
            this.flushOrders();
        }
    }

    /** Runs the engine over one batch, waking the strategy at each subscribed event. */
    processBatch(batch: TickBatch): void {
        const t0 = performance.now();
        const n = batch.time.length;
        if (n === 0) {
            return;
        }
        try {
            this.engine.setBatch(batch);
        } catch (error) {
            throw new StrategyRunError('data', `Batch ${this.batches + 1} refused by the engine: ${(error as Error).message}`);
        }
        if (this.firstTime === undefined) {
            this.firstTime = Number(batch.time[0]);
        }
        const f = this.engine.f64;
        const eventSlot = H_EVENT;
        let i = 0;
        do {
            i = this.engine.run(i);
            const flags = f[eventSlot];
            if (flags !== 0) {
                this.dispatch(flags);
            }
        } while (i < n);
        this.ticks += n;
        this.batches++;
        this.busyMs += performance.now() - t0;
    }

    protected dispatch(flags: number): void {
        const def = this.definition;
        if (flags & EV_BAR_CLOSE) {
            // Set before the events of this stop too: the clock is already the unapplied closing tick's time.
            this.ctx.closeTime = this.closeTime(this.engine.f64[H_CLOSED_MASK]);
        }
        if (flags & EV_ORDER) {
            this.deliverEvents();
        }
        if (flags & EV_BAR_CLOSE) {
            const mask = this.engine.f64[H_CLOSED_MASK];
            if (mask % 2 === 1) {
                // The closing tick is not applied yet: this is the equity at the bar's last tick.
                const a = this.ctx.accountSlots();
                const o = this.state.completedOffset(this.sampleTimeframe, 0);
                this.equity.push(this.state.barTime(o), a[A_EQUITY], a[A_POSITION], this.state.f64[o + R_CLOSE]);
            }
            if (!def.onBarClose) {
                this.ctx.closeTime = NaN;
                return;
            }
            for (let k = 0; k < this.closeIndex.length; k++) {
                if (Math.floor(mask / this.closePow[k]) % 2 === 1) {
                    const tf = this.closeIndex[k];
                    const bar: Bar = this.state.barAt(this.state.completedOffset(tf, 0));
                    this.closeCounts[k]++;
                    this.enter(HOOK_BAR);
                    def.onBarClose(this.facade, bar, this.engine.timeframes[tf]);
                }
            }
            this.hookWord.setInt32(0, 0, LITTLE_ENDIAN);
            this.flushOrders();
            this.ctx.closeTime = NaN;
        }
        if (flags & EV_TICK) {
            this.tickWakeups++;
            if (def.onTick) {
                this.enter(HOOK_TICK);
                def.onTick(this.facade);
                this.hookWord.setInt32(0, 0, LITTLE_ENDIAN);
                this.flushOrders();
            }
        }
    }

    /**
     * The time a bar-close stop is told as `ctx.time`: the latest period end of the bars closed at it (every timeframe
     * of `mask`, subscribed or not: all are visible in ctx.mtf). The clock has reached it (the closing tick is at or after
     * it) and nothing later is known; the period end is what a live trader's clock shows when the bar closes.
     */
    protected closeTime(mask: number): number {
        const state = this.state;
        let t = -Infinity;
        for (let tf = 0; mask > 0; tf++, mask = Math.floor(mask / 2)) {
            if (mask % 2 === 1) {
                const end = state.int(state.completedOffset(tf, 0) + R_END);
                if (end > t) {
                    t = end;
                }
            }
        }
        return t === -Infinity ? state.clock : t;
    }

    /**
     * Sends the orders a hook placed; the events they cause at once (accepted, rejected, cancelled, modified: stamped
     * with the engine clock, the hook's `ctx.time`) reach onOrderEvent now, not with the next fill.
     */
    protected flushOrders(): void {
        if (this.orders.flush() && this.wantsEvents) {
            this.deliverEvents();
        }
    }

    /**
     * Hands the order events since the last delivery to onOrderEvent / onFill, in the order they happened, until none
     * is left: the events caused by the orders a reaction places go out in the same stop (they happened at its time).
     */
    protected deliverEvents(): void {
        const def = this.definition;
        this.ctx.invalidate();
        // At a bar-close stop the engine stamps the events of orders placed there with its clock (the unapplied closing
        // tick's time): the strategy sees them at ctx.time instead (NaN cap elsewhere: no change).
        const cap = this.ctx.closeTime;
        for (;;) {
            const events = eventColumns(this.engine, this.eventsSeen);
            const n = events.time.length;
            if (n === 0) {
                return;
            }
            this.eventsSeen += n;
            for (let i = 0; i < n; i++) {
                const kind = events.kind[i] as OrderEventKind;
                const order = events.order[i];
                const event: OrderEvent = Object.freeze({
                    time: events.time[i] > cap ? cap : events.time[i], order, kind, reason: events.reason[i], price: events.price[i], qty: events.qty[i],
                    commission: events.commission[i], reference: events.reference[i], position: events.position[i], tag: this.orders.tagOf(order)
                });
                if (def.onOrderEvent) {
                    this.enter(HOOK_ORDER_EVENT);
                    def.onOrderEvent(this.facade, event);
                }
                if (def.onFill && (kind === 'filled' || kind === 'partlyFilled')) {
                    this.enter(HOOK_FILL);
                    def.onFill(this.facade, event);
                }
                this.hookWord.setInt32(0, 0, LITTLE_ENDIAN);
                this.orders.flush();
            }
            this.ctx.invalidate();
        }
    }

    protected enter(hook: number): void {
        // Through DataViews, not typed-array stores: in the locked-down worker (SES freezes %TypedArray%.prototype)
        // V8 20's typed-array element stores are ~30x slower, a DataView's are not. The clock's int64 bits, as two words.
        this.hookWord.setInt32(0, hook, LITTLE_ENDIAN);
        this.clockWords2.setUint32(0, this.clockWords[0], LITTLE_ENDIAN);
        this.clockWords2.setUint32(4, this.clockWords[1], LITTLE_ENDIAN);
    }

    /** Calls onStop and returns the run's result (without the caller's wall time). */
    stop(): { result: Omit<StrategyRunResult, 'elapsedMs' | 'ticksPerSecond'>; transfer: ArrayBuffer[] } {
        if (this.definition.onStop) {
            this.enter(HOOK_STOP);
            this.definition.onStop(this.facade);
            this.hookWord.setInt32(0, 0, LITTLE_ENDIAN);
            // Orders placed in onStop are recorded (and rejected or left working): no tick remains to fill them.
            this.orders.flush();
        }
        this.ctx.invalidate();
        if (this.ticks > 0) {
            const a = this.ctx.accountSlots();
            this.equity.push(this.state.clock, a[X.A_EQUITY], a[X.A_POSITION], this.state.f64[L.H_LAST_PRICE]);
        }
        const execution: ExecutionOutput = executionOutput(this.engine, this.orders.journal(), this.equity.columns());
        const { series, logs, transfer } = this.recorder.finish();
        const byTf: Record<string, number> = {};
        this.closeIndex.forEach((tf, k) => byTf[this.engine.timeframes[tf]] = this.closeCounts[k]);
        return {
            result: {
                strategy: this.info, ticks: this.ticks, batches: this.batches,
                barCloses: this.closeCounts.reduce((a, b) => a + b, 0), barClosesByTimeframe: byTf, tickWakeups: this.tickWakeups,
                firstTime: this.firstTime, lastTime: this.ticks > 0 ? this.state.clock : undefined,
                series, logs, execution, workerMs: this.busyMs
            },
            transfer
        };
    }

    /** The equity samples and closed trades since the previous call (for live statistics), with the buffers to transfer. */
    progressDelta(): { delta: ProgressDelta; transfer: ArrayBuffer[] } {
        const [time, equity, position, price] = this.equity.columns(this.equitySent);
        this.equitySent = this.equity.length;
        const closed = this.ctx.accountSlots()[X.A_TRADES];
        const trades = closed > this.tradesSent ? tradeColumns(this.engine, this.tradesSent) : undefined;
        this.tradesSent = closed;
        const live = this.liveBars();
        const transfer = [time.buffer, equity.buffer, position.buffer, price.buffer, ...trades ? Object.values(trades).map(c => (c as Float64Array).buffer) : [],
            ...liveBuffers(live)];
        return { delta: { equity: { time, equity, position, price }, trades, live }, transfer: transfer as ArrayBuffer[] };
    }

    /**
     * The bars completed since the previous report (the newest LIVE_BARS_CAP per timeframe), the forming
     * bars and the new fills, copied from the engine's state memory: O(new bars + new events).
     */
    protected liveBars(): RunLiveBars {
        const e = this.engine;
        const n = e.timeframes.length;
        const depth = e.depth;
        const completed: LiveBarColumns[] = [];
        const completedCount = new Float64Array(n);
        const partial = barColumns(n);
        for (let tf = 0; tf < n; tf++) {
            const count = e.completedCount(tf);
            completedCount[tf] = count;
            const fresh = Math.min(count - (this.barsSent[tf] ?? 0), depth, LIVE_BARS_CAP);
            this.barsSent[tf] = count;
            const bars = barColumns(fresh);
            for (let r = 0; r < fresh; r++) {
                e.copyBar(e.completedOffset(tf, fresh - 1 - r), bars, r);
            }
            completed.push(bars);
            const o = e.partialOffset(tf);
            if (o < 0) {
                partial.time[tf] = NaN;
            } else {
                e.copyBar(o, partial, tf);
            }
        }
        const events = this.ctx.accountSlots()[X.A_EVENTS];
        let fills: LiveFillColumns = fillColumns(0);
        if (events > this.eventsSent) {
            const records = e.eventRecords(this.eventsSent);
            const times = new BigInt64Array(records.buffer);
            const rows: number[] = [];
            for (let b = 0; b < records.length; b += X.EVENT_SLOTS) {
                if (records[b + X.E_KIND] === FILLED_KIND) {
                    rows.push(b);
                }
            }
            fills = fillColumns(rows.length);
            rows.forEach((b, r) => {
                fills.time[r] = Number(times[b + X.E_TIME]);
                fills.seq[r] = records[b + X.E_SEQ];
                fills.order[r] = records[b + X.E_ORDER];
                fills.price[r] = records[b + X.E_PRICE];
                fills.qty[r] = records[b + X.E_QTY];
                fills.position[r] = records[b + X.E_POSITION];
            });
            this.eventsSent = events;
        }
        return { timeframes: e.timeframes, completed, completedCount, partial, fills };
    }

    get batchesProcessed(): number {
        return this.batches;
    }

    /** The hook running now ('' when none): what a stuck strategy was doing. */
    static hookName(index: number): string {
        return HOOKS[index] ?? '';
    }
}
