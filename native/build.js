// @ts-check
// Builds the addon: `cargo build --release`, then copies the shared library to
// build/backtestr_native.node. N-API symbols stay undefined at link time (see
// .cargo/config.toml) and are resolved from the node process that loads the addon.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = __dirname;
const result = spawnSync('cargo', ['build', '--release'], { cwd: root, stdio: 'inherit' });
if (result.error) {
    console.error(`native: could not run cargo (${result.error.message}); install the Rust toolchain`);
    process.exit(1);
}
if (result.status !== 0) {
    process.exit(result.status ?? 1);
}
const lib = process.platform === 'darwin' ? 'libbacktestr_native.dylib'
    : process.platform === 'win32' ? 'backtestr_native.dll' : 'libbacktestr_native.so';
const from = path.join(root, 'target', 'release', lib);
const to = path.join(root, 'build', 'backtestr_native.node');
fs.mkdirSync(path.dirname(to), { recursive: true });
// Copy to a temp name and rename so that a running process never sees a half-written file.
fs.copyFileSync(from, `${to}.tmp`);
fs.renameSync(`${to}.tmp`, to);
console.log(`native: built ${path.relative(process.cwd(), to)}`);
