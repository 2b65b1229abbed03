import { injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { Command, CommandRegistry } from '@theia/core/lib/common/command';
import { ChartViewWidget } from './chart-view-widget';

export namespace ChartsCommands {
    export const OPEN_CHARTS: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.charts.open',
        category: 'BackTestr',
        label: 'Open Charts'
    });
}

@injectable()
export class ChartsViewContribution extends AbstractViewContribution<ChartViewWidget> {
    constructor() {
        super({
            widgetId: ChartViewWidget.ID,
            widgetName: ChartViewWidget.LABEL,
            defaultWidgetOptions: { area: 'main' }
        });
    }

    override registerCommands(registry: CommandRegistry): void {
        super.registerCommands(registry);
        registry.registerCommand(ChartsCommands.OPEN_CHARTS, { execute: () => this.openView({ activate: true, reveal: true }) });
    }
}
