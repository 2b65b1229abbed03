import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { MessageService } from '@theia/core/lib/common/message-service';
import { ContributionDescriptor } from '../common/plugin-contribution';
import { CONTRIBUTION_KIND_LABELS } from '../common/plugin-manifest';
import { InstalledPlugin, PluginService, PluginSource } from '../common/plugin-protocol';
import { PluginServiceClientImpl } from './plugin-service-client-impl';

const SOURCE_HINTS: Record<PluginSource['kind'], string> = {
    tgz: '/path/to/plugin-1.0.0.tgz',
    folder: '/path/to/plugin-folder',
    npm: 'package-name@^1.0.0'
};

/** The Plugins view: installed run-time plugins with their state and errors; install, update, enable, disable, uninstall. */
@injectable()
export class PluginsWidget extends ReactWidget {

    static readonly ID = 'backtestr-plugins';
    static readonly LABEL = 'Plugins';

    @inject(PluginService)
    protected readonly pluginService: PluginService;

    @inject(PluginServiceClientImpl)
    protected readonly client: PluginServiceClientImpl;

    @inject(MessageService)
    protected readonly messages: MessageService;

    protected plugins: InstalledPlugin[] | undefined;
    protected buildTime: ContributionDescriptor[] = [];
    protected directory = '';
    protected error: string | undefined;
    protected busy: string | undefined;
    protected sourceKind: PluginSource['kind'] = 'tgz';
    protected sourceLocation = '';

    @postConstruct()
    protected init(): void {
        this.id = PluginsWidget.ID;
        this.title.label = PluginsWidget.LABEL;
        this.title.caption = 'Run-time plugins: indicators, data sources, strategies, report sections';
        this.title.iconClass = codicon('extensions');
        this.title.closable = true;
        this.addClass('backtestr-plugins');
        this.toDispose.push(this.client.onDidChangePluginsEvent(() => this.refresh()));
        this.update();
        void this.refresh();
    }

    async refresh(): Promise<void> {
        try {
            const [plugins, contributions, directory] = await Promise.all([
                this.pluginService.listPlugins(), this.pluginService.listContributions(), this.pluginService.getPluginDirectory()
            ]);
            this.plugins = plugins;
            this.buildTime = contributions.filter(c => c.origin.kind === 'extension');
            this.directory = directory;
        } catch (error) {
            this.error = error instanceof Error ? error.message : String(error);
        }
        this.update();
    }

    /** Installs from `source` (also used by the Install commands); errors are shown in the view and as a message. */
    async install(source: PluginSource): Promise<InstalledPlugin | undefined> {
        return this.run(`Installing ${source.location}…`, async () => {
            const plugin = await this.pluginService.install(source);
            if (plugin.state === 'failed') {
                this.messages.error(`Plugin ${plugin.id} was installed but failed: ${plugin.error}`);
            } else {
                this.messages.info(`Installed plugin ${plugin.displayName} ${plugin.version}.`);
            }
            return plugin;
        });
    }

    protected async run<T>(label: string, task: () => Promise<T>): Promise<T | undefined> {
        this.busy = label;
        this.error = undefined;
        this.update();
        try {
            return await task();
        } catch (error) {
            this.error = error instanceof Error ? error.message : String(error);
            this.messages.error(this.error.split('\n')[0]);
            return undefined;
        } finally {
            this.busy = undefined;
            await this.refresh();
        }
    }

    protected render(): React.ReactNode {
        return <div className='backtestr-view' data-testid='plugins-view'>
            <div className='backtestr-view-section backtestr-plugins-install' data-testid='plugins-install'>
                <div className='backtestr-view-heading'>Install a plugin</div>
                <div className='backtestr-plugins-install-row'>
                    <select className='theia-select' data-testid='plugins-source-kind' value={this.sourceKind}
                        onChange={e => { this.sourceKind = e.currentTarget.value as PluginSource['kind']; this.update(); }}>
                        <option value='tgz'>.tgz file</option>
                        <option value='folder'>Folder</option>
                        <option value='npm'>npm package</option>
                    </select>
                    <input className='theia-input' data-testid='plugins-source-location' placeholder={SOURCE_HINTS[this.sourceKind]}
                        value={this.sourceLocation} spellCheck={false}
                        onChange={e => { this.sourceLocation = e.currentTarget.value; this.update(); }}
                        onKeyDown={e => e.key === 'Enter' && this.installFromForm()} />
                    <button className='theia-button' data-testid='plugins-install-button' disabled={!!this.busy || !this.sourceLocation.trim()}
                        onClick={() => this.installFromForm()}>Install</button>
                </div>
                <div className='backtestr-muted'>Into {this.directory || '…'}</div>
            </div>
            {this.busy && <div className='backtestr-muted' data-testid='plugins-busy'>{this.busy}</div>}
            {this.error && <div className='backtestr-error' data-testid='plugins-error'>{this.error}</div>}
            {this.renderPlugins()}
            {this.renderBuildTime()}
        </div>;
    }

