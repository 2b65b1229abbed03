// *****************************************************************************
// One strategy run in the current thread: the strategy's engine, its context, the event
// loop over batches and the hooks. The worker wraps it; tests may use it directly.
// *****************************************************************************

import { Bar, MtfSeries, MtfState, ParamInput, ParamSpec, ParamValues, resolveParams, StrategyContext, StrategyDefinition, strategyTimeframes, TickBatch }
    from '@backtestr/plugins-sdk';
import { MTF_LAYOUT, MtfEngine } from '../mtf-engine';
import { RunRecorder } from './run-recorder';
import { HOOKS, StrategyEngineOptions, StrategyInfo, StrategyRunError, StrategyRunResult } from './strategy-run-protocol';
import { LoadedStrategy } from './strategy-loader';

type Definition = StrategyDefinition<Record<string, ParamSpec>>;

const L = MTF_LAYOUT;
// Plain constants: the native layout object is read once, not per wake-up.
const EV_BAR_CLOSE = L.EV_BAR_CLOSE;
const EV_TICK = L.EV_TICK;
const H_EVENT = L.H_EVENT;
const H_CLOSED_MASK = L.H_CLOSED_MASK;
const HOOK_START = HOOKS.indexOf('onStart');
const HOOK_BAR = HOOKS.indexOf('onBarClose');
const HOOK_TICK = HOOKS.indexOf('onTick');
const HOOK_STOP = HOOKS.indexOf('onStop');

class StrategyContextImpl implements StrategyContext {
    /** The last timeframe asked for and its series: strategies ask for the same one in a row. */
    protected lastTimeframe = '';
    protected lastSeries: MtfSeries | undefined;

    constructor(readonly params: ParamValues<Record<string, ParamSpec>>, protected readonly state: MtfState, protected readonly recorder: RunRecorder) { }

    get time(): number {
        return this.state.clock;
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
        this.recorder.log(this.state.clock, String(message));
    }

    record(name: string, value: number): void {
        this.recorder.record(name, this.state.clock, value);
    }
}

/** Where a session reports the running hook: [0] hook index, Float64 [1] the clock when it started. */
export interface HookStatus {
    readonly hook: Int32Array;
    /** The engine clock at hook entry as the two 32-bit words of its int64 (low first). */
    readonly clock: Int32Array;
}

export class StrategySession {
    readonly engine: MtfEngine;
    readonly state: MtfState;
    readonly info: StrategyInfo;
    protected readonly definition: Definition;
    protected readonly ctx: StrategyContextImpl;
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

    constructor(loaded: LoadedStrategy, params: ParamInput, options: StrategyEngineOptions = {},
        protected readonly status: HookStatus = { hook: new Int32Array(1), clock: new Int32Array(2) }) {
        this.definition = loaded.definition;
        let values: ParamValues<Record<string, ParamSpec>>;
        try {
            values = resolveParams(this.definition, params);
        } catch (error) {
            throw new StrategyRunError('params', (error as Error).message);
        }
        try {
            this.engine = new MtfEngine({ timeframes: strategyTimeframes(this.definition), priceSource: options.priceSource, session: options.session, depth: options.depth });
        } catch (error) {
            throw new StrategyRunError('invalid', `Strategy '${this.definition.id}': ${(error as Error).message}`);
        }
        const barClose = (this.definition.subscribe.barClose ?? []).map(tf => this.engine.timeframes[this.engine.indexOf(tf)]);
        const tick = this.definition.subscribe.tick === true;
        this.engine.subscribe({ barClose, everyTick: tick });
        this.state = new MtfState(this.engine.f64.buffer, L, this.engine.timeframes);
        this.clockWords = new Int32Array(this.engine.f64.buffer, L.H_CLOCK * 8, 2);
        this.ctx = new StrategyContextImpl(values, this.state, this.recorder);
        this.closeIndex = barClose.map(tf => this.engine.indexOf(tf)).sort((a, b) => a - b);
        this.closePow = this.closeIndex.map(i => 2 ** i);
        this.closeCounts = this.closeIndex.map(() => 0);
        this.info = {
            id: this.definition.id, label: this.definition.label, file: loaded.file, sourceHash: loaded.sourceHash, params: values,
            timeframes: this.engine.timeframes, subscribe: { barClose: this.closeIndex.map(i => this.engine.timeframes[i]), tick }
        };
    }

    start(): void {
        if (this.definition.onStart) {
            this.enter(HOOK_START);
            this.definition.onStart(this.ctx);
            this.status.hook[0] = 0;
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
        if (flags & EV_BAR_CLOSE && def.onBarClose) {
            const mask = this.engine.f64[H_CLOSED_MASK];
            for (let k = 0; k < this.closeIndex.length; k++) {
                if (Math.floor(mask / this.closePow[k]) % 2 === 1) {
                    const tf = this.closeIndex[k];
                    const bar: Bar = this.state.barAt(this.state.completedOffset(tf, 0));
                    this.closeCounts[k]++;
                    this.enter(HOOK_BAR);
                    def.onBarClose(this.ctx, bar, this.engine.timeframes[tf]);
                }
            }
            this.status.hook[0] = 0;
        }
        if (flags & EV_TICK) {
            this.tickWakeups++;
            if (def.onTick) {
                this.enter(HOOK_TICK);
                def.onTick(this.ctx);
                this.status.hook[0] = 0;
            }
        }
    }

    protected enter(hook: number): void {
        this.status.hook[0] = hook;
        // The clock's int64 bits, copied as two 32-bit words (no conversion per wake-up).
        this.status.clock[0] = this.clockWords[0];
        this.status.clock[1] = this.clockWords[1];
    }

    /** Calls onStop and returns the run's result (without the caller's wall time). */
    stop(): { result: Omit<StrategyRunResult, 'elapsedMs' | 'ticksPerSecond'>; transfer: ArrayBuffer[] } {
        if (this.definition.onStop) {
            this.enter(HOOK_STOP);
            this.definition.onStop(this.ctx);
            this.status.hook[0] = 0;
        }
        const { series, logs, transfer } = this.recorder.finish();
        const byTf: Record<string, number> = {};
        this.closeIndex.forEach((tf, k) => byTf[this.engine.timeframes[tf]] = this.closeCounts[k]);
        return {
            result: {
                strategy: this.info, ticks: this.ticks, batches: this.batches,
                barCloses: this.closeCounts.reduce((a, b) => a + b, 0), barClosesByTimeframe: byTf, tickWakeups: this.tickWakeups,
                firstTime: this.firstTime, lastTime: this.ticks > 0 ? this.state.clock : undefined,
                series, logs, workerMs: this.busyMs
            },
            transfer
        };
    }

    get batchesProcessed(): number {
        return this.batches;
    }

    /** The hook running now ('' when none): what a stuck strategy was doing. */
    static hookName(index: number): string {
        return HOOKS[index] ?? '';
    }
}
