import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { Emitter } from '@theia/core/lib/common/event';
import { DatasetSummary, RunModels, RunRecord } from '@backtestr/workspace-store';
import { DatasetService } from '@backtestr/data-import';
import { EngineService, RunRequest, StrategyDescription, StrategyParamSpec } from '../common/engine-protocol';

type FillChoice = 'auto' | RunModels['fill'];

interface FormState {
    strategy: string;
    dataset: string;
    from: string;
    to: string;
    fill: FillChoice;
    limitFill: RunModels['limitFill'];
    slippage: 'none' | 'ticks' | 'percent' | 'random';
    slippageValue: string;
    commissionPerUnit: string;
    commissionPerOrder: string;
    commissionMinimum: string;
    latency: string;
    cash: string;
    seed: string;
    /** Audit the run for look-ahead too (20 cut runs; the verdict is stored with the run). */
    verifyLookAhead: boolean;
    params: Record<string, string>;
}

const datasetKey = (d: DatasetSummary): string => `${d.symbol}@${d.venue}|${d.kind}`;
const day = (micros: number): string => new Date(micros / 1000).toISOString().slice(0, 10);

/** Parses a form number; undefined for an empty field, an error naming the field otherwise. */
function formNumber(label: string, text: string, check: (n: number) => boolean = n => n >= 0): number | undefined {
    if (text.trim() === '') {
        return undefined;
    }
    const n = Number(text);
    if (!Number.isFinite(n) || !check(n)) {
        throw new Error(`${label}: '${text}' is not a valid value.`);
    }
    return n;
}

/**
 * The run configuration view: strategy, data and range, fill / slippage / commission / latency
 * models, and the strategy's parameters as a form generated from its declaration.
 */
@injectable()
export class RunConfigWidget extends ReactWidget {

    static readonly ID = 'backtestr-run-config';
    static readonly LABEL = 'Run Backtest';

    @inject(EngineService)
    protected readonly engine: EngineService;

    @inject(DatasetService)
    protected readonly datasets: DatasetService;

    protected readonly onDidStartRunEmitter = new Emitter<RunRecord>();
    readonly onDidStartRun = this.onDidStartRunEmitter.event;

    protected strategies: string[] = [];
    protected dataList: DatasetSummary[] = [];
    protected description: StrategyDescription | undefined;
    protected describing = false;
    protected starting = false;
    protected message: { kind: 'error' | 'info'; text: string } | undefined;
    protected form: FormState = {
        strategy: '', dataset: '', from: '', to: '', fill: 'auto', limitFill: 'touch', slippage: 'none', slippageValue: '', commissionPerUnit: '',
        commissionPerOrder: '', commissionMinimum: '', latency: '0', cash: '100000', seed: '1', verifyLookAhead: false, params: {}
    };

    @postConstruct()
    protected init(): void {
        this.id = RunConfigWidget.ID;
        this.title.label = RunConfigWidget.LABEL;
        this.title.caption = 'Configure and start a backtest';
        this.title.iconClass = codicon('play');
        this.title.closable = true;
        this.addClass('backtestr-run-config');
        this.toDispose.push(this.onDidStartRunEmitter);
        this.update();
    }

    /** Loads the strategy and dataset lists; selects `strategyUri` when given. */
    async load(strategyUri?: string): Promise<void> {
        try {
            const [strategies, datasets] = await Promise.all([this.engine.listStrategyFiles(), this.datasets.listDatasets()]);
            this.strategies = strategyUri && !strategies.includes(strategyUri) ? [strategyUri, ...strategies] : strategies;
            this.dataList = datasets;
            const strategy = strategyUri ?? (this.form.strategy || this.strategies[0] || '');
            if (!this.form.dataset && datasets.length) {
                const first = datasets.find(d => d.kind !== 'bars') ?? datasets[0];
                this.form = { ...this.form, dataset: datasetKey(first) };
            }
            this.message = undefined;
            await this.selectStrategy(strategy);
        } catch (error) {
            this.message = { kind: 'error', text: (error as Error).message };
        }
        this.update();
    }

    protected async selectStrategy(uri: string): Promise<void> {
        this.form = { ...this.form, strategy: uri };
        this.description = undefined;
        if (!uri) {
            return;
        }
        this.describing = true;
        this.update();
        try {
            const description = await this.engine.describeStrategy(uri);
            if (this.form.strategy !== uri) {
                // Another strategy was chosen meanwhile: its description wins.
                return;
            }
            this.description = description;
            const params: Record<string, string> = {};
            for (const [name, spec] of Object.entries(this.description.params ?? {})) {
                params[name] = String(spec.default);
            }
            this.form = { ...this.form, params };
        } finally {
            this.describing = this.form.strategy !== uri && this.describing;
            this.update();
        }
    }

    protected set<K extends keyof FormState>(key: K, value: FormState[K]): void {
        this.form = { ...this.form, [key]: value };
        this.update();
    }

