import { Emitter, Event } from '@theia/core/lib/common/event';
import { injectable } from '@theia/core/shared/inversify';
import { RunsChange } from '@backtestr/workspace-store';
import { ActiveRun, EngineClient } from '../common/engine-protocol';

/** Receives what the engine pushes (changes of the stored runs, of the runs in progress, their progress) and re-fires it in the frontend. */
@injectable()
export class EngineClientImpl implements EngineClient {
    protected readonly onDidChangeRunsEmitter = new Emitter<RunsChange>();
    readonly onRunsChanged: Event<RunsChange> = this.onDidChangeRunsEmitter.event;
    protected readonly onDidChangeActiveRunsEmitter = new Emitter<void>();
    readonly onActiveRunsChanged: Event<void> = this.onDidChangeActiveRunsEmitter.event;
    protected readonly onRunProgressEmitter = new Emitter<ActiveRun>();
    readonly onProgress: Event<ActiveRun> = this.onRunProgressEmitter.event;

    onDidChangeRuns(change: RunsChange): void {
        this.onDidChangeRunsEmitter.fire(change);
    }

    onDidChangeActiveRuns(): void {
        this.onDidChangeActiveRunsEmitter.fire();
    }

    onRunProgress(run: ActiveRun): void {
        this.onRunProgressEmitter.fire(run);
    }
}
