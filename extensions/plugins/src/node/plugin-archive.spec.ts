// What an installed package may hold: no setuid/setgid/sticky or group/other-write bits, no links
// (a .tgz) or no links out of the package (a folder), and nothing written outside it. The archives
// are made entry by entry at test time (test-support/tgz-writer), the folders in a temp folder.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { PluginContributionRegistryImpl } from './plugin-contribution-registry-impl';
import { unpackTarball } from './plugin-archive';
import { PluginManager } from './plugin-manager';
import { copyPlugin, fixturesDir, tempDir } from './test-support/plugin-test-support';
import { TgzEntry, writeTgz } from './test-support/tgz-writer';

const UNSAFE_BITS = 0o7022; // setuid, setgid, sticky, group write, other write

async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error('expected the call to fail');
}

/** Every path under `root` (itself included) with its lstat. */
function walk(root: string): { path: string; stat: fs.Stats }[] {
    const stat = fs.lstatSync(root);
    const here = [{ path: root, stat }];
    return stat.isDirectory() ? here.concat(...fs.readdirSync(root).map(name => walk(path.join(root, name)))) : here;
}

const manifest = JSON.stringify({ name: 'archive-fixture', version: '1.0.0' });

describe('plugin archive and folder installs', function () {
    this.timeout(60_000);
    let work: string;
    let n = 0;
    const fresh = (name: string): string => path.join(work, `${++n}-${name}`);

    before(() => {
        work = tempDir('plugin-archive-spec');
    });

    after(() => {
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it('unpacks a .tgz without setuid, setgid, sticky or group/other-write bits, keeping the owner\'s execute bit', async () => {
        const tgz = writeTgz(fresh('modes.tgz'), [
            { path: 'package/', type: 'directory', mode: 0o1777 },
            { path: 'package/package.json', content: manifest, mode: 0o666 },
            { path: 'package/bin/', type: 'directory', mode: 0o2775 },
            { path: 'package/bin/tool', content: '#!/bin/sh\n', mode: 0o4755 },
            { path: 'package/bin/both', content: '#!/bin/sh\n', mode: 0o6777 },
            { path: 'package/lib/', type: 'directory', mode: 0o3777 },
            { path: 'package/lib/index.js', content: 'module.exports = {};\n', mode: 0o2644 }
        ]);
        const folder = await unpackTarball(tgz, fresh('modes'));
        const entries = walk(folder);
        expect(entries.map(e => path.relative(folder, e.path)).sort()).to.deep.equal(['', 'bin', 'bin/both', 'bin/tool', 'lib', 'lib/index.js', 'package.json']);
        for (const entry of entries) {
            expect(entry.stat.mode & UNSAFE_BITS, `mode of ${entry.path}: ${(entry.stat.mode & 0o7777).toString(8)}`).to.equal(0);
        }
        expect(fs.statSync(path.join(folder, 'bin', 'tool')).mode & 0o100).to.equal(0o100);
    });

    const links: [string, TgzEntry][] = [
        ['a symbolic link to an absolute path', { path: 'package/passwd', type: 'symlink', linkpath: '/etc/passwd' }],
        ['a symbolic link up out of the package', { path: 'package/lib/up', type: 'symlink', linkpath: '../../../outside.txt' }],
        ['a hard link to an absolute path', { path: 'package/passwd', type: 'hardlink', linkpath: '/etc/passwd' }],
        ['a hard link up out of the package', { path: 'package/up', type: 'hardlink', linkpath: '../outside.txt' }],
        ['a symbolic link inside the package (npm pack makes none)', { path: 'package/alias.js', type: 'symlink', linkpath: 'index.js' }]
    ];
    for (const [what, link] of links) {
        it(`refuses a .tgz holding ${what}, naming the entry and its target; nothing is linked or written`, async () => {
            const outside = fresh('outside.txt');
            fs.writeFileSync(outside, 'outside\n');
            const tgz = writeTgz(fresh('link.tgz'), [
                { path: 'package/package.json', content: manifest },
                { path: 'package/index.js', content: 'module.exports = {};\n' },
                link
            ]);
            const into = fresh('link');
            const error = await rejection(unpackTarball(tgz, into));
            expect(error.message).to.contain(`${link.path} -> ${link.linkpath}`);
            expect(error.message).to.match(/links?/);
            expect(walk(into).filter(e => e.stat.isSymbolicLink() || (e.stat.isFile() && e.stat.nlink > 1)).map(e => e.path)).to.deep.equal([]);
            expect(fs.readFileSync(outside, 'utf8')).to.equal('outside\n');
        });
    }

    for (const [what, entryPath] of [
        ['../escape', '../escape'],
        ['package/../../escape', 'package/../../escape'],
        ['an absolute path', '<work>/absolute-escape']
    ] as const) {
        it(`refuses a .tgz entry at ${what}, naming it; nothing is written outside the folder it unpacks into`, async () => {
            const stored = entryPath.replace('<work>', work);
            const into = fresh('traversal');
            const tgz = writeTgz(fresh('traversal.tgz'), [
                { path: 'package/package.json', content: manifest },
                { path: stored, content: 'escaped\n' }
            ]);
            const error = await rejection(unpackTarball(tgz, into));
            expect(error.message).to.contain(`${stored}: a path outside the package`);
            expect(fs.existsSync(path.join(into, '..', 'escape'))).to.equal(false);
            expect(fs.existsSync(path.join(work, 'escape'))).to.equal(false);
            expect(fs.existsSync(path.join(work, 'absolute-escape'))).to.equal(false);
            expect(walk(into).filter(e => e.stat.isFile()).map(e => path.relative(into, e.path))).to.deep.equal(['package/package.json']);
        });
    }

    describe('installing from a folder', () => {
        let pluginDir: string;
        let manager: PluginManager;
        before(() => {
            pluginDir = path.join(work, 'plugin-dir');
            manager = new PluginManager({ directory: pluginDir, registry: new PluginContributionRegistryImpl(), callTimeoutMs: 5000, loadTimeoutMs: 15_000 });
        });
        after(() => manager?.dispose());

        /** A copy of the late-throw fixture (a plugin that loads) to add links to. */
        const pluginFolder = (): string => copyPlugin(path.join(fixturesDir, 'late-throw'), fresh('folder'));
        const secret = (): string => {
            const file = fresh('secret.txt');
            fs.writeFileSync(file, 'secret\n');
            return file;
        };

        for (const [what, makeLink] of [
            ['a link to a file outside, by absolute path', (folder: string) => fs.symlinkSync(secret(), path.join(folder, 'secret.js'))],
            ['a link to a file outside, by a relative path', (folder: string) => fs.symlinkSync(path.relative(folder, secret()), path.join(folder, 'secret.js'))],
            ['a link to a folder outside', (folder: string) => fs.symlinkSync(path.dirname(folder), path.join(folder, 'secret.js'))],
            ['a link to a file outside, in a sub-folder', (folder: string) => {
                fs.mkdirSync(path.join(folder, 'lib'));
                fs.symlinkSync(secret(), path.join(folder, 'lib', 'secret.js'));
            }]
        ] as const) {
            it(`refuses ${what}, naming the link; nothing is installed`, async () => {
                const folder = pluginFolder();
                makeLink(folder);
                const link = fs.existsSync(path.join(folder, 'lib')) ? path.join('lib', 'secret.js') : 'secret.js';
                const error = await rejection(manager.install({ kind: 'folder', location: folder }));
                expect(error.message).to.match(new RegExp(`^Cannot install from folder ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
                expect(error.message).to.contain(`${link} -> ${fs.readlinkSync(path.join(folder, link))}`);
                expect(error.message).to.contain('outside the package');
                expect(fs.existsSync(path.join(pluginDir, 'fixtures.late-throw'))).to.equal(false);
                expect(manager.list().map(p => p.id)).to.not.include('fixtures.late-throw');
            });
        }

        it('copies what a link inside the package points to (no link is installed) and drops setuid/setgid bits', async () => {
            const folder = pluginFolder();
            fs.mkdirSync(path.join(folder, 'lib'));
            fs.symlinkSync(path.join('..', 'index.js'), path.join(folder, 'lib', 'alias.js'));
            fs.symlinkSync('lib', path.join(folder, 'lib-alias'));
            fs.writeFileSync(path.join(folder, 'tool'), '#!/bin/sh\n');
            fs.chmodSync(path.join(folder, 'tool'), 0o6755);
            fs.chmodSync(path.join(folder, 'lib'), 0o2777);
            const plugin = await manager.install({ kind: 'folder', location: folder });
            expect(plugin.state).to.equal('enabled');
            const installed = path.join(pluginDir, 'fixtures.late-throw');
            const entries = walk(installed);
            expect(entries.filter(e => e.stat.isSymbolicLink()).map(e => e.path)).to.deep.equal([]);
            for (const entry of entries) {
                expect(entry.stat.mode & UNSAFE_BITS, `mode of ${entry.path}: ${(entry.stat.mode & 0o7777).toString(8)}`).to.equal(0);
            }
            const index = fs.readFileSync(path.join(folder, 'index.js'), 'utf8');
            expect(fs.readFileSync(path.join(installed, 'lib', 'alias.js'), 'utf8')).to.equal(index);
            expect(fs.readFileSync(path.join(installed, 'lib-alias', 'alias.js'), 'utf8')).to.equal(index);
            expect(fs.statSync(path.join(installed, 'tool')).mode & 0o100).to.equal(0o100);
        });

        it('refuses a link that loops (a folder linking to its own parent)', async () => {
            const folder = pluginFolder();
            fs.mkdirSync(path.join(folder, 'lib'));
            fs.symlinkSync('..', path.join(folder, 'lib', 'loop'));
            const error = await rejection(manager.install({ kind: 'folder', location: folder }));
            expect(error.message).to.contain(`${path.join('lib', 'loop')} -> ..`);
            expect(error.message).to.contain('loop');
        });
    });
});
