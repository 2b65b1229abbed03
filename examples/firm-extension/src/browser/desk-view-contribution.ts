import { injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { Command, CommandRegistry } from '@theia/core/lib/common/command';
import { DeskWidget } from './desk-widget';

export namespace DeskCommands {
    export const SHOW_DESK: Command = { id: 'acme.desk.show', category: 'Acme', label: 'Show Desk' };
}

@injectable()
export class DeskViewContribution extends AbstractViewContribution<DeskWidget> {
    constructor() {
        super({ widgetId: DeskWidget.ID, widgetName: DeskWidget.LABEL, defaultWidgetOptions: { area: 'right' } });
    }

    override registerCommands(registry: CommandRegistry): void {
        super.registerCommands(registry);
        registry.registerCommand(DeskCommands.SHOW_DESK, { execute: () => this.openView({ activate: true, reveal: true }) });
    }
}
