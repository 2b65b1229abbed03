// The charts package's own modules import one another without a circle (also through type-only imports:
// a circle of types is where a circle of values starts). Reads the sources, so it holds for every file
// under src, specs and test support included.

import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.resolve(__dirname, '../src');

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
    });
}

/** The TypeScript files of `src` that `file` imports by a relative path: import and export ... from, import(), require(). */
export function relativeImports(file: string, text: string = fs.readFileSync(file, 'utf8')): string[] {
    const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map(m => m[1]);
    // Style sheets and other files that are not modules of ours have no imports to follow.
    return specifiers.filter(s => !/\.(css|json|svg|png)$/.test(s)).map(s => {
        const base = path.resolve(path.dirname(file), s);
        const found = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find(f => fs.existsSync(f));
        if (!found) {
            throw new Error(`${path.relative(SRC, file)}: '${s}' names no file under src`);
        }
        return found;
    });
}

/** One circle of imports among `graph`'s files (as paths relative to src, the first file repeated at the end), or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
    const state = new Map<string, 'open' | 'done'>();
    const trail: string[] = [];
    const visit = (file: string): string[] | undefined => {
        if (state.get(file) === 'done') {
            return undefined;
        }
        if (state.get(file) === 'open') {
            return [...trail.slice(trail.indexOf(file)), file];
        }
        state.set(file, 'open');
        trail.push(file);
        for (const next of graph.get(file) ?? []) {
            const cycle = visit(next);
            if (cycle) {
                return cycle;
            }
        }
        trail.pop();
        state.set(file, 'done');
        return undefined;
    };
    for (const file of graph.keys()) {
        const cycle = visit(file);
        if (cycle) {
            return cycle.map(f => path.relative(SRC, f));
        }
    }
    return undefined;
}

describe('charts sources: no import circle', () => {
    it('finds a circle when there is one (two files importing each other, also by type only)', () => {
        const a = path.join(SRC, 'browser', 'a.ts');
        const b = path.join(SRC, 'browser', 'b.ts');
        const c = path.join(SRC, 'browser', 'c.ts');
        expect(findCycle(new Map([[a, [b]], [b, [c]], [c, [a]]]))).to.deep.equal(['browser/a.ts', 'browser/b.ts', 'browser/c.ts', 'browser/a.ts']);
        expect(findCycle(new Map([[a, [b]], [b, [c]], [c, []]]))).to.equal(undefined);
        const file = path.join(SRC, 'browser', 'live-follow-controller.ts');
        expect(relativeImports(file, `import type { X } from './chart-panel';\nimport { Y } from '../common/live-follow';\nexport { Z } from './panel-overlays';`)
            .map(f => path.relative(SRC, f))).to.deep.equal(['browser/chart-panel.ts', 'common/live-follow.ts', 'browser/panel-overlays.ts']);
    });

    it('no file under extensions/charts/src imports itself back through others', () => {
        // Not this file: its examples above are strings, not imports.
        const files = sourceFiles(SRC).filter(f => f !== path.join(SRC, 'import-cycles.spec.ts'));
        expect(files.length).to.be.greaterThan(20);
        const graph = new Map(files.map(f => [f, relativeImports(f)]));
        expect(findCycle(graph), 'an import circle').to.equal(undefined);
    });
});
