import { injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { Command, CommandRegistry } from '@theia/core/lib/common/command';
import { AnalysisWidget } from './analysis-widget';

export namespace AnalysisCommands {
    export const OPEN_ANALYSIS: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.analysis.open',
        category: 'BackTestr',
        label: 'Open Analysis'
    });
    /** Opens the Analysis view on a run: `executeCommand('backtestr.analysis.openRun', { runId })` (the newest run without one). */
    export const OPEN_RUN: Command = { id: 'backtestr.analysis.openRun', category: 'BackTestr', label: 'Open Run Analysis' };
}

@injectable()
export class AnalysisViewContribution extends AbstractViewContribution<AnalysisWidget> {
    constructor() {
        super({
            widgetId: AnalysisWidget.ID,
            widgetName: AnalysisWidget.LABEL,
            defaultWidgetOptions: { area: 'main' }
        });
    }

    override registerCommands(registry: CommandRegistry): void {
        super.registerCommands(registry);
        registry.registerCommand(AnalysisCommands.OPEN_ANALYSIS, { execute: () => this.openView({ activate: true, reveal: true }) });
        registry.registerCommand(AnalysisCommands.OPEN_RUN, {
            execute: async (arg?: { runId?: string }) => {
                const widget = await this.openView({ activate: true, reveal: true });
                await widget.openRun(arg?.runId);
            }
        });
    }
}
