import { Emitter, Event } from '@theia/core/lib/common/event';
import { injectable } from '@theia/core/shared/inversify';
import { DatasetClient } from '../common/dataset-protocol';

/** Receives what the dataset service pushes (the workspace's datasets changed) and re-fires it in the frontend. */
@injectable()
export class DatasetClientImpl implements DatasetClient {
    protected readonly onDidChangeDatasetsEmitter = new Emitter<void>();
    readonly onDatasetsChanged: Event<void> = this.onDidChangeDatasetsEmitter.event;

    onDidChangeDatasets(): void {
        this.onDidChangeDatasetsEmitter.fire();
    }
}
