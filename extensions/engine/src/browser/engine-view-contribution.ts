import { injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { Command } from '@theia/core/lib/common/command';
import { RunsWidget } from './runs-widget';

export namespace EngineCommands {
    export const SHOW_RUNS: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.engine.showRuns',
        category: 'BackTestr',
        label: 'Show Runs'
    });
}

@injectable()
export class EngineViewContribution extends AbstractViewContribution<RunsWidget> {
    constructor() {
        super({
            widgetId: RunsWidget.ID,
            widgetName: RunsWidget.LABEL,
            defaultWidgetOptions: { area: 'left', rank: 400 },
            toggleCommandId: EngineCommands.SHOW_RUNS.id
        });
    }
}
