import * as React from '@theia/core/shared/react';
import { inject, injectable, optional, postConstruct } from '@theia/core/shared/inversify';
import { ConnectionStatus, ConnectionStatusService } from '@theia/core/lib/browser/connection-status-service';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { CommandService } from '@theia/core/lib/common/command';
import { RunRecord } from '@backtestr/workspace-store';
import { lookAheadBadge, lookAheadText } from '@backtestr/analysis';
import { ActiveRun, EngineInfo, EngineService } from '../common/engine-protocol';
import { EngineClientImpl } from './engine-client-impl';

const money = (x: number | undefined): string => x === undefined ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (x: number | undefined, digits = 2): string => x === undefined ? '–' : `${x.toFixed(digits)} %`;
const when = (micros: number): string => new Date(micros / 1000).toISOString().replace('T', ' ').slice(0, 16);

/**
 * The Runs view: the native engine's state, runs in progress (with pause, resume, cancel) and the stored runs with their headline figures.
 * Kept up to date by what the engine pushes (EngineClient), never by polling: a change of the stored runs or of the runs in progress reloads them,
 * a run's progress updates its row.
 */
@injectable()
export class RunsWidget extends ReactWidget {

    static readonly ID = 'backtestr-runs';
    static readonly LABEL = 'Runs';

    @inject(EngineService)
    protected readonly engineService: EngineService;

    @inject(EngineClientImpl)
    protected readonly engineClient: EngineClientImpl;

    @inject(CommandService)
    protected readonly commands: CommandService;

    @inject(ConnectionStatusService) @optional()
    protected readonly connectionStatus?: ConnectionStatusService;

    protected info: EngineInfo | undefined;
    protected loadError: string | undefined;
    protected runs: RunRecord[] = [];
    protected active: ActiveRun[] = [];
    /** The reload in flight, and whether another is due once it ends (changes pushed meanwhile). */
    protected loading: Promise<void> | undefined;
    protected reloadAgain = false;

    @postConstruct()
    protected init(): void {
        this.id = RunsWidget.ID;
        this.title.label = RunsWidget.LABEL;
        this.title.caption = 'Backtest runs';
        this.title.iconClass = codicon('run-all');
        this.title.closable = true;
        this.addClass('backtestr-runs');
        this.toDispose.push(this.engineClient.onRunsChanged(() => this.refresh()));
        this.toDispose.push(this.engineClient.onActiveRunsChanged(() => this.refresh()));
        this.toDispose.push(this.engineClient.onProgress(run => this.progressed(run)));
        if (this.connectionStatus) {
            // Changes pushed while the connection was down are lost: reload once it is back.
            this.toDispose.push(this.connectionStatus.onStatusChange(status => status === ConnectionStatus.ONLINE && this.refresh()));
        }
        this.update();
        this.refresh();
    }

    /** Reloads the engine state and the runs (once more after the reload in flight, when called during one). */
    refresh(): Promise<void> {
        if (this.loading) {
            this.reloadAgain = true;
            return this.loading;
        }
        this.loading = this.load().finally(() => {
            this.loading = undefined;
            if (this.reloadAgain && !this.isDisposed) {
                this.reloadAgain = false;
                this.refresh();
            }
        });
        return this.loading;
    }

    protected async load(): Promise<void> {
        try {
            this.info ??= await this.engineService.getEngineInfo();
            [this.active, this.runs] = await Promise.all([this.engineService.getActiveRuns(), this.engineService.listRuns()]);
            this.loadError = undefined;
        } catch (error) {
            this.loadError = error instanceof Error ? error.message : String(error);
        }
        if (!this.isDisposed) {
            this.update();
        }
    }

    /** A run in progress advanced: its row shows it; a run not shown yet (or no longer) waits for the reload its start or end brings. */
    protected progressed(run: ActiveRun): void {
        const i = this.active.findIndex(a => a.run.id === run.run.id);
        if (i >= 0) {
            this.active = [...this.active.slice(0, i), run, ...this.active.slice(i + 1)];
            this.update();
        }
    }

    protected async act(action: () => Promise<void>): Promise<void> {
        try {
            await action();
        } catch (error) {
            this.loadError = error instanceof Error ? error.message : String(error);
        }
        await this.refresh();
    }

    protected render(): React.ReactNode {
        return <div className='backtestr-view' data-testid='runs-view'>
            <div className='backtestr-view-section'>
                <div className='backtestr-view-heading'>Engine</div>
                {this.renderEngine()}
            </div>
            {this.active.length > 0 && <div className='backtestr-view-section'>
                <div className='backtestr-view-heading'>Running</div>
                {this.active.map(a => this.renderActive(a))}
            </div>}
            <div className='backtestr-view-section'>
                <div className='backtestr-view-heading'>Runs
                    <button className='theia-button secondary backtestr-inline-button' onClick={() => this.commands.executeCommand('backtestr.engine.run')}>Run Backtest…</button>
                </div>
                {this.renderRuns()}
            </div>
        </div>;
    }

