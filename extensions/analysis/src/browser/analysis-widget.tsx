import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { Message } from '@theia/core/shared/@lumino/messaging';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { CommandRegistry } from '@theia/core/lib/common/command';
import { MessageService } from '@theia/core/lib/common/message-service';
import { AnalysisService, RunChangeEvent, RunComparison, RunExportFormat } from '../common/analysis-protocol';
import { HeadlineMetric, RunAnalysis } from '../common/run-analysis';
import { RunRecord } from '../common/run-store';
import { STATISTIC_DEFINITIONS } from '../common/statistics/statistic-definitions';
import { formatPercent, formatStatistic, formatTime } from '../common/report/report-format';
import { monthlyReturnsHeatmap, tradeStatisticsTable, weekdayHourHeatmap } from '../common/report/report-html';
import { histogramSvg, lineChartSvg, scatterSvg } from '../common/report/report-svg';
import { AnalysisClientImpl } from './analysis-client-impl';
import { ReportSectionsView } from './report-sections-view';
import { TradeTable } from './trade-table';

/** The charts extension's walkback replay: `{ runId, time }` opens the run at that time. */
export const OPEN_REPLAY_COMMAND = 'backtestr.charts.openReplay';

const EXPORTS: readonly { format: RunExportFormat; label: string }[] = [
    { format: 'pdf', label: 'PDF tearsheet' }, { format: 'json', label: 'JSON' }, { format: 'csv-trades', label: 'Trades CSV' },
    { format: 'csv-orders', label: 'Orders CSV' }, { format: 'csv-events', label: 'Fills CSV' }, { format: 'csv-equity', label: 'Equity CSV' }, { format: 'csv-bars', label: 'Bars CSV' }
];

const money = (v: number) => formatStatistic(v, 'money');

/** Decimals that show a price on the tick grid (0.00001 -> 5, 0.25 -> 2). */
function priceDigits(tickSize: number): number {
    for (let d = 0; d <= 10; d++) {
        if (Math.abs(Math.round(tickSize * 10 ** d) - tickSize * 10 ** d) < 1e-9) {
            return d;
        }
    }
    return 10;
}

interface AnalysisMarkup {
    readonly analysis: RunAnalysis;
    readonly equity: string;
    readonly drawdown: string;
    readonly histogram: string;
    readonly scatter: string;
    readonly monthly: string;
    readonly tradeStatistics: string;
    readonly weekdayHour: string;
}

function Svg(props: { markup: string; testId?: string }): React.ReactElement {
    return <div className='bt-svg' data-testid={props.testId} dangerouslySetInnerHTML={{ __html: props.markup }} />;
}

function Cards(props: { metrics: readonly HeadlineMetric[]; testId: string }): React.ReactElement {
    return <div className='bt-cards' data-testid={props.testId}>
        {props.metrics.map(m => <div key={m.id} className='bt-card' data-metric={m.id} title={m.reason ? `undefined because ${m.reason}` : m.id}>
            <div className='bt-card-label'>{m.label}</div>
            <div className='bt-card-value'>{formatStatistic(m.value, m.unit)}</div>
            {m.reason && <div className='bt-card-reason'>undefined because {m.reason}</div>}
        </div>)}
    </div>;
}

/** The analysis dashboard of a run: headline metrics, equity, trades, heatmaps, comparison, exports. */
@injectable()
export class AnalysisWidget extends ReactWidget {

    static readonly ID = 'backtestr-analysis';
    static readonly LABEL = 'Analysis';

    @inject(AnalysisService)
    protected readonly analysisService: AnalysisService;

    @inject(AnalysisClientImpl)
    protected readonly analysisClient: AnalysisClientImpl;

    @inject(CommandRegistry)
    protected readonly commands: CommandRegistry;

    @inject(MessageService)
    protected readonly messages: MessageService;

    protected runs: RunRecord[] = [];
    protected selected: string | undefined;
    protected analysis: RunAnalysis | undefined;
    protected loading = false;
    protected error: string | undefined;
    protected readonly live = new Map<string, RunChangeEvent>();
    protected readonly compareIds = new Set<string>();
    protected comparison: RunComparison | undefined;
    protected exporting: RunExportFormat | undefined;
    protected markup: AnalysisMarkup | undefined;
    /** The run being opened: a second request for it (e.g. the view's own first open racing a command's) joins it. */
    protected opening: { readonly id: string; readonly done: Promise<void> } | undefined;
    /** Counts open requests, so that a slower, older one never overwrites a newer one. */
    protected openSequence = 0;

