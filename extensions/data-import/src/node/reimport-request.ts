// *****************************************************************************
// Re-importing a dataset: the request that replays the committed imports that wrote it.
// *****************************************************************************

import { DatasetErrors, DatasetKey, ImportRequest } from '../common/dataset-protocol';
import { WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

/**
 * The request that imports a dataset again: the paths and options of the committed imports that wrote it,
 * replacing its rows (see `ImportRequest.replace`). Imports with different options cannot be replayed as one.
 */
export async function reimportRequest(db: WorkspaceDatabase, key: DatasetKey): Promise<ImportRequest> {
    const rows = await db.all(`SELECT i.id, i.format, i.preset, i.paths::VARCHAR AS paths, i.options::VARCHAR AS options FROM imports i
        WHERE i.status = 'committed' AND i.id IN (SELECT import_id FROM import_files WHERE instrument_id = $1 AND kind = $2) ORDER BY i.id`,
    [key.instrumentId, key.kind]);
    if (rows.length === 0) {
        throw DatasetErrors.InvalidOptions(`No recorded import wrote instrument ${key.instrumentId} ${key.kind}: nothing to re-import from`);
    }
    const first = rows[0];
    const differing = rows.find(r => r.format !== first.format || r.preset !== first.preset || r.options !== first.options);
    if (differing) {
        throw DatasetErrors.InvalidOptions(`Imports #${first.id} and #${differing.id} of this dataset used different options; `
            + 're-import it by deleting it and importing each source again');
    }
    const paths = [...new Set(rows.flatMap(r => JSON.parse(String(r.paths)) as string[]))];
    const options = (JSON.parse(String(first.options ?? 'null')) ?? {}) as Pick<ImportRequest, 'csv' | 'instrument' | 'duplicates' | 'binaryLayout' | 'outOfOrderToleranceUs' | 'sourceId' | 'crossedQuotes'>;
    const format = String(first.format);
    return {
        paths, format: format === 'csv' || format === 'fix' || format === 'binary' ? format : 'auto',
        presetId: first.preset === null || first.preset === undefined ? undefined : String(first.preset),
        csv: options.csv ?? undefined, instrument: options.instrument ?? undefined, duplicates: options.duplicates ?? undefined,
        binaryLayout: options.binaryLayout ?? undefined, outOfOrderToleranceUs: options.outOfOrderToleranceUs ?? undefined,
        crossedQuotes: options.crossedQuotes ?? undefined,
        sourceId: options.sourceId ?? undefined, replace: key
    };
}
