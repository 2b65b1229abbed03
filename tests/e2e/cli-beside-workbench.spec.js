// @ts-check
// The CLI beside the workbench: while the real browser workbench has the workspace open (its backend holds
// the DuckDB file), the real `backtestr` program, run as separate processes from a terminal's point of view,
// reaches the database through the backend (the workspace's owner); the Runs view shows its run live (in
// progress, then finished) and can cancel it, the Datasets view its import, both without a reload; a CLI killed
// mid-run leaves its run cancelled and the workbench going on.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { expect } = require('chai');
const { runCommand, screenshot, repoRoot, openSession, closeSession } = require('./workbench');

const CLI_BIN = path.join(repoRoot, 'cli', 'bin', 'backtestr.js');
const OWNER_FILE = ['.backtestr', 'owner.json'];

/** `minutes` minutes of SPY trade ticks of the Lean format (ms since midnight New York, price x 10000 on the cent grid, size), one a second. */
function spyTrades(/** @type {number} */ minutes, /** @type {number} */ base) {
    const lines = [];
    for (let i = 0; i < minutes * 60; i++) {
        lines.push(`${34200000 + i * 1000},${base + Math.round(Math.sin(i / 97) * 30) * 100},${100 + (i % 7)},P,,0`);
    }
    return lines.join('\n') + '\n';
}

/**
 * The real CLI as a child process in `cwd`.
 * @param {string[]} argv
 * @param {string} cwd
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{ code: number | null, out: string, err: string }>}
 */
function backtestr(argv, cwd, env) {
    const child = spawn(process.execPath, [CLI_BIN, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', chunk => out += chunk.toString());
    child.stderr.on('data', chunk => err += chunk.toString());
    return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', code => resolve({ code, out, err }));
    });
}

/** Waits (up to a minute) until `done()`; fails naming `what`. @param {() => boolean} done @param {string} what */
async function until(done, what) {
    for (let i = 0; !done(); i++) {
        if (i === 600) {
            throw new Error(`timed out waiting until ${what}`);
        }
        await new Promise(resolve => setTimeout(resolve, 100));
    }
}

