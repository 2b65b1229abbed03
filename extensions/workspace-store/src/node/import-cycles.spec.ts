import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The store's files import each other in layers, with no circle (workspace-database once imported the
 * migrations and the tick store, which imported it back): a circle makes the order in which Node loads the
 * modules decide which of their exports are still undefined. Reads the TypeScript sources of the package's
 * src/node and src/common, type-only imports included.
 */

const SRC = path.resolve(__dirname, '..', '..', 'src');

/** The relative module specifiers a source imports or re-exports (`import`, `import type`, `export ... from`, `require`). */
export function relativeImports(text: string): string[] {
    const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map(m => m[1]);
    return [...new Set(specifiers)];
}

/** The first import circle of a graph (file -> files it imports), as the files along it back to the first; undefined when there is none. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): string[] | undefined => {
        if (state.get(file) === 'done') {
            return undefined;
        }
        if (state.get(file) === 'open') {
            return [...stack.slice(stack.indexOf(file)), file];
        }
        state.set(file, 'open');
        stack.push(file);
        for (const next of graph.get(file) ?? []) {
            const cycle = visit(next);
            if (cycle) {
                return cycle;
            }
        }
        stack.pop();
        state.set(file, 'done');
        return undefined;
    };
    for (const file of [...graph.keys()].sort()) {
        const cycle = visit(file);
        if (cycle) {
            return cycle;
        }
    }
    return undefined;
}

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const file = path.join(dir, entry.name);
        return entry.isDirectory() ? sourceFiles(file) : /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
    });
}

/** The package's import graph, files named relative to src (`node/tick-store.ts`); specs, which nothing imports, left out. */
function packageGraph(): Map<string, string[]> {
    const files = ['node', 'common'].flatMap(runtime => sourceFiles(path.join(SRC, runtime))).filter(file => !/\.(slow-)?spec\.ts$/.test(file));
    const name = (file: string) => path.relative(SRC, file).split(path.sep).join('/');
    const graph = new Map<string, string[]>();
    for (const file of files) {
        const targets = relativeImports(fs.readFileSync(file, 'utf8')).map(specifier => {
            const base = path.resolve(path.dirname(file), specifier.replace(/\.js$/, ''));
            const target = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find(candidate => fs.existsSync(candidate));
            expect(target, `${name(file)} imports '${specifier}', which is no source file of this package`).to.not.equal(undefined);
            return name(target!);
        });
        graph.set(name(file), targets);
    }
    return graph;
}

describe('the workspace store imports no circle', () => {
    it('no file of src/node or src/common reaches itself through its relative imports', () => {
        const graph = packageGraph();
        expect(graph.get('node/workspace-database.ts')).to.include.members(['node/schema-migrations.ts', 'node/tick-store.ts']);
        const cycle = findCycle(graph);
        expect(cycle, cycle && `import circle: ${cycle.join(' -> ')}`).to.equal(undefined);
    });

    it('the migrations and the tick store take the database connection, not the database that runs them', () => {
        const graph = packageGraph();
        for (const file of ['node/schema-migrations.ts', 'node/tick-store.ts']) {
            expect(graph.get(file)).to.include('node/database-connection.ts').and.not.include('node/workspace-database.ts');
        }
    });

    it('finds a circle, type-only imports and re-exports included, and none in layers', () => {
        const imports = (text: string) => relativeImports(text);
        expect(imports(`import type { A } from './a';\nexport { B } from '../b';\nconst c = require('./c');\nimport * as x from 'fs';`))
            .to.deep.equal(['./a', '../b', './c']);
        const circle = new Map([['db', ['migrations', 'store']], ['migrations', ['store', 'db']], ['store', []]]);
        expect(findCycle(circle)).to.deep.equal(['db', 'migrations', 'db']);
        const layers = new Map([['db', ['migrations', 'store', 'connection']], ['migrations', ['store', 'connection']], ['store', ['connection']], ['connection', []]]);
        expect(findCycle(layers)).to.equal(undefined);
    });
});
