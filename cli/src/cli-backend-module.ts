// *****************************************************************************
// The CLI inside the workbench's backend: the backend owns the workspace's database (DuckDB lets one
// process open it), so `backtestr` commands run beside the workbench come here (workspace-owner.ts)
// and run with the CLI's own code on the backend's open database; a stored run goes through the
// backend's RunStore, whose changes the Runs view is pushed, and a run is one of the backend's runs in
// progress (ActiveRuns): the Runs view shows its progress and can pause or cancel it; the charts follow it.
// *****************************************************************************

import { ContainerModule, interfaces } from '@theia/core/shared/inversify';
import { RunStore } from '@backtestr/workspace-store';
import { WorkspaceCommandHandler } from '@backtestr/workspace-store/lib/node';
import { ActiveRuns } from '@backtestr/engine/lib/node';
import { runHere } from './backtestr-cli';

/** What the owner's services give a request: the run store for stored runs, the runs in progress a `run` joins. */
export interface OwnerServices {
    readonly runStore?: RunStore;
    readonly activeRuns?: ActiveRuns;
}

/** The handler of the owner's requests: `runHere` with the client's streams, folder and cancellation, and the owner's services. */
export function cliCommandHandler(services: () => OwnerServices): WorkspaceCommandHandler {
    return {
        run: (request, io) => runHere(request.argv, { out: io.out, err: io.err, signal: io.signal, cwd: request.cwd, ...services() })
    };
}

export default new ContainerModule(bind => {
    // The services are looked up per request: the run store needs the database provider, which needs this handler.
    bind(WorkspaceCommandHandler).toDynamicValue((ctx: interfaces.Context) => cliCommandHandler(() => ({
        runStore: ctx.container.isBound(RunStore) ? ctx.container.get<RunStore>(RunStore) : undefined,
        activeRuns: ctx.container.isBound(ActiveRuns) ? ctx.container.get(ActiveRuns) : undefined
    }))).inSingletonScope();
});