    /** The run request of the form; throws an error naming the field that is wrong. */
    request(): RunRequest {
        const f = this.form;
        if (!f.strategy) {
            throw new Error('Strategy: choose a strategy file (strategies/*.ts or *.py in the workspace).');
        }
        const dataset = this.dataList.find(d => datasetKey(d) === f.dataset);
        if (!dataset) {
            throw new Error('Data: choose a dataset (import one with BackTestr: Import Data… first).');
        }
        const from = f.from ? Date.parse(`${f.from}T00:00:00Z`) * 1000 : undefined;
        const to = f.to ? (Date.parse(`${f.to}T00:00:00Z`) + 86_400_000) * 1000 : undefined;
        if (from !== undefined && to !== undefined && to <= from) {
            throw new Error('To: the end date must not be before the start date.');
        }
        const models: Partial<{ -readonly [K in keyof RunModels]: RunModels[K] }> = { limitFill: f.limitFill };
        if (f.fill !== 'auto') {
            models.fill = f.fill;
        }
        if (f.slippage === 'none') {
            models.slippage = { kind: 'none' };
        } else if (f.slippage === 'random') {
            models.slippage = { kind: 'random', maxTicks: formNumber('Slippage', f.slippageValue, n => Number.isInteger(n) && n >= 0) ?? 1 };
        } else {
            models.slippage = { kind: f.slippage, value: formNumber('Slippage', f.slippageValue) ?? 0 };
        }
        models.commission = {
            perUnit: formNumber('Commission per unit', f.commissionPerUnit), perOrder: formNumber('Commission per order', f.commissionPerOrder),
            minimum: formNumber('Minimum commission', f.commissionMinimum)
        };
        models.latencyMicros = formNumber('Latency', f.latency, n => Number.isInteger(n) && n >= 0) ?? 0;
        models.initialCash = formNumber('Initial cash', f.cash, n => n > 0) ?? 100_000;
        return {
            strategy: f.strategy, symbol: `${dataset.symbol}@${dataset.venue}`, kind: dataset.kind, from, to, params: f.params, models,
            seed: formNumber('Seed', f.seed, n => Number.isInteger(n)) ?? 1, verifyLookAhead: f.verifyLookAhead || undefined
        };
    }

    async start(): Promise<RunRecord | undefined> {
        let request: RunRequest;
        try {
            request = this.request();
        } catch (error) {
            this.message = { kind: 'error', text: (error as Error).message };
            this.update();
            return undefined;
        }
        this.starting = true;
        this.message = undefined;
        this.update();
        try {
            const run = await this.engine.startRun(request);
            this.message = { kind: 'info', text: `Run ${run.id} started.` };
            this.onDidStartRunEmitter.fire(run);
            return run;
        } catch (error) {
            this.message = { kind: 'error', text: (error as Error).message };
            return undefined;
        } finally {
            this.starting = false;
            this.update();
        }
    }

