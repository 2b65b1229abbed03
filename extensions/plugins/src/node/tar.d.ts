// The part of tar@6 (no bundled types) the installer uses.
declare module 'tar' {
    export interface ExtractOptions {
        file: string;
        cwd: string;
        strip?: number;
        /** Refuse entries that are links (a plugin package needs none). */
        filter?: (path: string, entry: { type: string }) => boolean;
        strict?: boolean;
    }
    export function x(options: ExtractOptions): Promise<void>;
}
