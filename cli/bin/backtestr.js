#!/usr/bin/env node
// The headless BackTestr CLI; see lib/backtestr-cli.js (`backtestr help`).
'use strict';
// Every way out ends the processes the CLI started; a closed output pipe ends it quietly.
require('../lib/process-exit').installExitHandling();
const { main } = require('../lib/backtestr-cli');

main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
}, error => {
    process.stderr.write(`backtestr: ${error instanceof Error ? error.stack || error.message : String(error)}\n`);
    process.exitCode = 1;
});
