// A plugin whose code ends the process it runs in (process.exit, SIGKILL to itself, abort, an
// uncaught error, running out of memory), at load, in its first call or later from a timer: the
// backend survives, the plugin is recorded failed with the reason, and the next start does not
// load it. The backend is a driver process here (test-support/plugin-manager-driver), so that
// a plugin that could take it down fails the test instead of ending the test run.
import { expect } from 'chai';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { InstalledPlugin } from '../common/plugin-protocol';
import { STATE_FILE } from './plugin-store';
import { fixturesDir, tempDir } from './test-support/plugin-test-support';

const driver = path.join(__dirname, 'test-support', 'plugin-manager-driver.js');

interface DriverResult {
    readonly plugins: InstalledPlugin[];
    readonly registered: string[];
}

/** Runs the driver to its end; fails naming how the "backend" ended when it did not exit 0. */
function runDriver(...args: string[]): DriverResult {
    const run = spawnSync(process.execPath, [driver, ...args], { encoding: 'utf8', timeout: 90_000 });
    expect({ status: run.status, signal: run.signal }, `the backend process (driver ${args.join(' ')}) ended badly; stderr:\n${run.stderr}`)
        .to.deep.equal({ status: 0, signal: null });
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as DriverResult;
}

/** A copy of the kills-its-process fixture under the id `fixtures.kills-<name>`, told how and when to die. */
function killerPlugin(into: string, name: string, kill: { how: string; when: string; ms?: number }): { id: string; folder: string } {
    const id = `fixtures.kills-${name}`;
    const folder = path.join(into, id);
    fs.cpSync(path.join(fixturesDir, 'kills-its-process'), folder, { recursive: true });
    const pkgFile = path.join(folder, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    pkg.name = `backtestr-fixture-kills-${name}`;
    pkg.backtestr.id = id;
    pkg.backtestr.contributes.indicators = [id];
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, undefined, 2));
    fs.writeFileSync(path.join(folder, 'kill.json'), JSON.stringify(kill));
    return { id, folder };
}

describe('plugin manager: a plugin that kills its own process', function () {
    this.timeout(180_000);
    let work: string;
    let pluginDir: string;
    const stored = (): Record<string, { state: string; error?: string }> => JSON.parse(fs.readFileSync(path.join(pluginDir, STATE_FILE), 'utf8')).plugins;

    before(() => {
        work = tempDir('plugins-crash-spec');
        pluginDir = path.join(work, 'plugin-dir');
    });

    after(() => {
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    const reasons: Record<string, RegExp> = {
        exit: /^the plugin host exited \(code 7\)/,
        sigkill: /^the plugin host was killed \(SIGKILL\)/,
        abort: /^the plugin host was killed \(SIGABRT\)/,
        uncaught: /^the plugin crashed: Error: fixture: uncaught error \((load|call|timer)\)\n\s+at .*index\.js:\d+/,
        oom: /^the plugin host ran out of memory/
    };
    const killers: string[] = [];

    for (const how of Object.keys(reasons)) {
        for (const when of ['load', 'call', 'timer']) {
            it(`${how} ${when === 'load' ? 'while loading' : when === 'call' ? 'in its first call' : 'later, from a timer'}: the backend survives the install, the plugin is failed with the reason`, () => {
                const { id, folder } = killerPlugin(work, `${how}-${when}`, { how, when });
                killers.push(id);
                const result = runDriver(pluginDir, 'install', folder, ...(when === 'timer' ? ['--wait-for', id] : []));
                const plugin = result.plugins.find(p => p.id === id);
                expect(plugin?.state).to.equal('failed');
                expect(plugin?.error).to.match(reasons[how]);
                expect(stored()[id]).to.deep.include({ state: 'failed', error: plugin?.error });
                expect(result.registered).to.not.include(id);
            });
        }
    }

    it('a restart over the same plugin directory loads none of them and survives; a good plugin still starts', () => {
        const good = runDriver(pluginDir, 'install', path.join(fixturesDir, 'late-throw'));
        expect(good.plugins.find(p => p.id === 'fixtures.late-throw')?.state).to.equal('enabled');
        const restarted = runDriver(pluginDir, 'start');
        const states = Object.fromEntries(restarted.plugins.map(p => [p.id, p.state]));
        expect(states).to.deep.equal({ ...Object.fromEntries(killers.map(id => [id, 'failed'])), 'fixtures.late-throw': 'enabled' });
        expect(restarted.registered).to.deep.equal(['fixtures.late-throw']);
    });

    it('enabling a failed one again tries it in its host again: the backend survives, the plugin fails again', () => {
        for (const id of ['fixtures.kills-sigkill-load', 'fixtures.kills-abort-call', 'fixtures.kills-exit-timer']) {
            const result = runDriver(pluginDir, 'enable', id, '--wait-for', id);
            expect(result.plugins.find(p => p.id === id)?.state).to.equal('failed');
            expect(stored()[id].state).to.equal('failed');
        }
    });

    it('a backend killed while it enables a plugin: the next start marks the plugin failed instead of loading it', async () => {
        const { id, folder } = killerPlugin(work, 'block-load', { how: 'block', when: 'load', ms: 15_000 });
        const backend: ChildProcess = spawn(process.execPath, [driver, pluginDir, 'install', folder], { stdio: 'ignore' });
        const ended = new Promise<void>(resolve => backend.once('exit', () => resolve()));
        try {
            // The plugin's host blocks while loading it; kill the backend once the plugin is recorded.
            while (!fs.existsSync(path.join(pluginDir, STATE_FILE)) || stored()[id] === undefined) {
                expect(backend.exitCode, 'the backend ended before it recorded the plugin').to.equal(null);
                await new Promise(resolve => setTimeout(resolve, 20));
            }
            expect(stored()[id].state).to.not.equal('enabled');
        } finally {
            backend.kill('SIGKILL');
            await ended;
        }
        const restarted = runDriver(pluginDir, 'start');
        const plugin = restarted.plugins.find(p => p.id === id);
        expect(plugin?.state).to.equal('failed');
        expect(plugin?.error).to.match(/^BackTestr stopped while the plugin was being enabled/);
        expect(stored()[id]).to.deep.include({ state: 'failed', error: plugin?.error });
        expect(restarted.registered).to.deep.equal(['fixtures.late-throw']);
    });
});
