// *****************************************************************************
// External import sources: formats the data layer does not read itself, contributed by other
// extensions (Theia's contribution-provider pattern). The plugins extension binds one
// `ImportSourceContribution` that lists the data sources of the enabled run-time plugins and
// reads files through them in their plugin host. Their rows go through the same validation,
// quarantine, transaction and quality report as CSV rows. Plain data only.
// *****************************************************************************

import type { DataSourceFile, ImportedTicks } from '@backtestr/plugins-sdk';

/** Who contributes an import source: a run-time plugin (its id) or a build-time extension (its package name). */
export interface ImportSourceOrigin {
    readonly kind: 'plugin' | 'extension';
    readonly id: string;
}

export interface ImportSourceDescriptor {
    /** Unique id, e.g. `examples.jsonl-ticks`. */
    readonly id: string;
    /** What the user sees, e.g. `JSON-lines ticks`. */
    readonly label: string;
    /** File name endings it reads, lower case with the dot, e.g. `['.jsonl', '.ndjson']`. */
    readonly fileExtensions: readonly string[];
    readonly origin: ImportSourceOrigin;
}

/**
 * A file handed to an import source: the SDK's data-source contract, declared once there. The provider
 * may transfer (detach) `bytes`: do not use them after the call.
 */
export type ImportSourceFile = DataSourceFile;

/**
 * What an import source read from a file (the SDK's `ImportedTicks`): tick columns of equal length, in
 * file order; a value the source could not read may be NaN and the data layer quarantines that row.
 */
export type ImportSourceRows = ImportedTicks;

export const ImportSourceContribution = Symbol('ImportSourceContribution');
/**
 * A contribution point of the data layer (`bindContributionProvider(bind, ImportSourceContribution)`):
 * bind an implementation in your backend module to add import sources.
 */
export interface ImportSourceContribution {
    /** The sources available now (e.g. those of the enabled plugins). */
    getImportSources(): Promise<readonly ImportSourceDescriptor[]>;
    /**
     * Reads one file with one of this contribution's sources. Throws an Error whose message says what
     * went wrong and who is at fault (e.g. "Plugin x failed and was disabled: threw: ...").
     */
    readImportFile(sourceId: string, file: ImportSourceFile): Promise<ImportSourceRows>;
}

/** Whether `fileName` ends with one of the source's extensions (case-insensitive). */
export function importSourceMatches(source: ImportSourceDescriptor, fileName: string): boolean {
    const name = fileName.toLowerCase();
    return source.fileExtensions.some(ext => ext.length > 0 && name.endsWith(ext.toLowerCase()));
}

/** `JSON-lines ticks (plugin examples.jsonl-ticks)` */
export function describeImportSource(source: ImportSourceDescriptor): string {
    return `${source.label} (${source.origin.kind} ${source.origin.id})`;
}
