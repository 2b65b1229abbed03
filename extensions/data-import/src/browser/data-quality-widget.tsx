import * as React from '@theia/core/shared/react';
import { inject, injectable } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { DatasetKind, DatasetService, QualityReport } from '../common/dataset-protocol';

/** Which dataset a Data Quality widget shows; also the options of its widget factory. */
export interface DatasetQualityOptions {
    readonly instrumentId: number;
    readonly kind: DatasetKind;
    readonly symbol: string;
}

/** The data quality report of one dataset: its score, how it is scored, and one row per day. */
@injectable()
export class DataQualityWidget extends ReactWidget {

    static readonly FACTORY_ID = 'backtestr-data-quality';

    static idOf(options: DatasetQualityOptions): string {
        return `${DataQualityWidget.FACTORY_ID}:${options.instrumentId}:${options.kind}`;
    }

    @inject(DatasetService)
    protected readonly datasetService: DatasetService;

    protected options: DatasetQualityOptions;
    protected report: QualityReport | undefined;
    protected error: string | undefined;
    protected loading = false;

    /** Called once by the widget factory. */
    setDataset(options: DatasetQualityOptions): void {
        this.options = options;
        this.id = DataQualityWidget.idOf(options);
        this.title.label = `Quality: ${options.symbol} ${options.kind}`;
        this.title.caption = `Data quality of ${options.symbol} ${options.kind}`;
        this.title.iconClass = codicon('pulse');
        this.title.closable = true;
        this.addClass('backtestr-data-quality');
        this.update();
        this.refresh();
    }

    /** Loads the stored report, computing it when there is none yet. */
    async refresh(recompute = false): Promise<void> {
        this.loading = true;
        this.update();
        try {
            const key = { instrumentId: this.options.instrumentId, kind: this.options.kind };
            this.report = (recompute ? undefined : await this.datasetService.getQualityReport(key))
                ?? await this.datasetService.computeQualityReport(key);
            this.error = undefined;
        } catch (error) {
            this.error = error instanceof Error ? error.message : String(error);
        } finally {
            this.loading = false;
            this.update();
        }
    }

    protected render(): React.ReactNode {
        return <div className='backtestr-view' data-testid='quality-view'>
            <div className='backtestr-view-section backtestr-quality-header'>
                <h2>{this.options?.symbol} {this.options?.kind}</h2>
                {this.report && <span className='backtestr-quality-score' data-testid='quality-score'
                    title='Data quality score (0-100)'>{this.report.score.toFixed(1)}</span>}
                <button className='theia-button secondary' disabled={this.loading} onClick={() => this.refresh(true)}>Recompute</button>
            </div>
            {this.error && <div className='backtestr-error' data-testid='quality-error'>{this.error}</div>}
            {this.loading && <div className='backtestr-muted'>Loading…</div>}
            {this.report && this.renderReport(this.report)}
        </div>;
    }

    protected renderReport(report: QualityReport): React.ReactNode {
        return <React.Fragment>
            <div className='backtestr-view-section backtestr-muted' data-testid='quality-scoring'>{report.scoring}</div>
            {report.days.length === 0
                ? <div className='backtestr-empty'>No days in this dataset.</div>
                : <table className='backtestr-table backtestr-quality-table' data-testid='quality-days'>
                    <thead><tr>
                        <th>Day</th><th>Ticks</th><th>Gaps</th><th>Longest gap</th><th>Duplicates</th><th>Out of order</th>
                        <th>Crossed</th><th>Spikes</th><th>Outside session</th><th>Quarantined</th><th>Score</th>
                    </tr></thead>
                    <tbody>
                        {report.days.map(d => <tr key={d.day} data-testid='quality-day-row' data-day={d.day}>
                            <td>{d.day}</td>
                            <td>{d.tickCount.toLocaleString()}</td>
                            <td>{d.gaps.toLocaleString()}</td>
                            <td>{formatSeconds(d.longestGapSeconds)}</td>
                            <td>{d.duplicates.toLocaleString()}</td>
                            <td>{d.outOfOrder.toLocaleString()}</td>
                            <td>{d.crossedQuotes.toLocaleString()}</td>
                            <td>{d.spikes.toLocaleString()}</td>
                            <td>{d.outsideSession.toLocaleString()}</td>
                            <td>{d.quarantined.toLocaleString()}</td>
                            <td className={d.score < 80 ? 'backtestr-quality-low' : undefined}>{d.score.toFixed(1)}</td>
                        </tr>)}
                    </tbody>
                </table>}
        </React.Fragment>;
    }
}

function formatSeconds(seconds: number): string {
    if (seconds >= 3600) {
        return `${(seconds / 3600).toFixed(1)} h`;
    }
    if (seconds >= 60) {
        return `${(seconds / 60).toFixed(1)} min`;
    }
    return `${seconds.toFixed(1)} s`;
}
