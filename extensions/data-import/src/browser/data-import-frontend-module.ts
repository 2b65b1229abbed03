import { ContainerModule } from '@theia/core/shared/inversify';
import { bindViewContribution, FrontendApplicationContribution, WidgetFactory } from '@theia/core/lib/browser';
import { ServiceConnectionProvider } from '@theia/core/lib/browser/messaging/service-connection-provider';
import { DATASET_SERVICE_PATH, DatasetService } from '../common/dataset-protocol';
import { DataImportViewContribution } from './data-import-view-contribution';
import { DatasetClientImpl } from './dataset-client-impl';
import { DataQualityWidget, DatasetQualityOptions } from './data-quality-widget';
import { DatasetsWidget } from './datasets-widget';
import { ImportWizardWidget } from './import-wizard-widget';
import '../../src/browser/style/data-import.css';

export default new ContainerModule(bind => {
    bind(DatasetClientImpl).toSelf().inSingletonScope();
    bind(DatasetService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<DatasetService>(ctx.container, DATASET_SERVICE_PATH, ctx.container.get(DatasetClientImpl))
    ).inSingletonScope();
    bind(DatasetsWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: DatasetsWidget.ID,
        createWidget: () => ctx.container.get(DatasetsWidget)
    })).inSingletonScope();
    bind(ImportWizardWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: ImportWizardWidget.ID,
        createWidget: () => ctx.container.get(ImportWizardWidget)
    })).inSingletonScope();
    bind(DataQualityWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: DataQualityWidget.FACTORY_ID,
        createWidget: (options: DatasetQualityOptions) => {
            const widget = ctx.container.get(DataQualityWidget);
            widget.setDataset(options);
            return widget;
        }
    })).inSingletonScope();
    bindViewContribution(bind, DataImportViewContribution);
    bind(FrontendApplicationContribution).toService(DataImportViewContribution);
});
