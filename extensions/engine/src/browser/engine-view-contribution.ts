import { inject, injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { FrontendApplicationContribution } from '@theia/core/lib/browser/frontend-application-contribution';
import { KeybindingRegistry } from '@theia/core/lib/browser/keybinding';
import { WidgetManager } from '@theia/core/lib/browser/widget-manager';
import { Command, CommandRegistry } from '@theia/core/lib/common/command';
import { MenuModelRegistry } from '@theia/core/lib/common/menu';
import { EditorManager, EDITOR_CONTEXT_MENU } from '@theia/editor/lib/browser';
import { RunConfigWidget } from './run-config-widget';
import { RunsWidget } from './runs-widget';

export namespace EngineCommands {
    export const SHOW_RUNS: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.engine.showRuns',
        category: 'BackTestr',
        label: 'Show Runs'
    });
    /** Opens the run configuration on the strategy in the editor (or the one given as a URI string). */
    export const RUN: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.engine.run',
        category: 'BackTestr',
        label: 'Run Backtest…'
    });
}

const STRATEGY_FILE = /\.(ts|js|py)$/;

@injectable()
export class EngineViewContribution extends AbstractViewContribution<RunsWidget> implements FrontendApplicationContribution {

    @inject(WidgetManager)
    protected readonly widgets: WidgetManager;

    @inject(EditorManager)
    protected readonly editors: EditorManager;

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
        registry.registerCommand(EngineCommands.RUN, { execute: (uri?: string) => this.openRunConfig(typeof uri === 'string' ? uri : undefined) });
    }

    override registerMenus(menus: MenuModelRegistry): void {
        super.registerMenus(menus);
        menus.registerMenuAction([...EDITOR_CONTEXT_MENU, 'navigation'], { commandId: EngineCommands.RUN.id, label: 'Run Backtest…', order: '0' });
    }

    override registerKeybindings(keybindings: KeybindingRegistry): void {
        super.registerKeybindings(keybindings);
        keybindings.registerKeybinding({ command: EngineCommands.RUN.id, keybinding: 'f5' });
    }

    /** The run configuration in the main area, on `uri` or on the strategy open in the editor. */
    async openRunConfig(uri?: string): Promise<RunConfigWidget> {
        const editorUri = this.editors.currentEditor?.editor.uri.toString();
        const strategy = uri ?? (editorUri && STRATEGY_FILE.test(editorUri) ? editorUri : undefined);
        const widget = await this.widgets.getOrCreateWidget<RunConfigWidget>(RunConfigWidget.ID);
        if (!widget.isAttached) {
            this.shell.addWidget(widget, { area: 'main' });
            // The view shows the new run as the engine pushes it (RunsWidget), as it does a run started elsewhere.
            widget.onDidStartRun(() => this.openView({ activate: true, reveal: true }));
        }
        await this.shell.activateWidget(widget.id);
        await widget.load(strategy);
        return widget;
    }
}
