#!/usr/bin/env node
// @ts-check
// `npm run bench`: runs the `bench` script of every package that has one and prints its figures.
// Benchmarks measure; they do not assert (performance goals are in ../shared/DESIGN.md).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const only = process.argv.slice(2);
const packages = ['native', 'plugins-sdk', 'engine-core', ...fs.readdirSync(path.join(root, 'extensions')).sort().map(e => `extensions/${e}`)];
let failures = 0;
for (const dir of packages) {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    if (!manifest.scripts || !manifest.scripts.bench || (only.length > 0 && !only.includes(manifest.name))) {
        continue;
    }
    process.stdout.write(`\n=== bench ${manifest.name} ===\n`);
    const result = spawnSync('npm', ['run', '--silent', 'bench', '--workspace', manifest.name], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
        failures++;
        process.stdout.write(`[bench] ${manifest.name} failed with exit code ${result.status}\n`);
    }
}
process.exit(failures === 0 ? 0 : 1);
