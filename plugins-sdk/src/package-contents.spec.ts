// What `npm pack` ships of the SDK: what strategy and plugin authors write against, no specs and no test
// support (those need Node, TA-Lib and the shared data, which an author's install has not).
import { expect } from 'chai';

interface PackedFile { path: string }
interface PackResult { files: PackedFile[] }
interface NodeChildProcess {
    execFileSync(file: string, args: string[], options: { cwd: string; encoding: 'utf8'; shell?: boolean }): string;
}
interface NodePath { resolve(...parts: string[]): string }
declare const require: (id: string) => unknown;
declare const __dirname: string;
declare const process: { platform: string };

const childProcess = require('child_process') as NodeChildProcess;
const path = require('path') as NodePath;

/** The package's folder (this spec runs from lib/). */
const PACKAGE_DIR = path.resolve(__dirname, '..');

function packedFiles(): string[] {
    const out = childProcess.execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: PACKAGE_DIR, encoding: 'utf8', shell: process.platform === 'win32'
    });
    const results = JSON.parse(out) as PackResult[];
    return results[0].files.map(f => f.path);
}

describe('plugins-sdk package contents (npm pack)', function (): void {
    this.timeout(60000);
    let files: string[];
    before(() => { files = packedFiles(); });

    it('ships the entry points (lib and src index, the indicators, the host entry)', () => {
        expect(files).to.include.members(['package.json', 'lib/index.js', 'lib/index.d.ts', 'src/index.ts',
            'lib/indicators/index.js',
            'host/package.json', 'lib/host/index.js', 'lib/host/index.d.ts']);
    });

    it('ships no spec, compiled or source', () => {
        expect(files.filter(f => /\.(slow-)?spec\./.test(f))).to.deep.equal([]);
    });

    it('ships no test support', () => {
        expect(files.filter(f => /(^|\/)test-support\//.test(f))).to.deep.equal([]);
    });
});