    @postConstruct()
    protected init(): void {
        this.id = AnalysisWidget.ID;
        this.title.label = AnalysisWidget.LABEL;
        this.title.caption = 'Run analysis';
        this.title.iconClass = codicon('graph');
        this.title.closable = true;
        this.addClass('backtestr-analysis');
        this.node.tabIndex = 0;
        this.toDispose.push(this.analysisClient.onRunChanged(event => this.onRunChanged(event)));
        this.update();
        this.refreshRuns();
    }

    /** Opens a run (the newest when no id is given). */
    async openRun(runId?: string): Promise<void> {
        if (runId === undefined || !this.runs.some(r => r.id === runId)) {
            await this.refreshRuns(false);
        }
        const id = runId ?? this.runs.find(r => r.status !== 'running')?.id ?? this.runs[0]?.id;
        if (id === undefined) {
            return;
        }
        if (this.opening?.id === id) {
            return this.opening.done;
        }
        const done = this.load(id, ++this.openSequence);
        this.opening = { id, done };
        try {
            await done;
        } finally {
            if (this.opening?.done === done) {
                this.opening = undefined;
            }
        }
    }

    protected async load(id: string, sequence: number): Promise<void> {
        this.selected = id;
        this.analysis = undefined;
        this.error = undefined;
        this.loading = true;
        this.update();
        let analysis: RunAnalysis | undefined;
        let error: string | undefined;
        try {
            const run = this.runs.find(r => r.id === id);
            analysis = run?.status === 'running' ? undefined : await this.analysisService.getRunAnalysis(id);
        } catch (e) {
            error = e instanceof Error ? e.message : String(e);
        }
        if (sequence === this.openSequence) {
            this.analysis = analysis;
            this.error = error;
            this.loading = false;
            this.update();
        }
    }

    protected override onActivateRequest(msg: Message): void {
        super.onActivateRequest(msg);
        this.node.focus();
    }

    protected async refreshRuns(openFirst = true): Promise<void> {
        try {
            this.runs = await this.analysisService.listRuns();
            this.error = undefined;
        } catch (error) {
            this.runs = [];
            this.error = error instanceof Error ? error.message : String(error);
        }
        if (openFirst && this.selected === undefined && this.runs.length > 0) {
            // Straight to the newest finished run (openRun shows its record's figures at once).
            await this.openRun(this.runs.find(r => r.status !== 'running')?.id ?? this.runs[0].id);
            return;
        }
        this.update();
    }

    protected onRunChanged(event: RunChangeEvent): void {
        if (event.status === 'running') {
            const isNew = !this.live.has(event.runId);
            this.live.set(event.runId, event);
            if (isNew) {
                // A run just started: follow it (its live figures now, its analysis when it ends).
                this.refreshRuns(false).then(() => {
                    // Whatever was being opened is superseded by the run that started.
                    this.openSequence++;
                    this.opening = undefined;
                    this.selected = event.runId;
                    this.analysis = undefined;
                    this.loading = false;
                    this.update();
                });
            }
            this.update();
            return;
        }
        this.live.delete(event.runId);
        this.refreshRuns(false).then(() => {
            if (this.selected === event.runId) {
                this.openRun(event.runId);
            }
        });
    }

