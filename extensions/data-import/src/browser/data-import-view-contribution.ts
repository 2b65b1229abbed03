import { inject, injectable } from '@theia/core/shared/inversify';
import { AbstractViewContribution } from '@theia/core/lib/browser/shell/view-contribution';
import { FrontendApplicationContribution } from '@theia/core/lib/browser/frontend-application-contribution';
import { Command, CommandRegistry } from '@theia/core/lib/common/command';
import { MessageService } from '@theia/core/lib/common/message-service';
import { FileDialogService } from '@theia/filesystem/lib/browser/file-dialog/file-dialog-service';
import { DatasetService } from '../common/dataset-protocol';
import { DatasetsWidget } from './datasets-widget';

export namespace DataImportCommands {
    export const SHOW_DATASETS: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.data.showDatasets',
        category: 'BackTestr',
        label: 'Show Datasets'
    });
    export const IMPORT_DATA: Command = Command.toDefaultLocalizedCommand({
        id: 'backtestr.data.importData',
        category: 'BackTestr',
        label: 'Import Data…'
    });
}

@injectable()
export class DataImportViewContribution extends AbstractViewContribution<DatasetsWidget> implements FrontendApplicationContribution {

    @inject(DatasetService)
    protected readonly datasetService: DatasetService;

    @inject(FileDialogService)
    protected readonly fileDialogService: FileDialogService;

    @inject(MessageService)
    protected readonly messageService: MessageService;

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
        registry.registerCommand(DataImportCommands.IMPORT_DATA, { execute: () => this.importData() });
    }

    /** Asks for files or folders, imports them with format detection, and shows the result. */
    protected async importData(): Promise<void> {
        const uris = await this.fileDialogService.showOpenDialog({
            title: 'Import market data', canSelectFiles: true, canSelectFolders: true, canSelectMany: true,
            openLabel: 'Import'
        });
        if (!uris) {
            return;
        }
        const paths = (Array.isArray(uris) ? uris : [uris]).map(uri => uri.path.fsPath());
        const widget = await this.openView({ activate: true, reveal: true });
        const timer = setInterval(async () => widget.setProgress(await this.datasetService.getImportProgress()), 250);
        try {
            const result = await this.datasetService.importData({ paths });
            const quarantined = result.quarantined > 0 ? `, ${result.quarantined.toLocaleString()} rows quarantined` : '';
            const note = result.noMarketData ? ' The files hold instrument definitions but no market data.' : '';
            this.messageService.info(`Imported ${result.rows.toLocaleString()} rows (${result.format}${quarantined}).${note}`);
        } catch (error) {
            this.messageService.error(`Import failed: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
            clearInterval(timer);
            widget.setProgress(undefined);
            await widget.refresh();
        }
    }
}
