import { Command } from '@theia/core/lib/common/command';

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
    /** Opens the data quality report of one dataset; argument: a `DatasetQualityOptions`. */
    export const SHOW_QUALITY: Command = {
        id: 'backtestr.data.showQuality'
    };
}
