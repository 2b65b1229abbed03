#!/usr/bin/env node
// @ts-check
// One-command set-up for `npm start`, `npm test` and `npm run bench` on a fresh Debian
// machine: installs what is missing and skips what is already done.
//   1. Debian packages the build and the tests need (apt-get, as root).
//   2. npm ci (Electron's and Puppeteer's binary downloads are skipped: no network for them).
//   3. lerna run build: plugins-sdk, the Rust addon (cargo), the Theia extensions (tsc), in dependency order.
//   4. theia build of the browser application.
//   5. The sample workspace database (real data from ../shared/data, or synthetic ticks).
// Uses Node built-ins only: it runs before node_modules exists.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const stampDir = path.join(root, 'node_modules', '.backtestr-setup');

/** Debian packages: native modules of Theia (keytar, native-keymap), the e2e browser, Python strategies. */
const DEBIAN_PACKAGES = ['libsecret-1-dev', 'libxkbfile-dev', 'libx11-dev', 'pkg-config', 'chromium', 'python3-msgpack', 'poppler-utils'];

function log(message) {
    process.stdout.write(`[setup] ${message}\n`);
}

function run(command, args, options = {}) {
    const started = Date.now();
    const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options, env: { ...process.env, ...options.env } });
    if (result.status !== 0) {
        throw new Error(`'${command} ${args.join(' ')}' failed with exit code ${result.status ?? result.signal}`);
    }
    return (Date.now() - started) / 1000;
}

function missingDebianPackages() {
    return DEBIAN_PACKAGES.filter(name => {
        try {
            const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
            return !status.includes('install ok installed');
        } catch {
            return true;
        }
    });
}

function ensureDebianPackages() {
    if (process.platform !== 'linux' || spawnSync('which', ['dpkg-query']).status !== 0) {
        log('not a Debian system: install the equivalents of ' + DEBIAN_PACKAGES.join(', ') + ' yourself');
        return;
    }
    const missing = missingDebianPackages();
    if (missing.length === 0) {
        return;
    }
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const sudo = asRoot ? [] : ['sudo'];
    log(`installing Debian packages: ${missing.join(' ')}`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (args) => sudo.length ? run('sudo', ['apt-get', ...args], { env }) : run('apt-get', args, { env });
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', ...missing]);
}

function ensureCargo() {
    if (spawnSync('cargo', ['--version'], { stdio: 'ignore' }).status === 0) {
        return;
    }
    throw new Error('cargo (Rust) is not installed: install it with rustup (https://rustup.rs) or `apt-get install cargo`, then run this again.');
}

function hashOf(files) {
    const hash = crypto.createHash('sha1');
    for (const file of files) {
        hash.update(file);
        if (fs.existsSync(file)) {
            const stat = fs.statSync(file);
            hash.update(`${stat.size}:${stat.mtimeMs}`);
        }
    }
    return hash.digest('hex');
}

function listFiles(dir, filter, out = []) {
    if (!fs.existsSync(dir)) {
        return out;
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === 'node_modules' || entry.name === 'target' || entry.name.startsWith('.')) {
            continue;
        }
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            listFiles(full, filter, out);
        } else if (filter(full)) {
            out.push(full);
        }
    }
    return out;
}

/** Runs `step` unless the fingerprint of `inputs` matches the one stored after its last success. */
function stamped(name, inputs, step) {
    const stampFile = path.join(stampDir, name);
    const fingerprint = hashOf(inputs);
    if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === fingerprint) {
        return;
    }
    const seconds = step();
    fs.mkdirSync(stampDir, { recursive: true });
    fs.writeFileSync(stampFile, fingerprint);
    log(`${name} done in ${seconds.toFixed(1)} s`);
}

function ensureNpmPackages() {
    const lock = path.join(root, 'package-lock.json');
    const installed = path.join(root, 'node_modules', '.package-lock.json');
    const stampFile = path.join(stampDir, 'npm-ci');
    const fingerprint = crypto.createHash('sha1').update(fs.readFileSync(lock)).digest('hex');
    if (fs.existsSync(installed) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === fingerprint) {
        return;
    }
    log('npm ci (skipping the Electron and Puppeteer binary downloads)');
    const seconds = run('npm', ['ci', '--no-audit', '--no-fund'], {
        env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1', PUPPETEER_SKIP_DOWNLOAD: '1' }
    });
    fs.mkdirSync(stampDir, { recursive: true });
    fs.writeFileSync(stampFile, fingerprint);
    log(`npm ci done in ${seconds.toFixed(1)} s`);
}

function sourcesOfPackages() {
    const dirs = ['plugins-sdk', 'native', 'engine-core', ...fs.readdirSync(path.join(root, 'extensions')).map(e => path.join('extensions', e)), 'cli'];
    const files = [];
    for (const dir of dirs) {
        listFiles(path.join(root, dir), f => /\.(ts|tsx|css|rs|toml|json|js)$/.test(f) && !f.includes(`${path.sep}lib${path.sep}`) && !f.includes(`${path.sep}build${path.sep}`), files);
    }
    return files.sort();
}

function buildPackages() {
    stamped('build-packages', sourcesOfPackages(), () =>
        run('npx', ['lerna', 'run', 'build', '--ignore', '@backtestr/browser-app', '--ignore', '@backtestr/electron-app'], {
            env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' }
        }));
}

function buildBrowserApp() {
    const appDir = path.join(root, 'app', 'browser');
    const inputs = [
        path.join(appDir, 'package.json'),
        ...listFiles(path.join(root, 'extensions'), f => f.includes(`${path.sep}lib${path.sep}`) || f.endsWith('.css')).sort()
    ];
    const bundle = path.join(appDir, 'lib', 'frontend', 'bundle.js');
    if (!fs.existsSync(bundle)) {
        fs.rmSync(path.join(stampDir, 'build-browser-app'), { force: true });
    }
    stamped('build-browser-app', inputs, () => run('npm', ['run', 'build', '--workspace', '@backtestr/browser-app']));
}

function seedSampleWorkspace() {
    const seeder = path.join(root, 'scripts', 'seed-sample-workspace.js');
    if (fs.existsSync(seeder)) {
        run(process.execPath, [seeder]);
    }
}

function main() {
    const started = Date.now();
    const onlyDeps = process.argv.includes('--deps-only');
    ensureDebianPackages();
    ensureCargo();
    ensureNpmPackages();
    if (!onlyDeps) {
        buildPackages();
        buildBrowserApp();
        seedSampleWorkspace();
    }
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
    main();
} catch (error) {
    process.stderr.write(`[setup] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
}
