import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { EXEC_LAYOUT, MTF_LAYOUT } from './native-layout';

/**
 * The slot names the addon returns from `layout()` and `executionLayout()` are the names its
 * typings (native/index.d.ts) declare for `NativeLayout` and `NativeExecutionLayout`: a slot added
 * to the Rust tables (native/src/layout.rs, native/src/execution/layout.rs) or to the typings alone
 * fails here, naming the slot and the side it is missing from.
 */

const DTS = path.join(path.dirname(require.resolve('@backtestr/native/package.json')), 'index.d.ts');

/** The property names of an interface, or the string-literal keys of `Readonly<Record<'A' | 'B', T>>`. */
export function declaredKeys(source: ts.SourceFile, name: string): string[] {
    for (const statement of source.statements) {
        if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) {
            return statement.members.map(member => {
                if (!ts.isPropertySignature(member) || !member.name || !ts.isIdentifier(member.name)) {
                    throw new Error(`${source.fileName}: member of ${name} is not a plain property (line ${line(source, member)})`);
                }
                return member.name.text;
            });
        }
        if (ts.isTypeAliasDeclaration(statement) && statement.name.text === name) {
            return recordKeys(source, name, statement.type);
        }
    }
    throw new Error(`${source.fileName}: no interface or type alias named ${name}`);
}

function recordKeys(source: ts.SourceFile, name: string, type: ts.TypeNode): string[] {
    if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeArguments?.length) {
        if (type.typeName.text === 'Readonly') {
            return recordKeys(source, name, type.typeArguments[0]);
        }
        if (type.typeName.text === 'Record') {
            const keys = type.typeArguments[0];
            const members = ts.isUnionTypeNode(keys) ? keys.types : [keys];
            return members.map(member => {
                if (!ts.isLiteralTypeNode(member) || !ts.isStringLiteral(member.literal)) {
                    throw new Error(`${source.fileName}: key of ${name} is not a string literal (line ${line(source, member)})`);
                }
                return member.literal.text;
            });
        }
    }
    throw new Error(`${source.fileName}: ${name} is neither an interface nor Readonly<Record<'...', number>> (line ${line(source, type)})`);
}

function line(source: ts.SourceFile, node: ts.Node): number {
    return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** The difference of the two key sets, as the message of a failed comparison would want it. */
export function keyMismatch(runtime: readonly string[], declared: readonly string[]): { missingInTypings: string[]; missingInAddon: string[]; duplicates: string[] } {
    const declaredSet = new Set(declared);
    const runtimeSet = new Set(runtime);
    return {
        missingInTypings: runtime.filter(key => !declaredSet.has(key)).sort(),
        missingInAddon: declared.filter(key => !runtimeSet.has(key)).sort(),
        duplicates: declared.filter((key, i) => declared.indexOf(key) !== i).sort()
    };
}

describe('native/index.d.ts declares exactly the addon\'s layout keys', () => {
    const source = ts.createSourceFile(DTS, fs.readFileSync(DTS, 'utf8'), ts.ScriptTarget.Latest, true);

    const cases: { readonly fn: string; readonly type: string; readonly layout: () => object }[] = [
        { fn: 'layout() (MTF_LAYOUT)', type: 'NativeLayout', layout: () => MTF_LAYOUT },
        { fn: 'executionLayout() (EXEC_LAYOUT)', type: 'NativeExecutionLayout', layout: () => EXEC_LAYOUT }
    ];
    for (const c of cases) {
        it(`${c.fn} keys = the keys of ${c.type}`, () => {
            const entries = Object.entries(c.layout()) as [string, unknown][];
            const runtime = entries.map(([key]) => key);
            const declared = declaredKeys(source, c.type);
            expect(runtime.length, `${c.fn} returned no keys`).to.be.greaterThan(0);
            expect(keyMismatch(runtime, declared), `${c.fn} vs ${c.type} in native/index.d.ts: add the missing keys to the typings `
                + 'or to the Rust layout table, and remove duplicates').to.deep.equal({ missingInTypings: [], missingInAddon: [], duplicates: [] });
            for (const [key, value] of entries) {
                expect(Number.isInteger(value), `${c.fn}.${key} = ${String(value)} is an integer`).to.equal(true);
            }
        });
    }

    it('the comparison fails when a key is added on either side', () => {
        const declared = ['A', 'B'];
        expect(keyMismatch(['A', 'B', 'C'], declared).missingInTypings).to.deep.equal(['C']);
        expect(keyMismatch(['A'], declared).missingInAddon).to.deep.equal(['B']);
        expect(keyMismatch(['A', 'B'], ['A', 'B', 'B']).duplicates).to.deep.equal(['B']);
    });

    it('reads keys from both forms of declaration the typings use', () => {
        const sample = ts.createSourceFile('sample.d.ts', [
            'export interface I { readonly X: number; readonly Y: number }',
            'export type R = Readonly<Record<\'P\' | \'Q\' | \'S\', number>>;'
        ].join('\n'), ts.ScriptTarget.Latest, true);
        expect(declaredKeys(sample, 'I')).to.deep.equal(['X', 'Y']);
        expect(declaredKeys(sample, 'R')).to.deep.equal(['P', 'Q', 'S']);
        expect(() => declaredKeys(sample, 'Missing')).to.throw(/no interface or type alias named Missing/);
    });
});
