// *****************************************************************************
// The CLI inside the workbench's backend: the backend owns the workspace's database (DuckDB lets one
// process open it), so `backtestr` commands run beside the workbench come here (workspace-owner.ts)
// and run with the CLI's own code on the backend's open database; a stored run goes through the
// backend's RunStore, whose changes the Runs view is pushed.
// *****************************************************************************

import { ContainerModule, interfaces } from '@theia/core/shared/inversify';
import { RunStore } from '@backtestr/workspace-store';
import { WorkspaceCommandHandler } from '@backtestr/workspace-store/lib/node';
import { runHere } from './backtestr-cli';

/** The handler of the owner's requests: `runHere` with the client's streams, folder and cancellation, and `runStore()` for stored runs. */
export function cliCommandHandler(runStore: () => RunStore | undefined): WorkspaceCommandHandler {
    return {
        run: (request, io) => runHere(request.argv, { out: io.out, err: io.err, signal: io.signal, cwd: request.cwd, runStore: runStore() })
    };
}

export default new ContainerModule(bind => {
    // The run store is looked up per request: it needs the database provider, which needs this handler.
    bind(WorkspaceCommandHandler).toDynamicValue((ctx: interfaces.Context) =>
        cliCommandHandler(() => ctx.container.isBound(RunStore) ? ctx.container.get<RunStore>(RunStore) : undefined)).inSingletonScope();
});
