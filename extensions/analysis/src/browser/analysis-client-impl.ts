import { Emitter, Event } from '@theia/core/lib/common/event';
import { injectable } from '@theia/core/shared/inversify';
import { AnalysisClient, RunChangeEvent } from '../common/analysis-protocol';

/** Receives the backend's run changes (live figures of running runs, ends of runs) and re-fires them in the frontend. */
@injectable()
export class AnalysisClientImpl implements AnalysisClient {
    protected readonly onDidChangeRunEmitter = new Emitter<RunChangeEvent>();
    readonly onRunChanged: Event<RunChangeEvent> = this.onDidChangeRunEmitter.event;

    onDidChangeRun(event: RunChangeEvent): void {
        this.onDidChangeRunEmitter.fire(event);
    }
}
