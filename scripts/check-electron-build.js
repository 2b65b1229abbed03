#!/usr/bin/env node
// @ts-check
// Test suite: the electron application's `build` script succeeds offline (no Electron binary on
// this machine) and produces the frontend, backend and electron-main bundles.
// Prints the closing line "N passed, N failed".
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const appDir = path.join(root, 'app', 'electron');
let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
    process.stdout.write(`  ${ok ? '✔' : '✘'} ${name}${ok ? '' : `: ${detail}`}\n`);
    ok ? passed++ : failed++;
}

const started = Date.now();
const result = spawnSync('npm', ['run', 'build', '--workspace', '@backtestr/electron-app'], {
    cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
});
const output = `${result.stdout}\n${result.stderr}`;
check(`electron build script exits 0 (${((Date.now() - started) / 1000).toFixed(1)} s)`, result.status === 0, output.slice(-2000));
for (const bundle of ['lib/frontend/bundle.js', 'lib/frontend/index.html', 'lib/backend/main.js', 'lib/backend/electron-main.js']) {
    const file = path.join(appDir, bundle);
    check(`${bundle} built`, fs.existsSync(file) && fs.statSync(file).size > 0, 'missing or empty');
}
const frontendConfig = fs.existsSync(path.join(appDir, 'src-gen', 'frontend', 'index.js'))
    ? fs.readFileSync(path.join(appDir, 'src-gen', 'frontend', 'index.js'), 'utf8') : '';
check('the electron app carries the BackTestr extensions', ['workbench', 'engine', 'data-import', 'charts', 'analysis']
    .every(e => frontendConfig.includes(`@backtestr/${e}/lib/browser/`)), 'an extension is missing from src-gen/frontend/index.js');
const backendServer = fs.existsSync(path.join(appDir, 'src-gen', 'backend', 'server.js'))
    ? fs.readFileSync(path.join(appDir, 'src-gen', 'backend', 'server.js'), 'utf8') : '';
check('the electron backend loads the workspace store (its database, run store and backtest data)',
    backendServer.includes('@backtestr/workspace-store/lib/node/workspace-store-backend-module'), 'missing from src-gen/backend/server.js');
check('the electron app is named BackTestr', frontendConfig.includes('"applicationName": "BackTestr"'), 'applicationName not found');
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
