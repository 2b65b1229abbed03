import { ContainerModule } from '@theia/core/shared/inversify';
import { bindViewContribution, FrontendApplicationContribution, WidgetFactory } from '@theia/core/lib/browser';
import { ServiceConnectionProvider } from '@theia/core/lib/browser/messaging/service-connection-provider';
import { DATASET_SERVICE_PATH, DatasetService } from '../common/dataset-protocol';
import { DataImportViewContribution } from './data-import-view-contribution';
import { DatasetsWidget } from './datasets-widget';
import '../../src/browser/style/data-import.css';

export default new ContainerModule(bind => {
    bind(DatasetService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<DatasetService>(ctx.container, DATASET_SERVICE_PATH)
    ).inSingletonScope();
    bind(DatasetsWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: DatasetsWidget.ID,
        createWidget: () => ctx.container.get(DatasetsWidget)
    })).inSingletonScope();
    bindViewContribution(bind, DataImportViewContribution);
    bind(FrontendApplicationContribution).toService(DataImportViewContribution);
});
