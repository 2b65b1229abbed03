// @ts-check
// The engine module of the plugin: one data source, a plain object as the plugin host expects
// ({ id, label, fileExtensions, importFile(file) -> tick columns }).
'use strict';
const { parseJsonLines } = require('./jsonl-tick-parser');

const jsonlTicks = {
    id: 'examples.jsonl-ticks',
    label: 'JSON-lines ticks',
    fileExtensions: ['.jsonl', '.ndjson'],
    /** @param {{ name: string, bytes: Uint8Array }} file */
    importFile(file) {
        return parseJsonLines(new TextDecoder('utf-8', { fatal: false }).decode(file.bytes));
    }
};

module.exports = { dataSources: [jsonlTicks] };
