import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { ContainerModule } from '@theia/core/shared/inversify';
import { REPLAY_SERVICE_PATH, ReplayService } from '../common/replay-protocol';
import { ReplayServiceImpl } from './replay-service-impl';
import { RUN_OVERLAY_SERVICE_PATH, RunOverlayService } from '../common/run-overlay-protocol';
import { RunOverlayServiceImpl } from './run-overlay-service-impl';
import { RunLiveFeed } from '@backtestr/engine';
import { LIVE_CHART_SERVICE_PATH, LiveChartClient } from '../common/live-chart-protocol';
import { LiveRunHub } from './live-run-hub';
import { LiveChartServiceImpl } from './live-chart-service-impl';

export default new ContainerModule(bind => {
    bind(ReplayServiceImpl).toSelf().inSingletonScope();
    bind(ReplayService).toService(ReplayServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(REPLAY_SERVICE_PATH, () => ctx.container.get<ReplayService>(ReplayService))
    ).inSingletonScope();
    bind(RunOverlayServiceImpl).toSelf().inSingletonScope();
    bind(RunOverlayService).toService(RunOverlayServiceImpl);
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler(RUN_OVERLAY_SERVICE_PATH, () => ctx.container.get<RunOverlayService>(RunOverlayService))
    ).inSingletonScope();
    // Runs in progress: the engine reports to the hub, the hub pushes to the views following a run.
    bind(LiveRunHub).toSelf().inSingletonScope();
    bind(RunLiveFeed).toService(LiveRunHub);
    bind(LiveChartServiceImpl).toSelf();
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler<LiveChartClient>(LIVE_CHART_SERVICE_PATH, client => {
            const service = ctx.container.get(LiveChartServiceImpl);
            service.setClient(client);
            client.onDidCloseConnection(() => service.dispose());
            return service;
        })
    ).inSingletonScope();
});
