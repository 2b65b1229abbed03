import { DatasetKey } from '../common/dataset-protocol';
import { WorkspaceDatabase } from './workspace-database';

export class DataQuality {
    constructor(readonly db: WorkspaceDatabase) { }
    async compute(_key: DatasetKey): Promise<void> { }
}
