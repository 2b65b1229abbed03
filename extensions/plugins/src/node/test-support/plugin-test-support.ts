// Test support: paths of the example and fixture plugins, packing them like a publisher would,
// and real bars from ../shared/data.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BarColumns } from '@backtestr/workspace-store';

export const packageRoot = path.resolve(__dirname, '..', '..', '..');
export const repoRoot = path.resolve(packageRoot, '..', '..');
export const examplesDir = path.join(repoRoot, 'examples', 'plugins');
export const fixturesDir = path.join(packageRoot, 'test-fixtures');
export const sharedData = path.resolve(repoRoot, '..', 'shared', 'data');

export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `backtestr-${prefix}-`));
}

/** Builds the Keltner example with its own tsc run and packs it with `npm pack`; returns the .tgz path. */
export function packKeltner(into: string): string {
    const folder = path.join(examplesDir, 'keltner-channels');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', folder], { stdio: 'pipe' });
    return npmPackFolder(folder, into);
}

export function npmPackFolder(folder: string, into: string): string {
    const out = execFileSync('npm', ['pack', folder, '--json', '--ignore-scripts', '--pack-destination', into], { cwd: into, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return path.join(into, (JSON.parse(out) as { filename: string }[])[0].filename);
}

/** Copies a plugin folder somewhere else (so a test can change it, e.g. bump its version). */
export function copyPlugin(folder: string, into: string): string {
    const target = path.join(into, path.basename(folder));
    fs.cpSync(folder, target, { recursive: true });
    return target;
}

/** The vendor's SPY 1-minute bars of one day (prices /10000, time = UnixMicros of the New York minute, EDT = UTC-4). */
export function spyMinuteBars(day = '20131007'): BarColumns {
    const zip = path.join(sharedData, 'spy-minute-vendor-2013-10', `${day}_trade.zip`);
    const text = execFileSync('unzip', ['-p', zip], { encoding: 'utf8' });
    const rows = text.trim().split('\n').map(l => l.split(',').map(Number));
    const midnightUtc = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)), 4);
    const col = (i: number, scale = 1e4): Float64Array => Float64Array.from(rows, r => r[i] / scale);
    return {
        count: rows.length,
        time: Float64Array.from(rows, r => (midnightUtc + r[0]) * 1000),
        open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5, 1)
    };
}

export function hasSharedData(): boolean {
    return fs.existsSync(path.join(sharedData, 'spy-minute-vendor-2013-10')) && fs.existsSync(path.join(sharedData, 'eurusd-quotes-2014-05'));
}