    protected async installFromForm(): Promise<void> {
        if (!this.sourceLocation.trim() || this.busy) {
            return;
        }
        const plugin = await this.install({ kind: this.sourceKind, location: this.sourceLocation.trim() });
        if (plugin) {
            this.sourceLocation = '';
            this.update();
        }
    }

    protected renderPlugins(): React.ReactNode {
        if (!this.plugins) {
            return <div className='backtestr-muted'>Loading…</div>;
        }
        if (this.plugins.length === 0) {
            return <div className='backtestr-empty' data-testid='plugins-empty'>No plugins installed.</div>;
        }
        return <ul className='backtestr-plugin-list'>
            {this.plugins.map(p => <li key={p.id} data-testid='plugin-item' data-plugin-id={p.id} data-state={p.state}>
                <div className='backtestr-plugin-title'>
                    <span className='backtestr-plugin-name'>{p.displayName}</span>
                    <span className='backtestr-muted'>{p.version} · {p.publisher}</span>
                    <span className={`backtestr-plugin-state backtestr-plugin-state-${p.state}`} data-testid='plugin-state'>{p.state}</span>
                </div>
                <div className='backtestr-muted'>{p.id} · SDK {p.sdk} · from {p.source.kind} {p.source.location}</div>
                {p.description && <div>{p.description}</div>}
                <div className='backtestr-plugin-contributions' data-testid='plugin-contributions'>
                    {p.contributions.map(c => <span key={`${c.kind}:${c.id}`} className='backtestr-plugin-contribution'>{CONTRIBUTION_KIND_LABELS[c.kind]} {c.id}</span>)}
                </div>
                {p.error && <div className='backtestr-error' data-testid='plugin-error'>{p.error}</div>}
                <div className='backtestr-plugin-actions'>
                    {p.state === 'enabled'
                        ? <button className='theia-button secondary' data-testid='plugin-disable' disabled={!!this.busy}
                            onClick={() => this.run(`Disabling ${p.id}…`, () => this.pluginService.disable(p.id))}>Disable</button>
                        : <button className='theia-button secondary' data-testid='plugin-enable' disabled={!!this.busy}
                            onClick={() => this.run(`Enabling ${p.id}…`, () => this.pluginService.enable(p.id))}>Enable</button>}
                    <button className='theia-button secondary' data-testid='plugin-update' disabled={!!this.busy} title={`Install again from ${p.source.location}`}
                        onClick={() => this.run(`Updating ${p.id}…`, () => this.pluginService.update(p.id))}>Update</button>
                    <button className='theia-button secondary' data-testid='plugin-uninstall' disabled={!!this.busy}
                        onClick={() => this.run(`Uninstalling ${p.id}…`, () => this.pluginService.uninstall(p.id))}>Uninstall</button>
                </div>
            </li>)}
        </ul>;
    }

    protected renderBuildTime(): React.ReactNode {
        if (this.buildTime.length === 0) {
            return undefined;
        }
        return <div className='backtestr-view-section' data-testid='plugins-build-time'>
            <div className='backtestr-view-heading'>Built into this application</div>
            <ul className='backtestr-plugin-list'>
                {this.buildTime.map(c => <li key={`${c.kind}:${c.id}`} data-testid='build-time-contribution'>
                    {CONTRIBUTION_KIND_LABELS[c.kind]} <b>{c.label}</b> <span className='backtestr-muted'>{c.id} · {c.origin.id}</span>
                </li>)}
            </ul>
        </div>;
    }
}
