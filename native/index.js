// @ts-check
// Loads the native engine addon built by `npm run build -w @backtestr/native`.
'use strict';
const path = require('path');

const file = path.join(__dirname, 'build', 'backtestr_native.node');
let addon;
try {
    addon = require(file);
} catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`@backtestr/native: the addon is not built or failed to load (${file}): ${reason}. `
        + 'Build it with `npm run build -w @backtestr/native` (needs cargo).');
}
module.exports = addon;
