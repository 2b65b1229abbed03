import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { CommandRegistry } from '@theia/core/lib/common/command';
import { ProductInfo, WorkbenchService } from '../common/workbench-protocol';

/** A link on the welcome page: runs a command when it is registered, hidden otherwise. */
interface WelcomeAction {
    readonly commandId: string;
    readonly label: string;
    readonly detail: string;
}

export const WELCOME_ACTIONS: readonly WelcomeAction[] = [
    { commandId: 'backtestr.data.importData', label: 'Import market data…', detail: 'CSV, zipped daily files, binary records or FIX logs into the workspace database.' },
    { commandId: 'backtestr.data.showDatasets', label: 'Show datasets', detail: 'Instruments, date ranges, tick counts and data quality of this workspace.' },
    { commandId: 'backtestr.workbench.openSampleStrategy', label: 'Open the sample strategy', detail: 'An SMA cross on 1-minute bars with a 1-hour trend filter.' },
    { commandId: 'backtestr.engine.run', label: 'Run it', detail: 'Backtest the open strategy tick by tick on the sample data.' },
    { commandId: 'backtestr.engine.showRuns', label: 'Show runs', detail: 'The native engine and the backtests of this workspace.' },
    { commandId: 'backtestr.charts.open', label: 'Open charts', detail: 'Six synchronized timeframes: 1m, 5m, 15m, 1H, 4H, 1D.' },
    { commandId: 'backtestr.analysis.open', label: 'Open analysis', detail: 'Statistics, trades and reports of a finished run.' }
];

@injectable()
export class WelcomeWidget extends ReactWidget {

    static readonly ID = 'backtestr-welcome';
    static readonly LABEL = 'Welcome to BackTestr';

    @inject(CommandRegistry)
    protected readonly commands: CommandRegistry;

    @inject(WorkbenchService)
    protected readonly workbenchService: WorkbenchService;

    protected product: ProductInfo | undefined;

    @postConstruct()
    protected init(): void {
        this.id = WelcomeWidget.ID;
        this.title.label = WelcomeWidget.LABEL;
        this.title.caption = WelcomeWidget.LABEL;
        this.title.iconClass = codicon('pulse');
        this.title.closable = true;
        this.addClass('backtestr-welcome');
        this.update();
        this.workbenchService.getProductInfo().then(product => {
            this.product = product;
            this.update();
        });
    }

    protected render(): React.ReactNode {
        const actions = WELCOME_ACTIONS.filter(action => this.commands.getCommand(action.commandId));
        return <div className='backtestr-welcome-page' data-testid='welcome-page'>
            <h1>BackTestr{this.product ? <span className='backtestr-muted'> {this.product.version}</span> : undefined}</h1>
            <p className='backtestr-welcome-lead'>
                A strategy IDE for traders. Import tick data into an embedded DuckDB, backtest your algorithm
                tick by tick with a multi-timeframe view of the market (1m, 5m, 15m, 1H, 4H, 1D) that never
                leaks the future, then walk back through every decision on six synchronized charts.
            </p>
            {this.product && <p className='backtestr-muted' data-testid='sample-data-source'>
                Sample data: {this.product.sampleDataSource === 'real'
                    ? 'real SPY trades (2013-10) and EURUSD quotes (2014-05)'
                    : 'synthetic ticks from the built-in generator'}
            </p>}
            <h2>Start</h2>
            <ul className='backtestr-welcome-actions'>
                {actions.map(action => <li key={action.commandId}>
                    <a href='#' role='button' data-command={action.commandId}
                        onClick={e => { e.preventDefault(); this.commands.executeCommand(action.commandId); }}>{action.label}</a>
                    <div className='backtestr-muted'>{action.detail}</div>
                </li>)}
            </ul>
        </div>;
    }
}
