// Test support: the published run export schema compiled with ajv (draft-07, shipped by @theia/core).

import * as fs from 'fs';
import * as path from 'path';
import Ajv = require('@theia/core/shared/ajv');

export const RUN_EXPORT_SCHEMA_FILE = path.resolve(__dirname, '../../../schema/run-export.v1.schema.json');

/** A validator returning the schema violations of a parsed export (empty when valid). */
export function runExportValidator(): (data: unknown) => string[] {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(RUN_EXPORT_SCHEMA_FILE, 'utf8')));
    return data => validate(data) ? [] : (validate.errors ?? []).map(e => `${e.dataPath} ${e.message}`);
}
