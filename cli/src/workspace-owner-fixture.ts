// *****************************************************************************
// Test support: a real owner of a workspace for the CLI specs, wired as the workbench's backend wires it
// (WorkspaceDatabaseProvider with the CLI's backend module): `node workspace-owner-fixture.js <workspace>`
// opens the workspace's database read-write (holding DuckDB's lock), prints `owner <socket>` once it
// listens, and answers `runs` on stdin with the ids its own RunStore (the Runs view's) lists, their statuses, the
// changes that store announced (what the Runs view is pushed) and its runs in progress (ActiveRuns, the engine
// service's), one JSON line; `cancel <id>` cancels a run in progress as the Runs view's Cancel does.
// *****************************************************************************

import * as readline from 'readline';
import { Container } from '@theia/core/shared/inversify';
import { ILogger } from '@theia/core/lib/common/logger';
import { MockLogger } from '@theia/core/lib/common/test/mock-logger';
import { RunsChange, RunStore } from '@backtestr/workspace-store';
import { RunStoreImpl, WorkspaceDatabaseProvider } from '@backtestr/workspace-store/lib/node';
import { ActiveRuns } from '@backtestr/engine/lib/node';
import cliBackendModule from './cli-backend-module';

async function serve(root: string): Promise<void> {
    process.env.BACKTESTR_WORKSPACE = root;
    const container = new Container();
    container.bind(ILogger).to(MockLogger).inSingletonScope();
    container.bind(WorkspaceDatabaseProvider).toSelf().inSingletonScope();
    container.bind(RunStore).toDynamicValue(ctx => new RunStoreImpl(() => ctx.container.get(WorkspaceDatabaseProvider).db())).inSingletonScope();
    container.bind(ActiveRuns).toSelf().inSingletonScope();
    container.load(cliBackendModule);
    const provider = container.get(WorkspaceDatabaseProvider);
    const runs = container.get<RunStore>(RunStore);
    const changes: RunsChange[] = [];
    runs.onDidChangeRuns?.(change => changes.push(change));
    await provider.db();
    process.on('SIGTERM', () => {
        provider.dispose();
        process.exit(0);
    });
    const active = container.get(ActiveRuns);
    readline.createInterface({ input: process.stdin }).on('line', line => {
        const [command, id] = line.trim().split(' ');
        if (command === 'runs') {
            runs.listRuns().then(list => process.stdout.write(JSON.stringify({
                ids: list.map(r => r.id), statuses: list.map(r => r.status), changes,
                active: active.list().map(r => ({ id: r.run.id, ticks: r.ticks }))
            }) + '\n'));
        } else if (command === 'cancel') {
            active.cancel(id);
        }
    });
    process.stdout.write(`owner ${process.pid}\n`);
}

serve(process.argv[2]).catch(error => {
    process.stderr.write(`workspace-owner-fixture: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
});