    protected renderActive(a: ActiveRun): React.ReactNode {
        const id = a.run.id;
        return <div key={id} className='backtestr-run-active' data-testid='run-active' data-run-id={id}>
            <div>{a.run.strategyLabel ?? a.run.strategyId} · {a.run.config.symbol} {a.paused ? '(paused)' : ''}</div>
            <div className='backtestr-progress'><div className='backtestr-progress-bar' style={{ width: `${a.percent.toFixed(1)}%` }} /></div>
            <div className='backtestr-muted'>{a.ticks.toLocaleString('en-US')} ticks · {a.time ? when(a.time) : '–'} · {(a.ticks / Math.max(a.elapsedMs, 1) / 1000).toFixed(2)}M ticks/s</div>
            <div className='backtestr-form-actions'>
                {a.paused
                    ? <button className='theia-button secondary' onClick={() => this.act(() => this.engineService.resumeRun(id))}>Resume</button>
                    : <button className='theia-button secondary' onClick={() => this.act(() => this.engineService.pauseRun(id))}>Pause</button>}
                <button className='theia-button secondary' onClick={() => this.act(() => this.engineService.cancelRun(id))}>Cancel</button>
                <button className='theia-button secondary' title='Follow the run on the charts as it runs'
                    onClick={() => this.commands.executeCommand('backtestr.charts.openReplay', { runId: id })}>Follow on charts</button>
            </div>
        </div>;
    }

    protected renderRuns(): React.ReactNode {
        if (this.runs.length === 0) {
            return <div className='backtestr-empty'>No runs in this workspace yet: open a strategy and run BackTestr: Run Backtest.</div>;
        }
        return <div className='backtestr-run-list' data-testid='runs-table'>{this.runs.map(r => <div key={r.id} className='backtestr-run-item' data-testid='run-row'
            data-run-id={r.id} data-status={r.status}
            title={r.message ?? `${r.strategyId} ${JSON.stringify(r.config.params)} · ${r.config.symbol} ${r.config.kind} · engine ${r.engineVersion}`}>
            <div className='backtestr-run-line'>
                <span className='backtestr-run-name'>{r.strategyLabel ?? r.strategyId}</span>
                <span className={`backtestr-run-status backtestr-run-${r.status}`}>{r.status}</span>
                {r.lookAhead && <span data-testid='run-look-ahead' title={lookAheadText(r.lookAhead)}
                    className={r.lookAhead.verdict === 'pass' ? 'backtestr-positive' : 'backtestr-negative'}>{lookAheadBadge(r.lookAhead)}</span>}
            </div>
            <div className='backtestr-run-line backtestr-muted'>
                <span>{r.config.symbol} · {when(r.createdAt)}</span>
            </div>
            {r.headline && <div className='backtestr-run-line'>
                <span><span data-testid='run-trades'>{r.headline.trades}</span> trades</span>
                <span data-testid='run-net' className={r.headline.netProfit < 0 ? 'backtestr-negative' : 'backtestr-positive'}>{money(r.headline.netProfit)}</span>
                <span>{pct(r.headline.totalReturnPercent, 2)}</span>
                <span title='Max drawdown'>DD {pct(r.headline.maxDrawdownPercent, 2)}</span>
            </div>}
            {(r.status === 'failed' || r.status === 'interrupted') && <div className='backtestr-error backtestr-run-message'>{r.message}</div>}
            <div className='backtestr-row-actions'>
                <button className='theia-button secondary' title='Open in the Analysis view' disabled={r.status !== 'finished'}
                    onClick={() => this.commands.executeCommand('backtestr.analysis.openRun', { runId: r.id })}>Analyse</button>
                <button className='theia-button secondary' disabled={r.status !== 'finished' && r.status !== 'running'}
                    title={r.status === 'running' ? 'Follow the run on the charts as it runs (its replay opens when it ends)' : 'Replay the run on the charts'}
                    onClick={() => this.commands.executeCommand('backtestr.charts.openReplay', { runId: r.id })}>{r.status === 'running' ? 'Follow' : 'Replay'}</button>
                <button className='theia-button secondary' title='Delete the run and its results'
                    onClick={() => this.act(() => this.engineService.deleteRun(r.id))}>Delete</button>
            </div>
        </div>)}</div>;
    }

    protected renderEngine(): React.ReactNode {
        if (this.loadError) {
            return <div className='backtestr-error'>{this.loadError}</div>;
        }
        if (!this.info) {
            return <div className='backtestr-muted'>Connecting…</div>;
        }
        if (this.info.nativeError) {
            return <div className='backtestr-error' data-testid='engine-status'>Native engine not loaded: {this.info.nativeError}</div>;
        }
        return <div data-testid='engine-status'>
            <div>Native engine {this.info.nativeVersion}</div>
            <div className='backtestr-muted'>Timeframes: {this.info.defaultTimeframes.join(' · ')}</div>
        </div>;
    }
}
