// *****************************************************************************
// Getting a plugin package onto disk: unpacking a `.tgz` (npm pack's layout), copying a folder,
// and fetching one from the npm registry with `npm pack`. What lands in the plugin directory is
// only files and folders inside the package, without setuid/setgid/sticky or group/other-write bits.
// *****************************************************************************
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tar from 'tar';

/** Setuid, setgid, sticky, group write and other write: bits an installed file or folder never keeps. */
const UNSAFE_MODE_BITS = 0o7022;

/** The mode an installed entry gets: without the unsafe bits; the owner may always read and write it (and enter a folder). */
export function safeMode(mode: number, directory: boolean): number {
    return (mode & 0o777 & ~UNSAFE_MODE_BITS) | (directory ? 0o700 : 0o600);
}

/** Whether `target` is `root` or inside it. */
function isInside(root: string, target: string): boolean {
    const relative = path.relative(root, target);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** A path stored in an archive that would leave the folder it is unpacked into (absolute, a drive, or a `..` segment). */
function leavesPackage(entryPath: string): boolean {
    return path.posix.isAbsolute(entryPath) || path.win32.isAbsolute(entryPath) || /^[a-z]:/i.test(entryPath)
        || entryPath.split(/[\\/]/).includes('..');
}

/** Why an archive entry may not be unpacked, or undefined when it may. */
function tarEntryProblem(entryPath: string, entry: tar.ReadEntry): string | undefined {
    if (leavesPackage(entryPath)) {
        return `${entryPath}: a path outside the package`;
    }
    if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
        const kind = entry.type === 'Link' ? 'a hard link' : 'a symbolic link';
        const target = entry.linkpath ?? '';
        const resolved = entry.type === 'Link' ? target : path.posix.join(path.posix.dirname(entryPath), target);
        const outside = leavesPackage(target) || path.posix.normalize(resolved).split('/')[0] === '..';
        return `${entryPath} -> ${target} (${kind}${outside ? ' pointing outside the package' : ''})`;
    }
    if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory') {
        return `${entryPath} (${entry.type}, not a file or folder)`;
    }
    return undefined;
}

/**
 * Gives every entry under `root` its safe mode (see `safeMode`); refuses anything but files and folders
 * (there should be none left: the unpacking and the folder copy let none through).
 */
function makeModesSafe(root: string): void {
    const stat = fs.lstatSync(root);
    if (stat.isDirectory()) {
        fs.chmodSync(root, safeMode(stat.mode, true));
        for (const name of fs.readdirSync(root)) {
            makeModesSafe(path.join(root, name));
        }
    } else if (stat.isFile()) {
        fs.chmodSync(root, safeMode(stat.mode, false));
    } else {
        throw new Error(`${root} is neither a file nor a folder: a plugin package may hold only files and folders.`);
    }
}

/**
 * Unpacks `file` into `into` and returns the package folder (npm packs put everything under one top folder, `package/`).
 * Refuses (naming them) links, special files and entries whose path leaves `into` (`../`, absolute paths), none of
 * which is written; the entries written lose setuid, setgid, sticky and group/other-write bits.
 */
export async function unpackTarball(file: string, into: string): Promise<string> {
    fs.mkdirSync(into, { recursive: true });
    const refused: string[] = [];
    await tar.x({
        file,
        cwd: into,
        strict: true,
        filter: (entryPath, entry) => {
            const problem = tarEntryProblem(entryPath, entry);
            if (problem) {
                refused.push(problem);
                return false;
            }
            // Written with the safe mode from the start (never a moment with a setuid file on disk).
            entry.mode = safeMode(entry.mode ?? 0, entry.type === 'Directory');
            return true;
        }
    });
    if (refused.length > 0) {
        throw new Error(`the archive holds entries a plugin package may not contain (links, special files, paths outside the package): `
            + `${refused.slice(0, 5).join('; ')}${refused.length > 5 ? `; and ${refused.length - 5} more` : ''}. Make the archive with "npm pack" from the plugin's folder.`);
    }
    makeModesSafe(into);
    if (fs.existsSync(path.join(into, 'package.json'))) {
        return into;
    }
    const top = fs.readdirSync(into, { withFileTypes: true }).filter(e => e.isDirectory());
    if (top.length === 1 && fs.existsSync(path.join(into, top[0].name, 'package.json'))) {
        return path.join(into, top[0].name);
    }
    throw new Error('the archive holds no package.json (at its root or in a single top folder such as package/): make it with "npm pack".');
}

