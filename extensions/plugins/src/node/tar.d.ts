// The part of tar@6 (no bundled types) the installer uses.
declare module 'tar' {
    export interface ExtractOptions {
        file: string;
        cwd: string;
        strip?: number;
        /** False: the entry is not written. May change `entry.mode` (the mode it is written with). */
        filter?: (path: string, entry: ReadEntry) => boolean;
        strict?: boolean;
    }
    export interface ReadEntry {
        readonly type: string;
        /** A link's target, as stored. */
        readonly linkpath?: string;
        mode?: number;
    }
    export function x(options: ExtractOptions): Promise<void>;
}
