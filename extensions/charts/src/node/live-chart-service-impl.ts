import { inject, injectable } from '@theia/core/shared/inversify';
import { LiveChartClient, LiveChartService, LiveChartUpdate, LiveRun } from '../common/live-chart-protocol';
import { LiveRunHub } from './live-run-hub';

/** One per frontend connection: its client hears of runs starting and of the runs it follows. */
@injectable()
export class LiveChartServiceImpl implements LiveChartService {

    @inject(LiveRunHub)
    protected readonly hub: LiveRunHub;

    protected client: LiveChartClient | undefined;

    setClient(client: LiveChartClient | undefined): void {
        if (this.client) {
            this.hub.removeClient(this.client);
        }
        this.client = client;
        if (client) {
            this.hub.addClient(client);
        }
    }

    async activeRuns(): Promise<LiveRun[]> {
        return this.hub.activeRuns();
    }

    async follow(runId: string): Promise<LiveChartUpdate | undefined> {
        return this.client ? this.hub.follow(runId, this.client) : undefined;
    }

    async unfollow(runId: string): Promise<void> {
        if (this.client) {
            this.hub.unfollow(runId, this.client);
        }
    }

    dispose(): void {
        this.setClient(undefined);
    }
}
