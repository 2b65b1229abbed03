import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Types that several packages once declared each for themselves (with different meanings:
 * `UnixMicros` was a number in four and a bigint in one; the engine had its own `OrderEvent`,
 * `Account`, `ClosedTrade` and `TickBatch`, the plugin tests their own `BarColumns`) are declared in
 * one place; the others import, re-export or extend them under their own names. Scans the
 * TypeScript sources of every package for declarations.
 */

const ROOT = path.resolve(path.dirname(require.resolve('@backtestr/plugins-sdk/package.json')), '..');

/** Where each type is declared, the one place. */
const OWNERS: Readonly<Record<string, string>> = {
    UnixMicros: 'plugins-sdk/src/types.ts',
    UnixMicrosBig: 'plugins-sdk/src/types.ts',
    OrderEvent: 'plugins-sdk/src/orders.ts',
    OrderEventKind: 'plugins-sdk/src/orders.ts',
    Account: 'plugins-sdk/src/orders.ts',
    TickBatch: 'plugins-sdk/src/tick-source.ts',
    ClosedTrade: 'extensions/analysis/src/common/statistics/statistics-types.ts',
    BarColumns: 'extensions/workspace-store/src/common/workspace-store-protocol.ts'
};

function sourceFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return entry.name === 'node_modules' ? [] : sourceFiles(file);
        }
        return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
    });
}

/** The files (relative to the repository, with `/`) that declare `name` as a type alias, interface or class. */
export function declarationsOf(name: string, files: readonly { readonly file: string; readonly text: string }[]): string[] {
    const declaration = new RegExp(`^\\s*(?:export\\s+)?(?:declare\\s+)?(?:type|interface|class)\\s+${name}\\b(?!\\s*,)`, 'm');
    return files.filter(f => declaration.test(f.text)).map(f => f.file);
}

describe('shared types are declared once', () => {
    const roots = ['plugins-sdk/src', 'cli/src', 'examples', ...fs.readdirSync(path.join(ROOT, 'extensions')).map(e => `extensions/${e}/src`)];
    const files = roots.flatMap(r => sourceFiles(path.join(ROOT, r)))
        .map(file => ({ file: path.relative(ROOT, file).split(path.sep).join('/'), text: fs.readFileSync(file, 'utf8') }));

    for (const [name, owner] of Object.entries(OWNERS)) {
        it(`${name}: only in ${owner}`, () => {
            expect(declarationsOf(name, files), `declarations of ${name}: import it from where ${owner} exports it (or re-export it) instead`).to.deep.equal([owner]);
        });
    }

    it('finds type aliases, interfaces and classes, exported or not, and not re-exports or uses', () => {
        const sample = [
            { file: 'a.ts', text: 'export type UnixMicros = number;' },
            { file: 'b.ts', text: '  interface UnixMicros { }' },
            { file: 'c.ts', text: 'export type { UnixMicros };\nimport type { UnixMicros } from "x";\nconst t: UnixMicros = 1;' },
            { file: 'd.ts', text: 'export type UnixMicrosBig = bigint;' },
            { file: 'e.ts', text: 'export declare class UnixMicros {}' }
        ];
        expect(declarationsOf('UnixMicros', sample)).to.deep.equal(['a.ts', 'b.ts', 'e.ts']);
    });
});
