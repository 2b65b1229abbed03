// *****************************************************************************
// A workspace database opened read-only (a run never writes, and may run beside the IDE).
// *****************************************************************************

import * as fs from 'fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { WorkspaceDatabase, workspaceDatabasePath, workspaceInstanceOptions } from '@backtestr/data-import/lib/node/workspace-database';

export class ReadOnlyWorkspaceDatabase extends WorkspaceDatabase {
    /** Opens `<root>/.backtestr/workspace.duckdb` read-only; undefined when there is no database there. */
    static async openWorkspace(root: string): Promise<ReadOnlyWorkspaceDatabase | undefined> {
        const dbPath = workspaceDatabasePath(root);
        if (!fs.existsSync(dbPath)) {
            return undefined;
        }
        const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY', ...workspaceInstanceOptions(dbPath) });
        const connection = await instance.connect();
        return new ReadOnlyWorkspaceDatabase(dbPath, instance, connection);
    }
}
