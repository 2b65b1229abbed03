import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { EngineInfo, EngineService } from '../common/engine-protocol';

/** The Runs view: the native engine's state and the backtests of this workspace. */
@injectable()
export class RunsWidget extends ReactWidget {

    static readonly ID = 'backtestr-runs';
    static readonly LABEL = 'Runs';

    @inject(EngineService)
    protected readonly engineService: EngineService;

    protected info: EngineInfo | undefined;
    protected loadError: string | undefined;

    @postConstruct()
    protected init(): void {
        this.id = RunsWidget.ID;
        this.title.label = RunsWidget.LABEL;
        this.title.caption = 'Backtest runs';
        this.title.iconClass = codicon('run-all');
        this.title.closable = true;
        this.addClass('backtestr-runs');
        this.update();
        this.refresh();
    }

    async refresh(): Promise<void> {
        try {
            this.info = await this.engineService.getEngineInfo();
            this.loadError = undefined;
        } catch (error) {
            this.loadError = error instanceof Error ? error.message : String(error);
        }
        this.update();
    }

    protected render(): React.ReactNode {
        return <div className='backtestr-view' data-testid='runs-view'>
            <div className='backtestr-view-section'>
                <div className='backtestr-view-heading'>Engine</div>
                {this.renderEngine()}
            </div>
            <div className='backtestr-view-section'>
                <div className='backtestr-view-heading'>Runs</div>
                <div className='backtestr-empty'>No runs in this workspace yet.</div>
            </div>
        </div>;
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
