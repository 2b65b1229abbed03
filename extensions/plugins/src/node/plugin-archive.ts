// *****************************************************************************
// Getting a plugin package onto disk: unpacking a `.tgz` (npm pack's layout) and fetching one
// from the npm registry with `npm pack`.
// *****************************************************************************
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tar from 'tar';

/** Unpacks `file` into `into` and returns the package folder (npm packs put everything under one top folder, `package/`). */
export async function unpackTarball(file: string, into: string): Promise<string> {
    fs.mkdirSync(into, { recursive: true });
    const skipped: string[] = [];
    await tar.x({
        file,
        cwd: into,
        strict: true,
        filter: (entryPath, entry) => {
            const ok = entry.type === 'File' || entry.type === 'Directory' || entry.type === 'OldFile';
            if (!ok) {
                skipped.push(`${entryPath} (${entry.type})`);
            }
            return ok;
        }
    });
    if (skipped.length > 0) {
        throw new Error(`the archive holds links or special files, which a plugin may not contain: ${skipped.slice(0, 5).join(', ')}.`);
    }
    if (fs.existsSync(path.join(into, 'package.json'))) {
        return into;
    }
    const top = fs.readdirSync(into, { withFileTypes: true }).filter(e => e.isDirectory());
    if (top.length === 1 && fs.existsSync(path.join(into, top[0].name, 'package.json'))) {
        return path.join(into, top[0].name);
    }
    throw new Error('the archive holds no package.json (at its root or in a single top folder such as package/): make it with "npm pack".');
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