    protected render(): React.ReactNode {
        const f = this.form;
        const d = this.description;
        const dataset = this.dataList.find(x => datasetKey(x) === f.dataset);
        return <div className='backtestr-view backtestr-form' data-testid='run-config'>
            <div className='backtestr-view-heading'>Strategy</div>
            <label>File
                <select data-testid='run-strategy' value={f.strategy} onChange={e => this.selectStrategy(e.currentTarget.value)}>
                    {this.strategies.length === 0 && <option value=''>No strategies in the workspace's strategies folder</option>}
                    {this.strategies.map(s => <option key={s} value={s}>{decodeURIComponent(s.slice(s.lastIndexOf('/') + 1))}</option>)}
                </select>
            </label>
            {this.describing && <div className='backtestr-muted'>Loading the strategy…</div>}
            {d?.error && <div className='backtestr-error' data-testid='run-strategy-error'>{d.error}</div>}
            {d?.id && <div className='backtestr-muted'>{d.label ?? d.id} · wakes on {[...d.subscribe?.barClose ?? [], ...d.subscribe?.tick ? ['every tick'] : []].join(', ')}
                {' '}· timeframes {d.timeframes?.join(' ')}</div>}
            {d?.id && <div className='backtestr-muted' data-testid='run-strategy-permissions'>
                Permissions: {d.permissions?.files.length ? `reads files ${d.permissions.files.join(', ')}` : 'none'}</div>}
            {d?.params && Object.keys(d.params).length > 0 && <>
                <div className='backtestr-view-heading'>Parameters</div>
                {Object.entries(d.params).map(([name, spec]) => this.renderParam(name, spec))}
            </>}
            <div className='backtestr-view-heading'>Data</div>
            <label>Dataset
                <select data-testid='run-dataset' value={f.dataset} onChange={e => this.set('dataset', e.currentTarget.value)}>
                    {this.dataList.map(x => <option key={datasetKey(x)} value={datasetKey(x)}>{x.symbol}@{x.venue} {x.kind} ({day(x.firstTime)} … {day(x.lastTime)})</option>)}
                </select>
            </label>
            <div className='backtestr-form-row'>
                <label>From <input type='date' data-testid='run-from' value={f.from} min={dataset && day(dataset.firstTime)} max={dataset && day(dataset.lastTime)}
                    onChange={e => this.set('from', e.currentTarget.value)} /></label>
                <label>To <input type='date' data-testid='run-to' value={f.to} min={dataset && day(dataset.firstTime)} max={dataset && day(dataset.lastTime)}
                    onChange={e => this.set('to', e.currentTarget.value)} /></label>
            </div>
            <div className='backtestr-view-heading'>Execution</div>
            <div className='backtestr-form-row'>
                <label>Fills <select data-testid='run-fill' value={f.fill} onChange={e => this.set('fill', e.currentTarget.value as FillChoice)}>
                    <option value='auto'>by data (trades: trade price, quotes: bid/ask, bars: intrabar path)</option>
                    <option value='trade'>trade price</option><option value='quote'>bid / ask</option><option value='bar'>bar path</option>
                </select></label>
                <label>Limits <select value={f.limitFill} onChange={e => this.set('limitFill', e.currentTarget.value as RunModels['limitFill'])}>
                    <option value='touch'>fill on touch</option><option value='through'>fill when traded through</option>
                </select></label>
            </div>
            <div className='backtestr-form-row'>
                <label>Slippage <select value={f.slippage} onChange={e => this.set('slippage', e.currentTarget.value as FormState['slippage'])}>
                    <option value='none'>none</option><option value='ticks'>fixed ticks</option><option value='percent'>percent</option>
                    <option value='random'>random ticks (seeded)</option>
                </select></label>
                {f.slippage !== 'none' && <label>{f.slippage === 'random' ? 'Max ticks' : f.slippage === 'ticks' ? 'Ticks' : '%'}
                    <input value={f.slippageValue} onChange={e => this.set('slippageValue', e.currentTarget.value)} /></label>}
                <label>Seed <input data-testid='run-seed' value={f.seed} onChange={e => this.set('seed', e.currentTarget.value)} /></label>
            </div>
            <div className='backtestr-form-row'>
                <label>Commission / unit <input value={f.commissionPerUnit} onChange={e => this.set('commissionPerUnit', e.currentTarget.value)} /></label>
                <label>/ order <input value={f.commissionPerOrder} onChange={e => this.set('commissionPerOrder', e.currentTarget.value)} /></label>
                <label>minimum <input value={f.commissionMinimum} onChange={e => this.set('commissionMinimum', e.currentTarget.value)} /></label>
            </div>
            <div className='backtestr-form-row'>
                <label>Latency (µs) <input value={f.latency} onChange={e => this.set('latency', e.currentTarget.value)} /></label>
                <label>Initial cash <input data-testid='run-cash' value={f.cash} onChange={e => this.set('cash', e.currentTarget.value)} /></label>
            </div>
            <div className='backtestr-form-row'>
                <label title='Re-runs the strategy on the data cut at 20 seeded times with the data after each cut mirrored: every order before a cut must be the same (about 21 runs of CPU)'>
                    <input type='checkbox' data-testid='run-verify-look-ahead' checked={f.verifyLookAhead}
                        onChange={e => this.set('verifyLookAhead', e.currentTarget.checked)} /> Verify no look-ahead</label>
            </div>
            <div className='backtestr-form-actions'>
                <button className='theia-button' data-testid='run-start' disabled={this.starting || !d?.id} onClick={() => this.start()}>
                    {this.starting ? 'Starting…' : 'Run Backtest'}
                </button>
            </div>
            {this.message && <div className={this.message.kind === 'error' ? 'backtestr-error' : 'backtestr-muted'} data-testid='run-message'>{this.message.text}</div>}
        </div>;
    }

    protected renderParam(name: string, spec: StrategyParamSpec): React.ReactNode {
        const value = this.form.params[name] ?? String(spec.default);
        const change = (v: string): void => this.set('params', { ...this.form.params, [name]: v });
        const range = spec.min !== undefined || spec.max !== undefined ? ` [${spec.min ?? ''}..${spec.max ?? ''}]` : '';
        let input: React.ReactNode;
        if (spec.type === 'bool') {
            input = <input type='checkbox' checked={value === 'true'} onChange={e => change(String(e.currentTarget.checked))} />;
        } else if (spec.type === 'enum') {
            input = <select value={value} onChange={e => change(e.currentTarget.value)}>{(spec.values ?? []).map(v => <option key={v} value={v}>{v}</option>)}</select>;
        } else {
            input = <input type='number' data-testid={`run-param-${name}`} value={value} min={spec.min} max={spec.max} step={spec.type === 'int' ? 1 : 'any'}
                onChange={e => change(e.currentTarget.value)} />;
        }
        return <label key={name} title={`${name}: ${spec.type}${range}, default ${spec.default}`}>{spec.label ?? name}{range && <span className='backtestr-muted'>{range}</span>} {input}</label>;
    }
}
