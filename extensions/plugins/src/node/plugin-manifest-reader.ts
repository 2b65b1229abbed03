// *****************************************************************************
// Reads and validates a plugin package's `backtestr` manifest; every problem names its field.
// *****************************************************************************
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';
import { CONTRIBUTION_KINDS, ContributionKind, ManifestProblem, PLUGIN_ID_PATTERN, PluginManifest } from '../common/plugin-manifest';
import { PluginErrors } from '../common/plugin-protocol';

/** The version of `@backtestr/plugins-sdk` this BackTestr provides to plugins. */
export function sdkVersion(): string {
    const pkg = JSON.parse(fs.readFileSync(require.resolve('@backtestr/plugins-sdk/package.json'), 'utf8')) as { version: string };
    return pkg.version;
}

export interface PluginPackage {
    /** npm package name. */
    readonly name: string;
    readonly manifest: PluginManifest;
    /** Absolute path of the engine module. */
    readonly engineEntry: string;
    readonly folder: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
    return typeof value === 'string' && value.trim().length > 0;
}

/** Checks the `backtestr` field of a parsed package.json; returns the manifest or the problems found. */
export function validateManifest(packageJson: unknown, folder?: string): { manifest?: PluginManifest; problems: ManifestProblem[] } {
    const problems: ManifestProblem[] = [];
    const problem = (field: string, message: string): void => { problems.push({ field, message }); };
    if (!isRecord(packageJson)) {
        return { problems: [{ field: 'package.json', message: 'is not a JSON object.' }] };
    }
    const raw = packageJson.backtestr;
    if (!isRecord(raw)) {
        problem('backtestr', 'missing: add a "backtestr" object to package.json with id, publisher, sdk, contributes and engine.');
        return { problems };
    }
    if (!nonEmptyString(packageJson.name)) {
        problem('name', 'missing: a plugin is an npm package and needs a package name.');
    }
    if (!nonEmptyString(raw.id) || !PLUGIN_ID_PATTERN.test(raw.id)) {
        problem('backtestr.id', `${raw.id === undefined ? 'missing' : `'${String(raw.id)}' is invalid`}: use lower-case letters, digits, '.', '_' or '-', e.g. "acme.keltner".`);
    }
    const packageVersion = typeof packageJson.version === 'string' ? packageJson.version : undefined;
    const version = raw.version ?? packageVersion;
    if (typeof version !== 'string' || !semver.valid(version)) {
        problem('backtestr.version', `${version === undefined ? 'missing' : `'${String(version)}' is not a semantic version`}: set package.json "version" to e.g. "1.0.0".`);
    } else if (packageVersion !== undefined && raw.version !== undefined && raw.version !== packageVersion) {
        problem('backtestr.version', `'${String(raw.version)}' differs from the package version '${packageVersion}': remove it or make them equal.`);
    }
    if (!nonEmptyString(raw.publisher)) {
        problem('backtestr.publisher', 'missing: name who publishes the plugin, e.g. "Acme Capital".');
    }
    if (!nonEmptyString(raw.sdk)) {
        problem('backtestr.sdk', 'missing: give the @backtestr/plugins-sdk version range the plugin was built against, e.g. "^0.1.0".');
    } else if (semver.validRange(raw.sdk) === null) {
        problem('backtestr.sdk', `'${raw.sdk}' is not a semver range: use e.g. "^0.1.0".`);
    }
    const contributes: Partial<Record<ContributionKind, string[]>> = {};
    if (!isRecord(raw.contributes)) {
        problem('backtestr.contributes', `missing: list what the plugin adds, e.g. { "indicators": ["acme.keltner"] } (kinds: ${CONTRIBUTION_KINDS.join(', ')}).`);
    } else {
        let count = 0;
        for (const key of Object.keys(raw.contributes)) {
            const ids = raw.contributes[key];
            if (!(CONTRIBUTION_KINDS as readonly string[]).includes(key)) {
                problem(`backtestr.contributes.${key}`, `unknown kind: use ${CONTRIBUTION_KINDS.join(', ')}.`);
            } else if (!Array.isArray(ids) || ids.some(id => !nonEmptyString(id) || !PLUGIN_ID_PATTERN.test(id))) {
                problem(`backtestr.contributes.${key}`, 'must be an array of ids (lower-case letters, digits, \'.\', \'_\', \'-\'), e.g. ["acme.keltner"].');
            } else if (new Set(ids).size !== ids.length) {
                problem(`backtestr.contributes.${key}`, 'lists an id twice: each id once.');
            } else {
                contributes[key as ContributionKind] = ids as string[];
                count += ids.length;
            }
        }
        if (count === 0 && !problems.some(p => p.field.startsWith('backtestr.contributes'))) {
            problem('backtestr.contributes', 'lists nothing: a plugin contributes at least one indicator, data source, strategy or report section.');
        }
    }
    const entry = (field: 'engine' | 'chart', required: boolean): string | undefined => {
        const value = raw[field];
        if (value === undefined && !required) {
            return undefined;
        }
        if (!nonEmptyString(value)) {
            problem(`backtestr.${field}`, `missing: give the path of the ${field === 'engine' ? 'CommonJS module exporting the contributions' : 'chart module'} inside the package, e.g. "lib/index.js".`);
            return undefined;
        }
        if (path.isAbsolute(value) || path.normalize(value).startsWith('..')) {
            problem(`backtestr.${field}`, `'${value}' points outside the package: use a path relative to the package folder.`);
            return undefined;
        }
        if (folder !== undefined && !fs.existsSync(path.join(folder, value))) {
            problem(`backtestr.${field}`, `'${value}' does not exist in the package: build the plugin (e.g. "npm run build") before packing or installing it.`);
        }
        return value;
    };
    const engine = entry('engine', true);
    const chart = entry('chart', false);
    if (problems.length > 0) {
        return { problems };
    }
    const manifest: PluginManifest = {
        id: raw.id as string,
        version: version as string,
        publisher: (raw.publisher as string).trim(),
        displayName: nonEmptyString(raw.displayName) ? raw.displayName : packageJson.name as string,
        description: nonEmptyString(raw.description) ? raw.description : typeof packageJson.description === 'string' ? packageJson.description : undefined,
        sdk: raw.sdk as string,
        contributes,
        engine: engine as string,
        chart
    };
    return { manifest, problems };
}

/** Reads `<folder>/package.json`; throws `InvalidManifest` or `SdkMismatch` with what to do. */
export function readPluginPackage(folder: string, providedSdkVersion: string = sdkVersion()): PluginPackage {
    const file = path.join(folder, 'package.json');
    let packageJson: unknown;
    try {
        packageJson = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing: a plugin is an npm package folder with a package.json.'
            : `cannot be read as JSON (${error instanceof Error ? error.message : String(error)}).`;
        throw PluginErrors.InvalidManifest(folder, [{ field: 'package.json', message: reason }]);
    }
    const { manifest, problems } = validateManifest(packageJson, folder);
    if (!manifest) {
        throw PluginErrors.InvalidManifest(folder, problems);
    }
    if (!semver.satisfies(providedSdkVersion, manifest.sdk, { includePrerelease: true })) {
        throw PluginErrors.SdkMismatch(manifest.id, manifest.sdk, providedSdkVersion);
    }
    return { name: (packageJson as { name: string }).name, manifest, engineEntry: path.resolve(folder, manifest.engine), folder };
}
