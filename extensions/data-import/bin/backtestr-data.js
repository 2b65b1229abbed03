#!/usr/bin/env node
// The data commands of the `backtestr` CLI (import, datasets, export, quality, seed); see lib/node/data-cli.js.
'use strict';
const { runDataCommand } = require('../lib/node/data-cli');

runDataCommand(process.argv.slice(2)).then(code => {
    process.exitCode = code;
}, error => {
    process.stderr.write(`backtestr-data: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
