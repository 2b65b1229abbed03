// What a data source is written against: a file in (name and bytes), tick columns out. The same
// contract for run-time plugins (an engine module exporting `dataSources: [...]`) and build-time
// extensions (registering a `DataSourceImporter`). Plain data and functions only.
import { checkContributionId } from './contribution-id';

/**
 * Ticks a data source produced, as columns of equal length in file order. `time` is int64
 * microseconds UTC (carried as a float64 column over RPC: exact below 2^53). Rows the source could
 * not read are listed in `rejected` (never dropped silently); a value that is not a number arrives
 * as NaN, and the data layer quarantines its row (as it does rows out of time order).
 */
export interface ImportedTicks {
    readonly time: Float64Array;
    readonly price?: Float64Array;
    readonly size?: Float64Array;
    readonly bid?: Float64Array;
    readonly ask?: Float64Array;
    /** 1-based line (or record) number of each row in the file; absent: the row's index + 1. */
    readonly line?: Float64Array;
    readonly rejected: readonly { readonly line: number; readonly reason: string; readonly raw?: string }[];
}

/** A file handed to a data source: its name and bytes. */
export interface DataSourceFile {
    readonly name: string;
    readonly bytes: Uint8Array;
}

/** What reads a data source's files (in-process for build-time extensions, in the plugin host for plugins). */
export interface DataSourceImporter {
    importFile(file: DataSourceFile): Promise<ImportedTicks>;
}

/** A data source as a plugin's engine module exports it (`module.exports = { dataSources: [...] }`). */
export interface DataSourceDefinition {
    readonly id: string;
    readonly label: string;
    /** File name endings the source reads, each starting with '.', e.g. `['.jsonl']` or `['.tar.gz']`. */
    readonly fileExtensions: readonly string[];
    importFile(file: DataSourceFile): ImportedTicks | Promise<ImportedTicks>;
}

/** Checks a data source's id and file endings and returns it frozen; the messages name the source and the field. */
export function defineDataSource(definition: DataSourceDefinition): DataSourceDefinition {
    checkContributionId('Data source', definition.id, 'acme.jsonl-ticks');
    if (definition.fileExtensions.length === 0) {
        throw new Error(`Data source '${definition.id}' declares no fileExtensions: add the endings it reads, e.g. ['.jsonl'].`);
    }
    for (const ending of definition.fileExtensions) {
        if (typeof ending !== 'string' || !/^(\.[^./\\\s]+)+$/.test(ending)) {
            throw new Error(`Data source '${definition.id}': fileExtensions entry '${String(ending)}' is not a file ending: write it with its dot, e.g. '.jsonl'.`);
        }
    }
    if (typeof definition.importFile !== 'function') {
        throw new Error(`Data source '${definition.id}' has no importFile(file) function: add one returning the tick columns.`);
    }
    return Object.freeze({ ...definition, fileExtensions: Object.freeze([...definition.fileExtensions]) });
}
