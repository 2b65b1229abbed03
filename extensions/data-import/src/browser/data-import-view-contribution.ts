import { injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { FrontendApplicationContribution } from '@theia/core/lib/browser/frontend-application-contribution';
import { Widget } from '@theia/core/lib/browser/widgets/widget';
import { CommandRegistry } from '@theia/core/lib/common/command';
import { DataImportCommands } from './data-import-commands';
import { DataQualityWidget, DatasetQualityOptions } from './data-quality-widget';
import { DatasetsWidget } from './datasets-widget';
import { ImportWizardWidget } from './import-wizard-widget';

export { DataImportCommands } from './data-import-commands';

@injectable()
export class DataImportViewContribution extends AbstractViewContribution<DatasetsWidget> implements FrontendApplicationContribution {

    constructor() {
        super({
            widgetId: DatasetsWidget.ID,
            widgetName: DatasetsWidget.LABEL,
            defaultWidgetOptions: { area: 'left', rank: 300 }
        });
    }

    /** First start in a workspace: the view is in the side bar, collapsed behind its icon. */
    async initializeLayout(): Promise<void> {
        await this.openView({ activate: false });
    }

    override registerCommands(registry: CommandRegistry): void {
        super.registerCommands(registry);
        registry.registerCommand(DataImportCommands.SHOW_DATASETS, { execute: () => this.openView({ activate: true, reveal: true }) });
        registry.registerCommand(DataImportCommands.IMPORT_DATA, { execute: () => this.openImportWizard() });
        registry.registerCommand(DataImportCommands.SHOW_QUALITY, {
            execute: (options: DatasetQualityOptions) => this.openQuality(options),
            isVisible: () => false
        });
    }

    /** Opens (or reveals) the import wizard in the main area. */
    async openImportWizard(): Promise<ImportWizardWidget> {
        return this.openInMainArea(await this.widgetManager.getOrCreateWidget<ImportWizardWidget>(ImportWizardWidget.ID));
    }

    /** Opens (or reveals) the data quality report of one dataset in the main area. */
    async openQuality(options: DatasetQualityOptions): Promise<DataQualityWidget> {
        return this.openInMainArea(await this.widgetManager.getOrCreateWidget<DataQualityWidget>(DataQualityWidget.FACTORY_ID, options));
    }

    protected async openInMainArea<W extends Widget>(widget: W): Promise<W> {
        if (!widget.isAttached) {
            await this.shell.addWidget(widget, { area: 'main' });
        }
        await this.shell.activateWidget(widget.id);
        return widget;
    }
}