describe('The CLI beside the workbench (Chromium)', function () {
    this.timeout(300000);
    /** @type {string} */
    let work;
    /** @type {string} */
    let root;
    /** @type {NodeJS.ProcessEnv} */
    let env;
    /** @type {Awaited<ReturnType<typeof openSession>> | undefined} */
    let session;

    before(async () => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-cli-beside-'));
        root = path.join(work, 'workspace');
        fs.mkdirSync(path.join(root, 'strategies'), { recursive: true });
        fs.copyFileSync(path.join(repoRoot, 'sample-workspace', 'strategies', 'sma-cross.ts'), path.join(root, 'strategies', 'sma-cross.ts'));
        fs.mkdirSync(path.join(work, 'data'));
        fs.mkdirSync(path.join(work, 'plugins'));
        fs.writeFileSync(path.join(work, 'data', '20131007_spy_Trade_Tick.csv'), spyTrades(60, 1675000));
        fs.writeFileSync(path.join(work, 'data', '20131008_spy_Trade_Tick.csv'), spyTrades(60, 1680000));
        env = { ...process.env, BACKTESTR_PLUGIN_DIR: path.join(work, 'plugins') };
        delete env.BACKTESTR_WORKSPACE;
        const imported = await backtestr(['import', path.join(work, 'data', '20131007_spy_Trade_Tick.csv'), '--workspace', root, '--json'], work, env);
        expect(imported.code, imported.err).to.equal(0);
        session = await openSession(root);
        await session.page.locator('[data-testid="welcome-page"]').waitFor({ state: 'visible', timeout: 60000 });
        // The Runs view reads the store: the backend opens the workspace's database and becomes its owner.
        await runCommand(session.page, 'BackTestr: Show Runs');
        await session.page.locator('[data-testid="runs-view"] .backtestr-empty').waitFor({ state: 'visible', timeout: 60000 });
        await until(() => fs.existsSync(path.join(root, ...OWNER_FILE)), 'the backend publishes itself in .backtestr/owner.json');
    });

    after(async () => {
        await closeSession(session ?? {}, work);
    });

    it('runs, datasets, run --no-save, run, report and import all work from a terminal while the workbench holds the database', async () => {
        const runs = await backtestr(['runs', '--json'], root, env);
        expect(runs.err).to.equal('');
        expect(runs.code).to.equal(0);
        expect(JSON.parse(runs.out)).to.deep.equal([]);
        const datasets = await backtestr(['datasets', '--json'], root, env);
        expect(datasets.code, datasets.err).to.equal(0);
        expect(JSON.parse(datasets.out).map((/** @type {{ tickCount: number }} */ d) => d.tickCount)).to.deep.equal([3600]);
        const dry = await backtestr(['run', path.join('strategies', 'sma-cross.ts'), '--symbol', 'SPY', '--no-save', '--json'], root, env);
        expect(dry.code, dry.err).to.equal(0);
        expect(JSON.parse(dry.out).ticks).to.equal(3600);
        const stored = await backtestr(['run', path.join('strategies', 'sma-cross.ts'), '--symbol', 'SPY', '--json'], root, env);
        expect(stored.code, stored.err).to.equal(0);
        const id = JSON.parse(stored.out).run.id;
        const report = await backtestr(['report', id, '--format', 'json', '--out', 'report.json'], work, { ...env, BACKTESTR_WORKSPACE: root });
        expect(report.code, report.err).to.equal(0);
        expect(JSON.parse(fs.readFileSync(path.join(work, 'report.json'), 'utf8'))).to.be.an('object');
    });

    it('the Runs view shows a CLI run live, without a reload: in progress, then finished', async () => {
        const page = /** @type {NonNullable<typeof session>} */ (session).page;
        // Slow for its first 150 ticks (about 3 s), so that its progress is seen, then quick.
        fs.writeFileSync(path.join(root, 'strategies', 'slow-start.ts'), `import { defineStrategy } from '@backtestr/plugins-sdk';
let ticks = 0;
export default defineStrategy({ id: 'e2e.slow-start', label: 'Slow start', params: {}, subscribe: { tick: true },
    onTick() { if (ticks++ < 150) { const t = Date.now(); while (Date.now() - t < 20) { /* slow on purpose */ } } } });
`);
        const done = backtestr(['run', path.join('strategies', 'slow-start.ts'), '--symbol', 'SPY', '--json'], root, env);
        const active = page.locator('[data-testid="runs-view"] [data-testid="run-active"]');
        await active.waitFor({ state: 'visible', timeout: 60000 });
        expect(await active.textContent()).to.contain('Slow start');
        await screenshot(page, 'cli-beside-01-cli-run-in-progress');
        const cli = await done;
        expect(cli.code, cli.err).to.equal(0);
        const id = JSON.parse(cli.out).run.id;
        const row = page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
        await row.waitFor({ state: 'visible', timeout: 60000 });
        await page.waitForFunction(runId => document.querySelector(`[data-testid="run-row"][data-run-id="${runId}"]`)?.getAttribute('data-status') === 'finished',
            id, { timeout: 60000 });
        await active.waitFor({ state: 'detached', timeout: 60000 });
        await screenshot(page, 'cli-beside-02-cli-run-finished');
    });

    it('a CLI run cancelled in the Runs view ends the CLI with "cancelled"; a CLI killed -9 mid-run leaves its run cancelled, the workbench going on', async () => {
        const page = /** @type {NonNullable<typeof session>} */ (session).page;
        fs.writeFileSync(path.join(root, 'strategies', 'slow.ts'), `import { defineStrategy } from '@backtestr/plugins-sdk';
export default defineStrategy({ id: 'e2e.slow', label: 'Slow', params: {}, subscribe: { tick: true },
    onTick() { const t = Date.now(); while (Date.now() - t < 20) { /* slow on purpose */ } } });
`);
        const done = backtestr(['run', path.join('strategies', 'slow.ts'), '--symbol', 'SPY'], root, env);
        const active = page.locator('[data-testid="runs-view"] [data-testid="run-active"]');
        await active.waitFor({ state: 'visible', timeout: 60000 });
        const cancelledId = await active.getAttribute('data-run-id');
        await active.locator('button', { hasText: 'Cancel' }).click();
        const cli = await done;
        expect(cli.code).to.equal(1);
        expect(cli.err).to.match(/cancel/i);
        await page.waitForFunction(runId => document.querySelector(`[data-testid="run-row"][data-run-id="${runId}"]`)?.getAttribute('data-status') === 'cancelled',
            cancelledId, { timeout: 60000 });
        // The client killed: the owner's run ends (the socket closes) and the workbench goes on.
        const child = spawn(process.execPath, [CLI_BIN, 'run', path.join('strategies', 'slow.ts'), '--symbol', 'SPY'], { cwd: root, env, stdio: 'ignore' });
        await page.waitForFunction(previous => {
            const id = document.querySelector('[data-testid="run-active"]')?.getAttribute('data-run-id');
            return id !== undefined && id !== null && id !== previous;
        }, cancelledId, { timeout: 60000 });
        const killedId = await active.getAttribute('data-run-id');
        child.kill('SIGKILL');
        await page.waitForFunction(runId => document.querySelector(`[data-testid="run-row"][data-run-id="${runId}"]`)?.getAttribute('data-status') === 'cancelled',
            killedId, { timeout: 60000 });
        await active.waitFor({ state: 'detached', timeout: 60000 });
        const runs = await backtestr(['runs', '--json'], root, env);
        expect(runs.code, runs.err).to.equal(0);
        const statuses = new Map(JSON.parse(runs.out).map((/** @type {{ id: string, status: string }} */ r) => [r.id, r.status]));
        expect(statuses.get(cancelledId)).to.equal('cancelled');
        expect(statuses.get(killedId)).to.equal('cancelled');
        await screenshot(page, 'cli-beside-03-cancelled-runs');
    });

    it('the Datasets view shows a CLI import live, without a reload', async () => {
        const page = /** @type {NonNullable<typeof session>} */ (session).page;
        await runCommand(page, 'BackTestr: Show Datasets');
        const spy = page.locator('[data-testid="datasets-view"] [data-symbol="SPY"]');
        await spy.waitFor({ state: 'visible', timeout: 60000 });
        expect(await spy.getAttribute('data-tick-count')).to.equal('3600');
        const imported = await backtestr(['import', path.join(work, 'data', '20131008_spy_Trade_Tick.csv'), '--json'], root, env);
        expect(imported.code, imported.err).to.equal(0);
        expect(JSON.parse(imported.out).rows).to.equal(3600);
        await page.waitForFunction(() => document.querySelector('[data-testid="datasets-view"] [data-symbol="SPY"]')?.getAttribute('data-tick-count') === '7200',
            undefined, { timeout: 60000 });
        await screenshot(page, 'cli-beside-04-cli-import-in-datasets-view');
    });

    it('the CLI opens the files itself once the workbench is stopped', async () => {
        await closeSession(/** @type {NonNullable<typeof session>} */ (session));
        session = undefined;
        expect(fs.existsSync(path.join(root, ...OWNER_FILE)), 'a cleanly stopped owner removes its owner.json').to.equal(false);
        const runs = await backtestr(['runs', '--json'], root, env);
        expect(runs.code, runs.err).to.equal(0);
        expect(JSON.parse(runs.out)).to.have.length(4);
        const datasets = await backtestr(['datasets', '--json'], root, env);
        expect(JSON.parse(datasets.out).map((/** @type {{ tickCount: number }} */ d) => d.tickCount)).to.deep.equal([7200]);
    });
});
