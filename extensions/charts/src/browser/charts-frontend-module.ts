import { ContainerModule } from '@theia/core/shared/inversify';
import { bindViewContribution, WidgetFactory } from '@theia/core/lib/browser';
import { ServiceConnectionProvider } from '@theia/core/lib/browser/messaging/service-connection-provider';
import { REPLAY_SERVICE_PATH, ReplayService } from '../common/replay-protocol';
import { RUN_OVERLAY_SERVICE_PATH, RunOverlayService } from '../common/run-overlay-protocol';
import { ChartsViewContribution } from './charts-view-contribution';
import { ChartViewWidget } from './chart-view-widget';
import { LIVE_CHART_SERVICE_PATH, LiveChartService } from '../common/live-chart-protocol';
import { LiveChartClientImpl } from './live-chart-client';
import '../../src/browser/style/charts.css';

export default new ContainerModule(bind => {
    bind(ReplayService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<ReplayService>(ctx.container, REPLAY_SERVICE_PATH)
    ).inSingletonScope();
    bind(RunOverlayService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<RunOverlayService>(ctx.container, RUN_OVERLAY_SERVICE_PATH)
    ).inSingletonScope();
    bind(LiveChartClientImpl).toSelf().inSingletonScope();
    bind(LiveChartService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<LiveChartService>(ctx.container, LIVE_CHART_SERVICE_PATH, ctx.container.get(LiveChartClientImpl))
    ).inSingletonScope();
    bind(ChartViewWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: ChartViewWidget.ID,
        createWidget: () => ctx.container.get(ChartViewWidget)
    })).inSingletonScope();
    bindViewContribution(bind, ChartsViewContribution);
});