/** Folders a folder install leaves out. */
const SKIPPED_FOLDERS = ['.git', 'node_modules'];

/**
 * Copies a plugin's folder `source` to `target` (which must not exist), leaving out `.git` and `node_modules`.
 * A link to something inside the package is copied as what it points to (no link is installed); a link that points
 * outside the package, is broken or loops refuses the install, naming every such link. Modes as for `unpackTarball`.
 */
export function copyPluginFolder(source: string, target: string): void {
    const root = fs.realpathSync(source);
    const refused: string[] = [];
    const copy = (from: string, to: string, shown: string, ancestors: readonly string[]): void => {
        let stat = fs.lstatSync(from);
        let real = from;
        if (stat.isSymbolicLink()) {
            const link = `${shown} -> ${fs.readlinkSync(from)}`;
            try {
                real = fs.realpathSync(from);
            } catch {
                refused.push(`${link} (a broken link)`);
                return;
            }
            if (!isInside(root, real)) {
                refused.push(`${link} (points outside the package, to ${real})`);
                return;
            }
            stat = fs.statSync(real);
        } else if (stat.isDirectory()) {
            real = fs.realpathSync(from);
        }
        if (stat.isDirectory()) {
            if (ancestors.includes(real)) {
                refused.push(`${shown} -> ${fs.readlinkSync(from)} (a link to a folder that holds it: a loop)`);
                return;
            }
            fs.mkdirSync(to, { mode: 0o700 });
            for (const name of fs.readdirSync(real)) {
                if (!SKIPPED_FOLDERS.includes(name)) {
                    copy(path.join(real, name), path.join(to, name), shown ? path.join(shown, name) : name, [...ancestors, real]);
                }
            }
            fs.chmodSync(to, safeMode(stat.mode, true));
        } else if (stat.isFile()) {
            fs.copyFileSync(real, to);
            fs.chmodSync(to, safeMode(stat.mode, false));
        } else {
            refused.push(`${shown} (not a file or folder)`);
        }
    };
    copy(root, target, '', []);
    if (refused.length > 0) {
        throw new Error(`the folder holds what a plugin package may not contain (links out of it, broken or looping links, special files): `
            + `${refused.slice(0, 5).join('; ')}${refused.length > 5 ? `; and ${refused.length - 5} more` : ''}. Replace such links by the files themselves.`);
    }
}

/** `npm pack <spec>` into `into`; returns the tarball's path. `spec` is a name with an optional version or range, e.g. `acme-keltner@^1.0.0`. */
export function npmPack(spec: string, into: string, npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm'): Promise<string> {
    if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(@[\w.^~<>=| *-]+)?$/i.test(spec)) {
        return Promise.reject(new Error(`'${spec}' is not an npm package name with an optional version range, e.g. "acme-keltner@^1.0.0".`));
    }
    fs.mkdirSync(into, { recursive: true });
    return new Promise((resolve, reject) => {
        execFile(npmCommand, ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', into], { cwd: into, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
            (error, stdout, stderr) => {
                if (error) {
                    const reason = (stderr || error.message).split('\n').filter(l => /error|ERR/.test(l)).slice(0, 4).join(' ') || error.message;
                    reject(new Error(`npm pack ${spec} failed: ${reason}`));
                    return;
                }
                try {
                    const packed = JSON.parse(stdout) as { filename: string }[];
                    resolve(path.join(into, packed[0].filename));
                } catch {
                    reject(new Error(`npm pack ${spec} printed no result: ${stdout.slice(0, 200)}`));
                }
            });
    });
}
