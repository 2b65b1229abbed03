import { inject, injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { QuickInputService } from '@theia/core/lib/common/quick-pick-service';
import { Command, CommandRegistry } from '@theia/core/lib/common/command';
import { PluginSource } from '../common/plugin-protocol';
import { PluginsWidget } from './plugins-widget';

export namespace PluginsCommands {
    export const SHOW_PLUGINS: Command = Command.toDefaultLocalizedCommand({ id: 'backtestr.plugins.show', category: 'BackTestr', label: 'Show Plugins' });
    export const INSTALL_FROM_TGZ: Command = Command.toDefaultLocalizedCommand({ id: 'backtestr.plugins.installTgz', category: 'BackTestr', label: 'Install Plugin from .tgz…' });
    export const INSTALL_FROM_FOLDER: Command = Command.toDefaultLocalizedCommand({ id: 'backtestr.plugins.installFolder', category: 'BackTestr', label: 'Install Plugin from Folder…' });
    export const INSTALL_FROM_NPM: Command = Command.toDefaultLocalizedCommand({ id: 'backtestr.plugins.installNpm', category: 'BackTestr', label: 'Install Plugin from npm…' });
}

@injectable()
export class PluginsViewContribution extends AbstractViewContribution<PluginsWidget> {

    @inject(QuickInputService)
    protected readonly quickInput: QuickInputService;

    constructor() {
        super({
            widgetId: PluginsWidget.ID,
            widgetName: PluginsWidget.LABEL,
            defaultWidgetOptions: { area: 'left', rank: 500 }
        });
    }

    override registerCommands(registry: CommandRegistry): void {
        super.registerCommands(registry);
        registry.registerCommand(PluginsCommands.SHOW_PLUGINS, { execute: () => this.openView({ activate: true, reveal: true }) });
        registry.registerCommand(PluginsCommands.INSTALL_FROM_TGZ, { execute: () => this.askAndInstall('tgz', 'Path of the plugin .tgz (made by "npm pack")') });
        registry.registerCommand(PluginsCommands.INSTALL_FROM_FOLDER, { execute: () => this.askAndInstall('folder', 'Path of the plugin folder (holding its package.json)') });
        registry.registerCommand(PluginsCommands.INSTALL_FROM_NPM, { execute: () => this.askAndInstall('npm', 'npm package name with an optional version range, e.g. acme-keltner@^1.0.0') });
    }

    protected async askAndInstall(kind: PluginSource['kind'], prompt: string): Promise<void> {
        const location = await this.quickInput.input({ prompt, placeHolder: prompt, ignoreFocusLost: true });
        if (!location?.trim()) {
            return;
        }
        const widget = await this.openView({ activate: true, reveal: true });
        await widget.install({ kind, location: location.trim() });
    }
}
