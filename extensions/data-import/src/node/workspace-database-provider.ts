// *****************************************************************************
// The backend's one connection to the workspace database: `<workspace root>/.backtestr/workspace.duckdb`,
// opened on first use and shared by the dataset service and the run store (DuckDB allows one
// read-write opener per file).
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { ILogger } from '@theia/core/lib/common/logger';
import { FileUri } from '@theia/core/lib/common/file-uri';
import { inject, injectable, named, optional } from '@theia/core/shared/inversify';
import { WorkspaceServer } from '@theia/workspace/lib/common';
import { defaultWorkspaceRoot, WorkspaceDatabase, workspaceDatabasePath } from './workspace-database';

@injectable()
export class WorkspaceDatabaseProvider {

    @inject(ILogger) @named('data-import:WorkspaceDatabaseProvider')
    protected readonly logger: ILogger;

    @inject(WorkspaceServer) @optional()
    protected readonly workspaceServer?: WorkspaceServer;

    protected database?: Promise<WorkspaceDatabase>;

    /** The workspace root: the opened workspace folder, else `BACKTESTR_WORKSPACE`, else the current directory. */
    async workspaceRoot(): Promise<string> {
        try {
            const uri = await this.workspaceServer?.getMostRecentlyUsedWorkspace();
            if (uri) {
                const p = FileUri.fsPath(uri);
                return fs.existsSync(p) && fs.statSync(p).isFile() ? path.dirname(p) : p;
            }
        } catch (error) {
            this.logger.warn(`No workspace from the workspace server: ${(error as Error).message}`);
        }
        return defaultWorkspaceRoot();
    }

    db(): Promise<WorkspaceDatabase> {
        if (!this.database) {
            this.database = this.workspaceRoot().then(root => {
                const file = workspaceDatabasePath(root);
                this.logger.info(`Workspace database: ${file}`);
                return WorkspaceDatabase.open(file);
            });
            this.database.catch(() => this.database = undefined);
        }
        return this.database;
    }

    dispose(): void {
        this.database?.then(db => db.close()).catch(() => undefined);
        this.database = undefined;
    }
}
