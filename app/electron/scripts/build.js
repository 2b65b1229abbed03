#!/usr/bin/env node
// @ts-check
// Builds the BackTestr electron application's bundles (frontend, backend, electron main).
// Same as `theia build`, except where no Electron binary is installed (a machine without
// access to Electron's download host, with ELECTRON_SKIP_BINARY_DOWNLOAD=1): then the one
// step that needs the binary, Theia's replacement of Electron's ffmpeg library, is skipped
// and the bundles are still built. Where `npm install` fetched Electron, this is exactly
// `theia build`.
'use strict';
const fs = require('fs');
const path = require('path');
const { ApplicationPackageManager } = require('@theia/application-manager');

function electronBinaryInstalled() {
    const dist = path.join(path.dirname(require.resolve('electron/package.json')), 'dist');
    return fs.existsSync(path.join(dist, 'version'));
}

class BackTestrElectronBuild extends ApplicationPackageManager {
    async prepare() {
        if (electronBinaryInstalled()) {
            await super.prepare();
        } else {
            process.stdout.write('[electron-build] no Electron binary installed: skipping the ffmpeg replacement; bundles only\n');
        }
    }
}

async function main() {
    const mode = process.argv.includes('--mode=development') ? 'development' : 'production';
    const manager = new BackTestrElectronBuild({ projectPath: path.resolve(__dirname, '..'), appTarget: 'electron' });
    await manager.build(['--mode', mode], { mode });
    process.stdout.write(`[electron-build] ${mode} bundles in ${path.resolve(__dirname, '..', 'lib')}\n`);
}

main().catch(error => {
    process.stderr.write(`[electron-build] ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
});
