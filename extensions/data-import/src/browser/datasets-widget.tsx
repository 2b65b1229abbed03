import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { CommandService } from '@theia/core/lib/common/command';
import { MessageService } from '@theia/core/lib/common/message-service';
import { ConfirmDialog } from '@theia/core/lib/browser/dialogs';
import { FileDialogService } from '@theia/filesystem/lib/browser/file-dialog/file-dialog-service';
import { WorkspaceService } from '@theia/workspace/lib/browser/workspace-service';
import { DatasetKey, DatasetService, DatasetSummary, ExportFormat, ImportProgress } from '../common/dataset-protocol';
import { DataImportCommands } from './data-import-commands';
import { DatasetClientImpl } from './dataset-client-impl';
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

    /** What the dataset service pushes: the view reloads on every change of the datasets, whoever made it (never polls). */
    @inject(DatasetClientImpl)
    protected readonly datasetClient: DatasetClientImpl;

    @inject(CommandService)
    protected readonly commandService: CommandService;

    @inject(MessageService)
    protected readonly messageService: MessageService;

    @inject(FileDialogService)
    protected readonly fileDialogService: FileDialogService;

    @inject(WorkspaceService)
    protected readonly workspaceService: WorkspaceService;

    protected datasets: DatasetSummary[] | undefined;
    protected progress: ImportProgress | undefined;
    protected error: string | undefined;
    /** What the view is doing to a dataset (`key` of the dataset -> label), shown on its row. */
    protected readonly busy = new Map<string, string>();
    /** The last action's outcome per dataset, shown on its row until the next refresh of that row. */
    protected readonly outcome = new Map<string, { ok: boolean; text: string }>();

    @postConstruct()
    protected init(): void {
        this.id = DatasetsWidget.ID;
        this.title.label = DatasetsWidget.LABEL;
        this.title.caption = 'Market data in this workspace';
        this.title.iconClass = codicon('database');
        this.title.closable = true;
        this.addClass('backtestr-datasets');
        this.toDispose.push(this.datasetClient.onDatasetsChanged(() => this.refresh()));
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

    protected keyOf(d: DatasetKey): string {
        return `${d.instrumentId}:${d.kind}`;
    }

    protected label(d: DatasetSummary): string {
        return `${d.symbol} ${d.kind}${d.timeframe ? ` ${d.timeframe}` : ''}`;
    }

    /** Runs an action on a dataset with its row marked busy; its outcome is shown on the row. */
    protected async act(d: DatasetSummary, busyLabel: string, action: () => Promise<string | undefined>): Promise<void> {
        const key = this.keyOf(d);
        if (this.busy.has(key)) {
            return;
        }
        this.busy.set(key, busyLabel);
        this.outcome.delete(key);
        this.update();
        try {
            const text = await action();
            if (text) {
                this.outcome.set(key, { ok: true, text });
            }
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            this.outcome.set(key, { ok: false, text: message });
            this.messageService.error(`${this.label(d)}: ${message}`);
        } finally {
            this.busy.delete(key);
            await this.refresh();
        }
    }

    protected async deleteDataset(d: DatasetSummary): Promise<void> {
        const confirmed = await new ConfirmDialog({
            title: 'Delete Dataset',
            msg: `Delete ${this.label(d)} (${d.tickCount.toLocaleString()} ${d.kind === 'bars' ? 'bars' : 'ticks'}) from this workspace? `
                + 'Its bar cache, quality report and quarantine go with it; the source files stay.',
            ok: 'Delete', cancel: 'Cancel'
        }).open();
        if (!confirmed) {
            return;
        }
        await this.act(d, 'Deleting…', async () => {
            await this.datasetService.deleteDataset({ instrumentId: d.instrumentId, kind: d.kind });
            this.messageService.info(`Deleted ${this.label(d)}.`);
            return undefined;
        });
    }

    protected async reimportDataset(d: DatasetSummary): Promise<void> {
        await this.act(d, 'Re-importing…', async () => {
            const result = await this.datasetService.reimportDataset({ instrumentId: d.instrumentId, kind: d.kind });
            return `Re-imported ${result.rows.toLocaleString()} rows, ${result.quarantined.toLocaleString()} quarantined`;
        });
    }

    protected async exportDataset(d: DatasetSummary, format: ExportFormat): Promise<void> {
        const extension = format === 'parquet' ? 'parquet' : 'csv';
        const root = this.workspaceService.tryGetRoots()[0];
        const target = await this.fileDialogService.showSaveDialog({
            title: `Export ${this.label(d)} as ${format === 'parquet' ? 'Parquet (zstd)' : 'CSV'}`,
            saveLabel: 'Export',
            inputValue: `${d.symbol.toLowerCase()}-${d.kind}${d.timeframe ? `-${d.timeframe}` : ''}.${extension}`,
            filters: { [format === 'parquet' ? 'Parquet' : 'CSV']: [extension] }
        }, root);
        if (!target) {
            return;
        }
        await this.act(d, 'Exporting…', async () => {
            const result = await this.datasetService.exportDataset({ instrumentId: d.instrumentId, kind: d.kind }, format, target.path.fsPath());
            return `Exported ${result.rows.toLocaleString()} rows to ${target.path.base} (${megabytes(result.bytes)})`;
        });
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
            {this.datasets.map(d => this.renderDataset(d))}
        </ul>;
    }

    protected renderAction(d: DatasetSummary, testId: string, icon: string, label: string, title: string, run: () => void): React.ReactNode {
        const disabled = this.busy.has(this.keyOf(d));
        return <a href='#' className={`backtestr-link${disabled ? ' backtestr-disabled' : ''}`} data-testid={testId} title={title}
            onClick={e => { e.preventDefault(); if (!disabled) { run(); } }}>
            <span className={codicon(icon)} /> {label}
        </a>;
    }

    protected renderDataset(d: DatasetSummary): React.ReactNode {
        const busy = this.busy.get(this.keyOf(d));
        const outcome = this.outcome.get(this.keyOf(d));
        return <li key={this.keyOf(d)} data-symbol={d.symbol} data-kind={d.kind} data-tick-count={d.tickCount} title={`${d.symbol} (${d.venue})`}>
            <div className='backtestr-dataset-title'>
                <span className='backtestr-dataset-symbol'>{d.symbol}</span>
                <span className='backtestr-muted'>{d.kind}{d.timeframe ? ` ${d.timeframe}` : ''} · {d.venue}</span>
                <span className='backtestr-dataset-quality' data-testid='dataset-quality-score' data-score={d.qualityScore ?? ''}
                    title='Data quality score (0-100): the mean daily score, lowered for quarantined rows'>
                    Quality {d.qualityScore === undefined ? '–' : d.qualityScore.toFixed(1)}
                </span>
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
                {this.renderAction(d, 'dataset-reimport', 'sync', 'Re-import', 'Import again from the recorded sources (the stored data stays if it fails)',
                    () => this.reimportDataset(d))}
                {this.renderAction(d, 'dataset-export-parquet', 'desktop-download', 'Parquet', 'Export as Parquet (zstd)', () => this.exportDataset(d, 'parquet'))}
                {this.renderAction(d, 'dataset-export-csv', 'desktop-download', 'CSV', 'Export as CSV (exact decimals, ISO UTC times)', () => this.exportDataset(d, 'csv'))}
                {this.renderAction(d, 'dataset-delete', 'trash', 'Delete', 'Delete this dataset from the workspace', () => this.deleteDataset(d))}
            </div>
            {busy && <div className='backtestr-muted' data-testid='dataset-busy'>{busy}</div>}
            {outcome && <div className={outcome.ok ? 'backtestr-muted' : 'backtestr-error'} data-testid='dataset-outcome' data-ok={String(outcome.ok)}>
                {outcome.text}
            </div>}
        </li>;
    }
}
