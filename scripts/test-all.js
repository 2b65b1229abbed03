#!/usr/bin/env node
// @ts-check
// Runs every suite of the repository and prints one closing line over all of them:
// "N passed, N failed". Each suite's own runner ends with such a line; this adds them up.
// Suites: lint (ESLint over the repo), the lint rule's own tests, each package's `npm test`
// (mocha; the native package adds `cargo test`), the offline electron build, and the
// end-to-end tests in Chromium.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const CLOSING_LINE = /^(\d+) passed, (\d+) failed\s*$/;
/** How long a suite may run on after its last closing line (a later one restarts the wait: a package's npm test may run several runners). */
const LINGER_MS = 180_000;

/** The suites in the order they run; the e2e suite is last because it is the slowest. */
function suites() {
    const pkgs = ['plugins-sdk', 'native', 'engine-core', ...fs.readdirSync(path.join(root, 'extensions')).sort().map(e => `extensions/${e}`), 'examples/firm-extension', 'cli'];
    const list = [
        { name: 'lint-rules', command: 'npx', args: ['mocha', '--config', 'eslint-rules/.mocharc.json'] },
        { name: 'lint', command: process.execPath, args: ['scripts/lint.js'] }
    ];
    for (const pkg of pkgs) {
        const manifest = JSON.parse(fs.readFileSync(path.join(root, pkg, 'package.json'), 'utf8'));
        if (manifest.scripts && manifest.scripts.test) {
            list.push({ name: manifest.name, command: 'npm', args: ['test', '--silent', '--workspace', manifest.name] });
        }
    }
    list.push({ name: 'electron-build', command: process.execPath, args: ['scripts/check-electron-build.js'] });
    list.push({ name: 'e2e', command: 'npm', args: ['test', '--silent', '--workspace', '@backtestr/tests'] });
    return list;
}

/** Runs one suite, echoing its output, and returns the counts of its last closing line. */
function runSuite(suite) {
    return new Promise(resolve => {
        const started = Date.now();
        process.stdout.write(`\n=== ${suite.name} ===\n`);
        const child = spawn(suite.command, suite.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
        let lastCounts;
        let pending = '';
        // A runner that reported its closing line but does not exit (a handle left open) is ended, and counted as a failure.
        let lingering;
        let lingered = false;
        const watchExit = () => {
            clearTimeout(lingering);
            lingering = setTimeout(() => {
                lingered = true;
                process.stdout.write(`[test-all] ${suite.name} reported its results but had not exited ${LINGER_MS / 1000} s later: ended\n`);
                try {
                    process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
                } catch {
                    child.kill('SIGKILL');
                }
            }, LINGER_MS);
        };
        const scan = chunk => {
            pending += chunk.toString();
            const lines = pending.split('\n');
            pending = lines.pop() ?? '';
            for (const line of lines) {
                const match = CLOSING_LINE.exec(line.trim());
                if (match) {
                    lastCounts = { passed: Number(match[1]), failed: Number(match[2]) };
                    watchExit();
                }
            }
        };
        // The suite runs in a process group of its own (so that a lingering one is ended whole): pass Ctrl-C on to it.
        const forward = signal => {
            try {
                process.kill(-child.pid, signal);
            } catch {
                child.kill(signal);
            }
            process.exit(signal === 'SIGINT' ? 130 : 143);
        };
        process.once('SIGINT', forward);
        process.once('SIGTERM', forward);
        child.on('exit', () => {
            process.removeListener('SIGINT', forward);
            process.removeListener('SIGTERM', forward);
        });
        child.stdout.on('data', chunk => { process.stdout.write(chunk); scan(chunk); });
        child.stderr.on('data', chunk => process.stderr.write(chunk));
        child.on('close', code => {
            clearTimeout(lingering);
            scan('\n');
            if (lingered) {
                code = code ?? 1;
                lastCounts = { passed: lastCounts?.passed ?? 0, failed: (lastCounts?.failed ?? 0) + 1 };
            }
            const seconds = (Date.now() - started) / 1000;
            let counts = lastCounts ?? { passed: 0, failed: 0 };
            if (code !== 0 && counts.failed === 0) {
                // The runner crashed or never reached its closing line: count the suite as one failure.
                process.stdout.write(`[test-all] ${suite.name} exited with code ${code} without reporting a failed test\n`);
                counts = { passed: counts.passed, failed: 1 };
            }
            process.stdout.write(`[test-all] ${suite.name}: ${counts.passed} passed, ${counts.failed} failed in ${seconds.toFixed(1)} s\n`);
            resolve({ name: suite.name, ...counts, seconds });
        });
    });
}

async function main() {
    const only = process.argv.slice(2);
    const selected = suites().filter(s => only.length === 0 || only.includes(s.name));
    const results = [];
    for (const suite of selected) {
        results.push(await runSuite(suite));
    }
    const passed = results.reduce((sum, r) => sum + r.passed, 0);
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    process.stdout.write('\n');
    for (const r of results) {
        process.stdout.write(`  ${r.name.padEnd(28)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed ${r.seconds.toFixed(1).padStart(7)} s\n`);
    }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    process.exit(failed === 0 ? 0 : 1);
}

main();
