import { inject, injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { QuickInputService, QuickPickItem } from '@theia/core/lib/browser/quick-input';
import { Command, CommandRegistry } from '@theia/core/lib/common/command';
import { DatasetKey } from '@backtestr/workspace-store';
import { DatasetService } from '@backtestr/data-import';
import { ChartViewWidget } from './chart-view-widget';

export namespace ChartsCommands {
    export const OPEN_CHARTS: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.charts.open',
        category: 'BackTestr',
        label: 'Open Charts'
    });
    /** Opens the chart view on a dataset: with a `DatasetKey` argument (e.g. from the Datasets view), or picked from a list. */
    export const OPEN_CHART: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.charts.openDataset',
        category: 'BackTestr',
        label: 'Open Chart'
    });
    /** Opens a stored run in walkback replay: `{ runId, time }` (the analysis view's trade table sends it). */
    export const OPEN_REPLAY: Command = { id: 'backtestr.charts.openReplay' };
}

@injectable()
export class ChartsViewContribution extends AbstractViewContribution<ChartViewWidget> {

    @inject(DatasetService) protected readonly datasets: DatasetService;
    @inject(QuickInputService) protected readonly quickInput: QuickInputService;

    constructor() {
        super({
            widgetId: ChartViewWidget.ID,
            widgetName: ChartViewWidget.LABEL,
            defaultWidgetOptions: { area: 'main' }
        });
    }

    override registerCommands(registry: CommandRegistry): void {
        super.registerCommands(registry);
        registry.registerCommand(ChartsCommands.OPEN_CHARTS, { execute: () => this.openView({ activate: true, reveal: true }) });
        registry.registerCommand(ChartsCommands.OPEN_CHART, { execute: (key?: DatasetKey) => this.openChart(key) });
        registry.registerCommand(ChartsCommands.OPEN_REPLAY, {
            execute: async (arg?: { runId?: string; time?: number }) => {
                if (arg?.runId) {
                    const widget = await this.openView({ activate: true, reveal: true });
                    await widget.openRun(arg.runId, arg.time);
                }
            }
        });
    }

    async openChart(key?: DatasetKey): Promise<ChartViewWidget | undefined> {
        let dataset = key && typeof key.instrumentId === 'number' ? key : undefined;
        if (!dataset) {
            const items: (QuickPickItem & { key: DatasetKey })[] = (await this.datasets.listDatasets())
                .filter(d => d.kind !== 'bars')
                .map(d => ({ label: `${d.symbol} ${d.kind}`, description: `${d.tickCount.toLocaleString()} ticks`, key: { instrumentId: d.instrumentId, kind: d.kind } }));
            const picked = await this.quickInput.showQuickPick(items, { placeholder: 'Dataset to chart' });
            dataset = picked?.key;
        }
        if (!dataset) {
            return undefined;
        }
        const widget = await this.openView({ activate: true, reveal: true });
        await widget.openDataset(dataset, undefined);
        return widget;
    }
}
