import { injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { FrontendApplicationContribution } from '@theia/core/lib/browser/frontend-application-contribution';
import { Command, CommandRegistry } from '@theia/core/lib/common/command';
import { RunsWidget } from './runs-widget';

export namespace EngineCommands {
    export const SHOW_RUNS: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.engine.showRuns',
        category: 'BackTestr',
        label: 'Show Runs'
    });
}

@injectable()
export class EngineViewContribution extends AbstractViewContribution<RunsWidget> implements FrontendApplicationContribution {
    constructor() {
        super({
            widgetId: RunsWidget.ID,
            widgetName: RunsWidget.LABEL,
            defaultWidgetOptions: { area: 'left', rank: 400 }
        });
    }

    /** First start in a workspace: the view is in the side bar, collapsed behind its icon. */
    async initializeLayout(): Promise<void> {
        await this.openView({ activate: false });
    }

    override registerCommands(registry: CommandRegistry): void {
        super.registerCommands(registry);
        registry.registerCommand(EngineCommands.SHOW_RUNS, { execute: () => this.openView({ activate: true, reveal: true }) });
    }
}