    protected async exportRun(format: RunExportFormat): Promise<void> {
        if (!this.selected) {
            return;
        }
        this.exporting = format;
        this.update();
        try {
            const file = await this.analysisService.exportRun(this.selected, format);
            const url = URL.createObjectURL(new Blob([file.data as Uint8Array<ArrayBuffer>], { type: file.mimeType }));
            const anchor = document.createElement('a');
            anchor.href = url;
            anchor.download = file.fileName;
            document.body.appendChild(anchor);
            anchor.click();
            anchor.remove();
            setTimeout(() => URL.revokeObjectURL(url), 60_000);
            this.messages.info(`Exported ${file.fileName} (${(file.data.byteLength / 1024).toFixed(0)} KB)`);
        } catch (error) {
            this.messages.error(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
            this.exporting = undefined;
            this.update();
        }
    }

    protected async compare(): Promise<void> {
        const ids = [...this.compareIds];
        if (this.selected && !ids.includes(this.selected)) {
            ids.unshift(this.selected);
        }
        try {
            this.comparison = ids.length >= 2 ? await this.analysisService.compareRuns(ids) : undefined;
        } catch (error) {
            this.messages.error(`Comparison failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.update();
    }

    protected openInReplay(trade: number): void {
        const a = this.analysis;
        if (a) {
            this.commands.executeCommand(OPEN_REPLAY_COMMAND, { runId: a.run.id, time: a.trades.entryTime[trade] });
        }
    }

    protected runLabel(r: RunRecord): string {
        return `${r.strategyLabel ?? r.strategyId} · ${r.config.symbol} · ${formatTime(r.createdAt)} · ${r.status}`;
    }

    protected render(): React.ReactNode {
        return <div className='backtestr-view bt-analysis' data-testid='analysis-view'>
            {this.renderToolbar()}
            {this.error && <div className='bt-error'>{this.error}</div>}
            {this.runs.length === 0 && this.renderDefinitions()}
            {this.renderLive()}
            {this.loading && this.renderRecordHeadline()}
            {this.analysis && this.renderAnalysis(this.analysis)}
            {this.renderComparison()}
        </div>;
    }

    /** Without runs: what the dashboard will show and how each figure is computed. */
    protected renderDefinitions(): React.ReactNode {
        return <div className='bt-section'>
            <div className='backtestr-muted'>No runs yet: run a backtest to see its analysis here. The metrics and how they are computed:</div>
            <table className='backtestr-table' data-testid='statistic-definitions'>
                <tbody>{STATISTIC_DEFINITIONS.map(d => <tr key={d.id}><td>{d.label}</td><td><code>{d.formula}</code></td></tr>)}</tbody>
            </table>
        </div>;
    }

    protected renderToolbar(): React.ReactNode {
        return <div className='bt-toolbar'>
            <select className='theia-select' data-testid='run-picker' value={this.selected ?? ''} onChange={e => this.openRun(e.currentTarget.value)}>
                {this.selected === undefined && <option value=''>Select a run</option>}
                {this.runs.map(r => <option key={r.id} value={r.id}>{this.runLabel(r)}</option>)}
            </select>
            <button className='theia-button secondary' title='Reload the list of runs' onClick={() => this.refreshRuns(false)}>Refresh</button>
            <span className='bt-spacer' />
            {EXPORTS.map(x => <button key={x.format} className='theia-button secondary' data-export={x.format}
                disabled={!this.analysis || this.exporting !== undefined} onClick={() => this.exportRun(x.format)}>
                {this.exporting === x.format ? 'Exporting…' : x.label}</button>)}
        </div>;
    }

    protected renderLive(): React.ReactNode {
        const event = this.selected ? this.live.get(this.selected) : undefined;
        if (!event) {
            return undefined;
        }
        return <div className='bt-section' data-testid='live-run'>
            <div className='backtestr-view-heading'>Running: {(event.ticks ?? 0).toLocaleString('en-US')} ticks, up to {formatTime(event.lastTime)}</div>
            {event.headline && <Cards metrics={event.headline} testId='live-metrics' />}
        </div>;
    }

    /** While the analysis loads: the figures the run record carries. */
    protected renderRecordHeadline(): React.ReactNode {
        const h = this.runs.find(r => r.id === this.selected)?.headline;
        const pct = (x: number | undefined) => x === undefined ? undefined : x / 100;
        const metrics: HeadlineMetric[] = h ? [
            { id: 'netProfit', label: 'Net profit', unit: 'money', value: h.netProfit },
            { id: 'returns.totalReturn', label: 'Total return', unit: 'fraction', value: pct(h.totalReturnPercent) },
            { id: 'returns.sharpe', label: 'Sharpe ratio', unit: 'ratio', value: h.sharpe },
            { id: 'drawdown.maxDrawdownPercent', label: 'Max drawdown %', unit: 'fraction', value: pct(h.maxDrawdownPercent) },
            { id: 'trades.count', label: 'Trades', unit: 'count', value: h.trades },
            { id: 'trades.winRate', label: 'Win rate', unit: 'fraction', value: pct(h.winRatePercent) },
            { id: 'trades.profitFactor', label: 'Profit factor', unit: 'ratio', value: h.profitFactor }
        ] : [];
        return <div className='bt-section'>
            <div className='backtestr-muted'>Loading the run…</div>
            {metrics.length > 0 && <Cards metrics={metrics} testId='record-metrics' />}
        </div>;
    }

    protected renderAnalysis(a: RunAnalysis): React.ReactNode {
        const s = a.statistics;
        const canReplay = this.commands.getCommand(OPEN_REPLAY_COMMAND) !== undefined;
        const m = this.markupOf(a);
        return <div>
            <div className='backtestr-view-heading'>{a.run.strategyLabel ?? a.run.strategyId} on {a.run.config.symbol}
                <span className='backtestr-muted'> · {formatTime(s.firstTime)} .. {formatTime(s.lastTime)} UTC · {s.trades.count} trades</span></div>
            <Cards metrics={a.headline} testId='headline-metrics' />
            <Svg testId='equity-chart' markup={m.equity} />
            <Svg testId='drawdown-chart' markup={m.drawdown} />
            <div className='bt-row'>
                <Svg testId='return-histogram' markup={m.histogram} />
                <Svg testId='mae-mfe-scatter' markup={m.scatter} />
            </div>
            <div className='bt-row'>
                <div><div className='backtestr-view-heading'>Monthly returns</div><Svg markup={m.monthly} /></div>
                <div><div className='backtestr-view-heading'>Trade statistics</div><Svg markup={m.tradeStatistics} /></div>
            </div>
            <div className='backtestr-view-heading'>P&amp;L by weekday and hour of entry (UTC)</div>
            <Svg markup={m.weekdayHour} />
            <ReportSectionsView sections={a.sections ?? []} />
            <div className='backtestr-view-heading'>Trades</div>
            <TradeTable key={a.run.id} trades={a.trades} priceDigits={priceDigits(a.run.config.tickSize)} onOpenInReplay={canReplay ? i => this.openInReplay(i) : undefined} />
            {this.renderComparePicker(a.run.id)}
        </div>;
    }

    /** The charts and heatmaps of an analysis, drawn once per analysis (not on every re-render, e.g. a sort). */
    protected markupOf(a: RunAnalysis): AnalysisMarkup {
        if (this.markup?.analysis !== a) {
            this.markup = {
                analysis: a,
                equity: lineChartSvg({ time: a.equity.time, lines: [{ values: a.equity.equity, color: '#3b82f6', label: 'Equity' }],
                    width: 1000, height: 260, format: money, title: 'Equity' }),
                drawdown: lineChartSvg({ time: a.equity.time, lines: [{ values: a.equity.drawdownPercent.map(v => -v), color: '#d0453a' }],
                    width: 1000, height: 160, format: v => formatPercent(v, 1), area: true, title: 'Drawdown' }),
                histogram: histogramSvg(a.returnDistribution, 480, 220, money, 'Distribution of trade P&L'),
                scatter: scatterSvg(a.maeMfe.mae, a.maeMfe.mfe, a.maeMfe.pnl, 480, 220, money, { x: 'MAE', y: 'MFE', title: 'MAE / MFE per trade' }),
                monthly: monthlyReturnsHeatmap(a.monthlyReturns),
                tradeStatistics: tradeStatisticsTable(a.statistics),
                weekdayHour: weekdayHourHeatmap(a.pnlByWeekdayHour)
            };
        }
        return this.markup;
    }

    protected renderComparePicker(current: string): React.ReactNode {
        const others = this.runs.filter(r => r.id !== current && r.status !== 'running');
        if (others.length === 0) {
            return undefined;
        }
        return <div className='bt-section' data-testid='compare-picker'>
            <div className='backtestr-view-heading'>Compare with</div>
            {others.map(r => <label key={r.id} className='bt-compare-option'>
                <input type='checkbox' checked={this.compareIds.has(r.id)} onChange={e => {
                    if (e.currentTarget.checked) {
                        this.compareIds.add(r.id);
                    } else {
                        this.compareIds.delete(r.id);
                    }
                    this.update();
                }} /> {this.runLabel(r)}</label>)}
            <button className='theia-button' disabled={this.compareIds.size === 0} onClick={() => this.compare()}>Compare</button>
        </div>;
    }

    protected renderComparison(): React.ReactNode {
        const c = this.comparison;
        if (!c) {
            return undefined;
        }
        const ids = c.runs[0].headline.map(h => h.id);
        return <div className='bt-section' data-testid='comparison'>
            <div className='backtestr-view-heading'>Comparison</div>
            <table className='backtestr-table bt-comparison'>
                <thead><tr><th></th>{c.runs.map(r => <th key={r.run.id}>{r.run.strategyLabel ?? r.run.strategyId}<br />
                    <span className='backtestr-muted'>{r.run.id}</span></th>)}</tr></thead>
                <tbody>
                    {ids.map((id, k) => <tr key={id}><th>{c.runs[0].headline[k].label}</th>{c.runs.map(r => {
                        const m = r.headline[k];
                        return <td key={r.run.id} title={m.reason}>{formatStatistic(m.value, m.unit)}</td>;
                    })}</tr>)}
                    <tr><th>Equity</th>{c.runs.map(r => <td key={r.run.id}><Svg markup={lineChartSvg({ time: r.equity.time,
                        lines: [{ values: r.equity.equity, color: '#3b82f6' }], width: 360, height: 140, format: money })} /></td>)}</tr>
                </tbody>
            </table>
        </div>;
    }
}
