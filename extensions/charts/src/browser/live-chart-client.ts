import { injectable } from '@theia/core/shared/inversify';
import { Emitter, Event } from '@theia/core/lib/common';
import { LiveChartClient, LiveChartUpdate, LiveRun, LiveRunStatus } from '../common/live-chart-protocol';

/** The frontend's end of the live chart service: the backend's pushes as events. */
@injectable()
export class LiveChartClientImpl implements LiveChartClient {
    protected readonly startedEmitter = new Emitter<LiveRun>();
    readonly onDidStartRun: Event<LiveRun> = this.startedEmitter.event;
    protected readonly updateEmitter = new Emitter<LiveChartUpdate>();
    readonly onDidUpdate: Event<LiveChartUpdate> = this.updateEmitter.event;
    protected readonly endedEmitter = new Emitter<{ runId: string; status: LiveRunStatus }>();
    readonly onDidEndRun: Event<{ runId: string; status: LiveRunStatus }> = this.endedEmitter.event;

    onLiveRunStarted(run: LiveRun): void {
        this.startedEmitter.fire(run);
    }

    onLiveUpdate(update: LiveChartUpdate): void {
        this.updateEmitter.fire(update);
    }

    onLiveRunEnded(runId: string, status: LiveRunStatus): void {
        this.endedEmitter.fire({ runId, status });
    }
}
