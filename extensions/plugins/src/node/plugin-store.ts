// *****************************************************************************
// The user's plugin directory: one folder per installed plugin (named by its id) and
// `plugins.json`, the state of each (enabling, enabled, disabled or failed with its error, and its source).
// *****************************************************************************
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PLUGIN_DIRECTORY_ENV } from '../common/plugin-preferences';
import { PluginSource, PluginState } from '../common/plugin-protocol';

export const STATE_FILE = 'plugins.json';

export interface PluginRecord {
    readonly state: PluginState;
    readonly error?: string;
    /** While `enabling`: the process enabling it (a record left `enabling` by a process that is gone means it died doing so). */
    readonly enablingPid?: number;
    readonly source: PluginSource;
    readonly installedAt: string;
}

interface StateFile {
    readonly version: 1;
    readonly plugins: Record<string, PluginRecord>;
}

/** `BACKTESTR_PLUGIN_DIR`, else the preference (when set), else `~/.backtestr/plugins`. */
export function resolvePluginDirectory(preference?: string): string {
    const env = process.env[PLUGIN_DIRECTORY_ENV];
    if (env) {
        return path.resolve(env);
    }
    if (preference && preference.trim()) {
        return path.resolve(preference.trim().replace(/^~(?=$|[\\/])/, os.homedir()));
    }
    return path.join(os.homedir(), '.backtestr', 'plugins');
}

export class PluginStore {
    constructor(readonly directory: string) { }

    folderOf(id: string): string {
        return path.join(this.directory, id);
    }

    read(): Record<string, PluginRecord> {
        const file = path.join(this.directory, STATE_FILE);
        if (!fs.existsSync(file)) {
            return {};
        }
        try {
            const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as StateFile;
            return parsed.plugins ?? {};
        } catch (error) {
            throw new Error(`${file} cannot be read (${error instanceof Error ? error.message : String(error)}): fix or delete it; the plugins stay installed in ${this.directory}.`);
        }
    }

    get(id: string): PluginRecord | undefined {
        return this.read()[id];
    }

    /** Writes the state file atomically (temp file + rename), so a crash never leaves half a file. */
    write(plugins: Record<string, PluginRecord>): void {
        fs.mkdirSync(this.directory, { recursive: true });
        const file = path.join(this.directory, STATE_FILE);
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, JSON.stringify({ version: 1, plugins } satisfies StateFile, undefined, 2) + '\n');
        fs.renameSync(temp, file);
    }

    set(id: string, record: PluginRecord | undefined): void {
        const plugins = { ...this.read() };
        if (record) {
            plugins[id] = record;
        } else {
            delete plugins[id];
        }
        this.write(plugins);
    }

    /** A fresh empty folder inside the plugin directory (same file system, so moving out of it is a rename). */
    stagingFolder(): string {
        fs.mkdirSync(this.directory, { recursive: true });
        return fs.mkdtempSync(path.join(this.directory, '.staging-'));
    }
}
