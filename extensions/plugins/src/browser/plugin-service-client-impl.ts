import { injectable } from '@theia/core/shared/inversify';
import { Emitter } from '@theia/core/lib/common/event';
import { PluginServiceClient } from '../common/plugin-protocol';

/** Receives the backend's change notices and re-fires them as an event for the views. */
@injectable()
export class PluginServiceClientImpl implements PluginServiceClient {
    protected readonly onDidChangePluginsEmitter = new Emitter<void>();
    readonly onDidChangePluginsEvent = this.onDidChangePluginsEmitter.event;

    onDidChangePlugins(): void {
        this.onDidChangePluginsEmitter.fire();
    }
}
