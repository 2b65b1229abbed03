#!/usr/bin/env node
// @ts-check
// ESLint over the repository as a test suite: a file without errors passes, a file with
// errors fails; prints the problems and the closing line "N passed, N failed".
'use strict';
const path = require('path');
const { ESLint } = require('eslint');

async function main() {
    const root = path.resolve(__dirname, '..');
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(['.']);
    const formatter = await eslint.loadFormatter('stylish');
    const output = await formatter.format(results);
    if (output) {
        process.stdout.write(output + '\n');
    }
    const failed = results.filter(r => r.errorCount > 0 || r.warningCount > 0).length;
    process.stdout.write(`linted ${results.length} files\n${results.length - failed} passed, ${failed} failed\n`);
    process.exit(failed === 0 ? 0 : 1);
}

main().catch(error => {
    process.stderr.write(String(error && error.stack || error) + '\n');
    process.exit(1);
});
