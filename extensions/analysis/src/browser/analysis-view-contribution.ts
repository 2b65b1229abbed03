import { injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { Command } from '@theia/core/lib/common/command';
import { AnalysisWidget } from './analysis-widget';

export namespace AnalysisCommands {
    export const OPEN_ANALYSIS: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.analysis.open',
        category: 'BackTestr',
        label: 'Open Analysis'
    });
}

@injectable()
export class AnalysisViewContribution extends AbstractViewContribution<AnalysisWidget> {
    constructor() {
        super({
            widgetId: AnalysisWidget.ID,
            widgetName: AnalysisWidget.LABEL,
            defaultWidgetOptions: { area: 'bottom' },
            toggleCommandId: AnalysisCommands.OPEN_ANALYSIS.id
        });
    }
}
