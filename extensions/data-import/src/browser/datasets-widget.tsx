import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { CommandService } from '@theia/core/lib/common/command';
import { DatasetService, DatasetSummary, ImportProgress } from '../common/dataset-protocol';
import { DataImportCommands } from './data-import-commands';
import { DatasetQualityOptions } from './data-quality-widget';

/** Formats UnixMicros as a UTC date, `2013-10-07`. */
function utcDay(micros: number): string {
    return new Date(micros / 1000).toISOString().slice(0, 10);
}

function megabytes(bytes: number): string {
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The Datasets view: instruments of the workspace database with their range, size and quality. */
@injectable()
export class DatasetsWidget extends ReactWidget {

    static readonly ID = 'backtestr-datasets';
    static readonly LABEL = 'Datasets';

    @inject(DatasetService)
    protected readonly datasetService: DatasetService;

    @inject(CommandService)
    protected readonly commandService: CommandService;

    protected datasets: DatasetSummary[] | undefined;
    protected progress: ImportProgress | undefined;
    protected error: string | undefined;

    @postConstruct()
    protected init(): void {
        this.id = DatasetsWidget.ID;
        this.title.label = DatasetsWidget.LABEL;
        this.title.caption = 'Market data in this workspace';
        this.title.iconClass = codicon('database');
        this.title.closable = true;
        this.addClass('backtestr-datasets');
        this.update();
        this.refresh();
    }

    async refresh(): Promise<void> {
        try {
            this.datasets = await this.datasetService.listDatasets();
            this.error = undefined;
        } catch (error) {
            this.error = error instanceof Error ? error.message : String(error);
        }
        this.update();
    }

    setProgress(progress: ImportProgress | undefined): void {
        this.progress = progress;
        this.update();
    }

    protected openQuality(options: DatasetQualityOptions): void {
        this.commandService.executeCommand(DataImportCommands.SHOW_QUALITY.id, options);
    }

    protected render(): React.ReactNode {
        return <div className='backtestr-view' data-testid='datasets-view'>
            {this.progress && <div className='backtestr-view-section' data-testid='import-progress'>
                Importing {this.progress.file}: {this.progress.percent.toFixed(0)}% · {this.progress.rows.toLocaleString()} rows
                · {(this.progress.rowsPerSecond / 1e6).toFixed(2)}M rows/s
            </div>}
            <div className='backtestr-datasets-toolbar'>
                <button className='theia-button secondary' data-testid='datasets-import'
                    onClick={() => this.commandService.executeCommand(DataImportCommands.IMPORT_DATA.id)}>Import…</button>
                <button className='theia-button secondary' data-testid='datasets-refresh' title='Refresh' onClick={() => this.refresh()}>
                    <span className={codicon('refresh')} />
                </button>
            </div>
            {this.error && <div className='backtestr-error'>{this.error}</div>}
            {this.renderDatasets()}
        </div>;
    }

    protected renderDatasets(): React.ReactNode {
        if (!this.datasets) {
            return <div className='backtestr-muted'>Loading…</div>;
        }
        if (this.datasets.length === 0) {
            return <div className='backtestr-empty'>No data yet: run “BackTestr: Import Data…”.</div>;
        }
        return <ul className='backtestr-dataset-list'>
            {this.datasets.map(d => <li key={`${d.instrumentId}:${d.kind}`} data-symbol={d.symbol} title={`${d.symbol} (${d.venue})`}>
                <div className='backtestr-dataset-title'>
                    <span className='backtestr-dataset-symbol'>{d.symbol}</span>
                    <span className='backtestr-muted'>{d.kind}{d.timeframe ? ` ${d.timeframe}` : ''} · {d.venue}</span>
                    {d.qualityScore !== undefined && <span className='backtestr-dataset-quality' title='Data quality score (0-100)'>Q {d.qualityScore.toFixed(0)}</span>}
                </div>
                <div className='backtestr-muted'>
                    {utcDay(d.firstTime)} → {utcDay(d.lastTime)} · {d.tickCount.toLocaleString()} {d.kind === 'bars' ? 'bars' : 'ticks'} · {megabytes(d.sizeOnDisk)}
                    {d.quarantinedRows > 0 ? ` · ${d.quarantinedRows.toLocaleString()} quarantined` : ''}
                </div>
                <div className='backtestr-dataset-actions'>
                    <a href='#' className='backtestr-link' data-testid='dataset-quality-link' title={`Data quality report of ${d.symbol} ${d.kind}`}
                        onClick={e => { e.preventDefault(); this.openQuality({ instrumentId: d.instrumentId, kind: d.kind, symbol: d.symbol }); }}>
                        <span className={codicon('pulse')} /> Quality report
                    </a>
                </div>
            </li>)}
        </ul>;
    }
}
