// *****************************************************************************
// The backend's one connection to the workspace database: `<workspace root>/.backtestr/workspace.duckdb`,
// opened on first use and shared by the dataset service and the run store (DuckDB allows one
// read-write opener per file). Opening it makes this process the workspace's owner (workspace-owner.ts):
// the CLI's commands on this workspace come here through the owner socket and run on this database.
// *****************************************************************************

import * as fs from 'fs';
import * as path from 'path';
import { ILogger } from '@theia/core/lib/common/logger';
import { FileUri } from '@theia/core/lib/common/file-uri';
import { inject, injectable, named, optional } from '@theia/core/shared/inversify';
import { WorkspaceServer } from '@theia/workspace/lib/common';
import { defaultWorkspaceRoot, WorkspaceDatabase, workspaceDatabasePath } from './workspace-database';
import { findWorkspaceOwner, startWorkspaceOwner, WorkspaceCommandHandler, WorkspaceOwner } from './workspace-owner';

@injectable()
export class WorkspaceDatabaseProvider {

    @inject(ILogger) @named('workspace-store:WorkspaceDatabaseProvider')
    protected readonly logger: ILogger;

    @inject(WorkspaceServer) @optional()
    protected readonly workspaceServer?: WorkspaceServer;

    /** Runs other clients' command lines (the CLI's backend module binds it); without it there is no owner socket. */
    @inject(WorkspaceCommandHandler) @optional()
    protected readonly commandHandler?: WorkspaceCommandHandler;

    protected database?: Promise<WorkspaceDatabase>;
    protected owner?: WorkspaceOwner;

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
            this.database = this.workspaceRoot().then(async root => {
                const file = workspaceDatabasePath(root);
                this.logger.info(`Workspace database: ${file}`);
                const db = await WorkspaceDatabase.open(file).catch(error => {
                    throw this.heldByAnotherOwner(root, error);
                });
                await this.becomeOwner(root, db);
                return db;
            });
            this.database.catch(() => this.database = undefined);
        }
        return this.database;
    }

    /**
     * The error to give when the database cannot be opened: when another BackTestr process owns the workspace (a
     * second workbench, e.g. the desktop and the browser app on one folder), one that says so and what to do,
     * instead of DuckDB's lock message; else the error as it is.
     */
    protected heldByAnotherOwner(root: string, error: unknown): unknown {
        const owner = findWorkspaceOwner(root);
        if (!owner) {
            return error;
        }
        return new Error(`The workspace ${root} is open in another BackTestr workbench (pid ${owner.pid}), which holds its database: `
            + 'close it there, or open this folder in that workbench (its terminal\'s backtestr commands reach it).');
    }

    /** Starts the owner socket of the workspace; a failure is logged (the CLI then cannot reach this workspace while it is open). */
    protected async becomeOwner(root: string, db: WorkspaceDatabase): Promise<void> {
        if (!this.commandHandler) {
            return;
        }
        try {
            this.owner = await startWorkspaceOwner(root, db, this.commandHandler, message => this.logger.warn(message));
            this.logger.info(`Owner of the workspace ${root}: ${this.owner.file.socket}`);
        } catch (error) {
            this.logger.error(`Could not become the owner of the workspace ${root} (the CLI cannot reach it while the workbench holds it): ${(error as Error).message}`);
        }
    }

    dispose(): void {
        this.owner?.stop();
        this.owner = undefined;
        this.database?.then(db => db.close()).catch(() => undefined);
        this.database = undefined;
    }
}
