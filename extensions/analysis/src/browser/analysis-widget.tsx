import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { AnalysisService } from '../common/analysis-protocol';
import { StatisticDefinition } from '../common/statistics/statistic-definitions';

/** The analysis dashboard of a run: headline metrics, equity, trades, heatmaps. */
@injectable()
export class AnalysisWidget extends ReactWidget {

    static readonly ID = 'backtestr-analysis';
    static readonly LABEL = 'Analysis';

    @inject(AnalysisService)
    protected readonly analysisService: AnalysisService;

    protected definitions: readonly StatisticDefinition[] = [];

    @postConstruct()
    protected init(): void {
        this.id = AnalysisWidget.ID;
        this.title.label = AnalysisWidget.LABEL;
        this.title.caption = 'Run analysis';
        this.title.iconClass = codicon('graph');
        this.title.closable = true;
        this.addClass('backtestr-analysis');
        this.update();
        this.analysisService.listStatisticDefinitions().then(definitions => {
            this.definitions = definitions;
            this.update();
        });
    }

    protected render(): React.ReactNode {
        return <div className='backtestr-view' data-testid='analysis-view'>
            <div className='backtestr-view-heading'>No run selected</div>
            <div className='backtestr-muted'>Finish a backtest to see its statistics. The metrics and how they are computed:</div>
            <table className='backtestr-table'>
                <tbody>
                    {this.definitions.map(d => <tr key={d.id}><td>{d.label}</td><td><code>{d.formula}</code></td></tr>)}
                </tbody>
            </table>
        </div>;
    }
}
