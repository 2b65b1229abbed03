import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { ChartLayout, ChartService } from '../common/chart-protocol';

/** The chart view: a grid of panels, one timeframe each, for one instrument. */
@injectable()
export class ChartViewWidget extends ReactWidget {

    static readonly ID = 'backtestr-charts';
    static readonly LABEL = 'Charts';

    @inject(ChartService)
    protected readonly chartService: ChartService;

    protected chartLayout: ChartLayout | undefined;

    @postConstruct()
    protected init(): void {
        this.id = ChartViewWidget.ID;
        this.title.label = ChartViewWidget.LABEL;
        this.title.caption = 'Multi-timeframe charts';
        this.title.iconClass = codicon('graph-line');
        this.title.closable = true;
        this.addClass('backtestr-charts');
        this.update();
        this.chartService.getDefaultLayout().then(layout => {
            this.chartLayout = layout;
            this.update();
        });
    }

    protected render(): React.ReactNode {
        const layout = this.chartLayout;
        if (!layout) {
            return <div className='backtestr-muted'>Loading layout…</div>;
        }
        return <div className={`backtestr-chart-grid backtestr-chart-grid-${layout.kind}`} data-testid='chart-grid'>
            {layout.timeframes.slice(0, layout.kind).map(tf =>
                <div key={tf} className='backtestr-chart-panel' data-timeframe={tf}>
                    <div className='backtestr-chart-panel-title'>{tf}</div>
                    <div className='backtestr-empty'>Open a dataset or a run to chart it.</div>
                </div>
            )}
        </div>;
    }
}
