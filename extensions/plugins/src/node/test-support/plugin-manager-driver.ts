// A stand-in for the workbench's backend in tests: runs one PluginManager operation in its own
// process, so that a spec sees whether plugin code can take that process down. Prints the plugins
// (`list()`) as one JSON line and exits 0.
//   node plugin-manager-driver.js <plugin dir> start
//   node plugin-manager-driver.js <plugin dir> install <folder> [--wait-for <id>]
//   node plugin-manager-driver.js <plugin dir> enable <id> [--wait-for <id>]
// --wait-for: wait until that plugin is no longer enabled (one that dies later, from a timer) before printing.
import { PluginContributionRegistryImpl } from '../plugin-contribution-registry-impl';
import { PluginManager } from '../plugin-manager';

async function main(): Promise<void> {
    const [directory, command, ...rest] = process.argv.slice(2);
    const waitIndex = rest.indexOf('--wait-for');
    const waitFor = waitIndex >= 0 ? rest.splice(waitIndex, 2)[1] : undefined;
    const arg = rest[0];
    const manager = new PluginManager({ directory, registry: new PluginContributionRegistryImpl(), callTimeoutMs: 5000, loadTimeoutMs: 20_000 });
    if (command === 'start') {
        await manager.start();
    } else if (command === 'install') {
        await manager.install({ kind: 'folder', location: arg });
    } else if (command === 'enable') {
        await manager.enable(arg);
    } else {
        throw new Error(`unknown command '${command}': use start, install <folder> or enable <id>, each with an optional --wait-for <id>.`);
    }
    if (waitFor) {
        // A plugin that dies later (from a timer): wait until its host's death has been recorded
        // (the interval keeps this process alive meanwhile, as the backend's server does).
        const keepAlive = setInterval(() => undefined, 1000);
        await new Promise<void>(resolve => {
            const check = (): void => {
                if (manager.get(waitFor).state !== 'enabled') {
                    resolve();
                }
            };
            manager.onDidChange(check);
            check();
        });
        await manager.whenIdle();
        clearInterval(keepAlive);
    }
    process.stdout.write(JSON.stringify({ plugins: manager.list(), registered: manager.registry.getContributions().map(c => c.id) }) + '\n');
    manager.dispose();
}

main().then(() => process.exit(0), error => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
});
