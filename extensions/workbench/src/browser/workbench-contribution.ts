import { inject, injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { FrontendApplication } from '@theia/core/lib/browser/frontend-application';
import { FrontendApplicationContribution } from '@theia/core/lib/browser/frontend-application-contribution';
import { open, OpenerService } from '@theia/core/lib/browser/opener-service';
import { MessageService } from '@theia/core/lib/common/message-service';
import { Command, CommandRegistry } from '@theia/core/lib/common/command';
import { WorkspaceService } from '@theia/workspace/lib/browser/workspace-service';
import { SAMPLE_STRATEGY_PATH } from '../common/workbench-protocol';
import { WelcomeWidget } from './welcome-widget';

export namespace WorkbenchCommands {
    export const SHOW_WELCOME: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.workbench.showWelcome',
        category: 'BackTestr',
        label: 'Welcome'
    });
    export const OPEN_SAMPLE_STRATEGY: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.workbench.openSampleStrategy',
        category: 'BackTestr',
        label: 'Open Sample Strategy'
    });
}

@injectable()
export class WorkbenchContribution extends AbstractViewContribution<WelcomeWidget> implements FrontendApplicationContribution {

    @inject(WorkspaceService)
    protected readonly workspaceService: WorkspaceService;

    @inject(OpenerService)
    protected readonly openerService: OpenerService;

    @inject(MessageService)
    protected readonly messageService: MessageService;

    constructor() {
        super({
            widgetId: WelcomeWidget.ID,
            widgetName: WelcomeWidget.LABEL,
            defaultWidgetOptions: { area: 'main' }
        });
    }

    /** Called only when there is no stored layout: the first start in this workspace. */
    async initializeLayout(_app: FrontendApplication): Promise<void> {
        await this.openView({ activate: true, reveal: true });
    }

    override registerCommands(registry: CommandRegistry): void {
        super.registerCommands(registry);
        registry.registerCommand(WorkbenchCommands.SHOW_WELCOME, { execute: () => this.openView({ activate: true, reveal: true }) });
        registry.registerCommand(WorkbenchCommands.OPEN_SAMPLE_STRATEGY, {
            execute: () => this.openSampleStrategy()
        });
    }

    protected async openSampleStrategy(): Promise<void> {
        const roots = await this.workspaceService.roots;
        if (roots.length === 0) {
            this.messageService.warn('Open a folder first: the sample strategy lives in the sample workspace.');
            return;
        }
        const uri = roots[0].resource.resolve(SAMPLE_STRATEGY_PATH);
        await open(this.openerService, uri);
    }
}
