import { expect } from 'chai';
import * as path from 'path';
import { spawnSync } from 'child_process';

/**
 * Hostile buffers given to the native addon (a fuzz over buffer kinds and what happens to them):
 * every entry point that takes a typed array, given a view of a resizable ArrayBuffer or a
 * growable SharedArrayBuffer (fixed-length and length-tracking views): refused where the addon
 * keeps the pointer (setBatch, duckdbCopyResult), used like a plain one elsewhere; and a batch
 * whose column is shrunk, grown, resized to nothing or detached between setBatch and run. The addon keeps
 * pointers into typed arrays, so each of these could crash the process (a resizable buffer
 * shrunk after setBatch did: SIGSEGV). Each case runs in a child process, so a crash fails the
 * case (exit by signal) instead of killing mocha; it must end in a clear JS error or a correct result.
 */

const ADDON = require.resolve('@backtestr/native');
const DUCKDB_API = require.resolve('@duckdb/node-api');
const DUCKDB_BINDINGS = require.resolve('@duckdb/node-bindings');
/** Ticks per batch: big enough that a resize gives memory back to the system. */
const N = 1 << 18;

interface Outcome {
    readonly value?: string;
    readonly error?: string;
    readonly message?: string;
}

/** Helpers of the child scripts: buffer kinds and a batch made of them. */
const PRELUDE = `
const N = ${N};
function view(kind, C, n) {
    const bytes = n * C.BYTES_PER_ELEMENT, max = 2 * bytes;
    switch (kind) {
        case 'plain': return new C(n);
        case 'resizable': return new C(new ArrayBuffer(bytes, { maxByteLength: max }), 0, n);
        case 'resizable, length-tracking': return new C(new ArrayBuffer(bytes, { maxByteLength: max }));
        case 'growable': return new C(new SharedArrayBuffer(bytes, { maxByteLength: max }), 0, n);
        case 'growable, length-tracking': return new C(new SharedArrayBuffer(bytes, { maxByteLength: max }));
        default: throw new Error('unknown kind ' + kind);
    }
}
/** A batch of N trades (time, price, size, bid, ask); column 'col' is of kind 'kind'. */
function batch(col, kind) {
    const k = name => name === col ? kind : 'plain';
    const time = view(k('time'), BigInt64Array, N);
    for (let i = 0; i < N; i++) { time[i] = BigInt(i) * 1000n; }
    const cols = { time };
    for (const name of ['price', 'size', 'bid', 'ask']) {
        cols[name] = view(k(name), Float64Array, N).fill(name === 'ask' ? 101 : 100);
    }
    return cols;
}
function setBatch(n, e, b) { n.setBatch(e, b.time, b.price, b.size, b.bid, b.ask); }
`;

/**
 * Runs the cases (name -> JS body returning a value) one after another in a fresh node, each on
 * its own engine; `before` runs before the addon loads. A child that dies (by a signal) fails every
 * case of the group. Memoized: the `it` of each case asks for its group's outcomes.
 */
function group(cases: Record<string, string>, before = ''): () => Record<string, Outcome> {
    let outcomes: Record<string, Outcome> | undefined;
    return () => {
        if (outcomes === undefined) {
            const bodies = Object.entries(cases).map(([name, body]) => `[${JSON.stringify(name)}, () => { ${body} }]`).join(',\n');
            const script = `${before}
${PRELUDE}
const n = require(${JSON.stringify(ADDON)});
const out = {};
for (const [name, body] of [${bodies}]) {
    try {
        out[name] = { value: String(body()) };
    } catch (x) {
        out[name] = { error: x && x.constructor ? x.constructor.name : typeof x, message: String(x && x.message) };
    }
}
process.stdout.write(JSON.stringify(out));`;
            const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: path.dirname(ADDON) });
            expect(r.signal, `the child died by ${r.signal}: ${r.stderr}`).to.equal(null);
            expect(r.status, r.stderr).to.equal(0);
            outcomes = JSON.parse(r.stdout) as Record<string, Outcome>;
        }
        return outcomes;
    };
}

/** A group of one case. */
function inChild(body: string, before = ''): Outcome {
    return group({ case: body }, before)().case;
}

const REFUSED = /is a view of (a resizable ArrayBuffer|a growable SharedArrayBuffer): the engine keeps pointers into its typed arrays, so their buffers must have a fixed length/;
const CHANGED = /column of the current batch was detached \(transferred\) or resized since setBatch \(\d+ elements then, \d+ now\); call setBatch again/;
const KINDS = ['resizable', 'resizable, length-tracking', 'growable', 'growable, length-tracking'];
/** Removes the getters the addon tells resizable buffers by, so that only its length checks stand. */
const NO_REFUSAL = 'delete ArrayBuffer.prototype.resizable; delete SharedArrayBuffer.prototype.growable;';

describe('native addon: hostile buffers (fuzz over resizable, growable and detached buffers)', function (): void {
    this.timeout(120_000);

    it('a plain batch runs (the control), and a resizable column shrunk after setBatch, which crashed the process, is refused', () => {
        const r = group({
            plain: `const e = n.create({ timeframes: ['1m'] }); setBatch(n, e, batch()); return n.run(e, 0);`,
            shrunk: `
                const e = n.create({ timeframes: ['1m'] });
                const b = batch('price', 'resizable');
                setBatch(n, e, b);
                b.price.buffer.resize(0);
                return n.run(e, 0);`
        })();
        expect(r.plain).to.deep.equal({ value: String(N) });
        expect(r.shrunk.error).to.equal('TypeError');
        expect(r.shrunk.message).to.match(REFUSED).and.match(/^price /);
    });

    describe('setBatch refuses every column of every resizable or growable kind', () => {
        const cases: Record<string, string> = {};
        for (const col of ['time', 'price', 'size', 'bid', 'ask']) {
            for (const kind of KINDS) {
                cases[`${col}: ${kind}`] = `const e = n.create({ timeframes: ['1m'] }); setBatch(n, e, batch('${col}', '${kind}')); return 'accepted';`;
            }
        }
        const outcomes = group(cases);
        for (const name of Object.keys(cases)) {
            it(name, () => {
                const r = outcomes()[name];
                expect(r.error, JSON.stringify(r)).to.equal('TypeError');
                expect(r.message).to.match(REFUSED).and.match(new RegExp(`^${name.split(':')[0]} `));
            });
        }
    });

    describe('the calls that use their typed arrays only while they run take every kind, as they take plain ones', () => {
        // Each call returns what it wrote or returned, for the same input in a plain buffer and in each other kind.
        const order = 'o => { o.fill(0); o[0] = 1; o[1] = 7; o[2] = 0; o[3] = 1; o[4] = 1; o[7] = 0; return o; }';
        const calls: [string, string][] = [
            ['setLevels', `n.setLevels(e, view(KIND, Float64Array, 2).fill(1)); return 'ok'`],
            ['setTimers', `n.setTimers(e, view(KIND, BigInt64Array, 2)); return 'ok'`],
            ['submit', `n.configureExecution(e, {}); return n.submit(e, (${order})(view(KIND, Float64Array, 15)))`],
            ['readEvents', `n.configureExecution(e, {}); n.submit(e, (${order})(new Float64Array(15))); const o = view(KIND, Float64Array, 28); return n.readEvents(e, 0, o) + ':' + o.join()`],
            ['readTrades', `const o = view(KIND, Float64Array, 13); return n.readTrades(e, 0, o) + ':' + o.join()`],
            ['readAccount', `n.configureExecution(e, {}); const o = view(KIND, Float64Array, 16); n.readAccount(e, o); return o.join()`],
            ['readPositions', `const o = view(KIND, Float64Array, 6); return n.readPositions(e, o) + ':' + o.join()`],
            ['barPath', `const v = (x, len = 1) => view(KIND, Float64Array, len).fill(x);
                const p = v(0, 4), s = v(0, 4);
                return n.barPath(v(2), v(3), v(1), v(2.5), v(100), p, s) + ':' + p.join() + ':' + s.join()`],
        ];
        const cases: Record<string, string> = {};
        for (const [name, call] of calls) {
            for (const kind of ['plain', ...KINDS]) {
                cases[`${name}: ${kind}`] = `const KIND = '${kind}'; const e = n.create({ timeframes: ['1m'] }); ${call};`;
            }
        }
        const outcomes = group(cases);
        for (const [name] of calls) {
            for (const kind of KINDS) {
                it(`${name}: ${kind}`, () => {
                    const plain = outcomes()[`${name}: plain`];
                    expect(plain.value, JSON.stringify(plain)).to.be.a('string');
                    expect(outcomes()[`${name}: ${kind}`]).to.deep.equal(plain);
                });
            }
        }
    });

    describe('duckdbCopyResult', () => {
        const cases: Record<string, string> = {
            plain: '[new Float64Array(3000), new Float64Array(3000)]',
            // Reading element 1 detaches element 0, read before it.
            accessor: `(() => {
                const first = new Float64Array(3000);
                const targets = [first];
                Object.defineProperty(targets, 1, { enumerable: true, get() {
                    structuredClone(first.buffer, { transfer: [first.buffer] });
                    return new Float64Array(3000);
                } });
                return targets;
            })()`
        };
        for (const kind of KINDS) {
            cases[kind] = `[new Float64Array(3000), view('${kind}', Float64Array, 3000)]`;
        }
        const outcomes = (): Record<string, Outcome> => {
            const copies = Object.entries(cases).map(([name, targets]) => `[${JSON.stringify(name)}, () => ${targets}]`).join(',\n');
            const script = `${PRELUDE}
const n = require(${JSON.stringify(ADDON)});
const { DuckDBInstance } = require(${JSON.stringify(DUCKDB_API)});
const bindings = require('path').dirname(${JSON.stringify(DUCKDB_BINDINGS)});
const ext = process.platform === 'darwin' ? 'dylib' : process.platform === 'win32' ? 'dll' : 'so';
n.duckdbAttach(require.resolve('@duckdb/node-bindings-' + process.platform + '-' + process.arch + '/libduckdb.' + ext, { paths: [bindings] }));
(async () => {
    const con = await (await DuckDBInstance.create(':memory:')).connect();
    const out = {};
    for (const [name, targets] of [${copies}]) {
        const result = await con.run('SELECT i::DOUBLE AS a, (i * 2)::DOUBLE AS b FROM range(3000) t(i)');
        try { out[name] = { value: String(n.duckdbCopyResult(result.result, 0, targets())) }; }
        catch (x) { out[name] = { error: x.constructor.name, message: x.message }; }
    }
    process.stdout.write(JSON.stringify(out));
    process.exit(0);
})();`;
            const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: path.dirname(ADDON) });
            expect(r.signal, `the child died by ${r.signal}: ${r.stderr}`).to.equal(null);
            expect(r.status, r.stderr).to.equal(0);
            return JSON.parse(r.stdout) as Record<string, Outcome>;
        };
        let results: Record<string, Outcome> | undefined;
        const result = (name: string): Outcome => (results ??= outcomes())[name];

        it('copies into plain targets (the control)', () => {
            expect(result('plain')).to.deep.equal({ value: '3000' });
        });
        for (const kind of KINDS) {
            it(`refuses a ${kind} target`, () => {
                const r = result(kind);
                expect(r.error).to.equal('TypeError');
                expect(r.message).to.match(REFUSED).and.match(/^targets\[1\] /);
            });
        }
        it('never writes into a target detached by reading a later one (an accessor element)', () => {
            const r = result('accessor');
            expect(r.error, JSON.stringify(r)).to.equal('RangeError');
            expect(r.message).to.match(/targets\[0\] holds 0 elements/);
        });
    });

    describe('a batch column changed after setBatch is never read by its old length', () => {
        // Only the length checks stand here: the getters that the refusal uses are gone before
        // the addon loads (as if redefined by other code). One child per change: what the change
        // does to each kind of buffer it applies to, in three columns; expected: an error or the run.
        const changes: [string, string, [string, 'error' | 'runs'][]][] = [
            ['shrunk to half', 'b[COL].buffer.resize(b[COL].buffer.byteLength / 2)', [['resizable', 'error'], ['resizable, length-tracking', 'error']]],
            ['shrunk to nothing', 'b[COL].buffer.resize(0)', [['resizable', 'error'], ['resizable, length-tracking', 'error']]],
            ['shrunk and grown back', 'const L = b[COL].buffer.byteLength; b[COL].buffer.resize(0); b[COL].buffer.resize(L)', [['resizable', 'runs']]],
            ['grown', 'b[COL].buffer.resize(2 * b[COL].buffer.byteLength)', [['resizable', 'runs'], ['resizable, length-tracking', 'error']]],
            ['grown (SharedArrayBuffer)', 'b[COL].buffer.grow(2 * b[COL].buffer.byteLength)', [['growable', 'runs'], ['growable, length-tracking', 'error']]],
            ['detached by structuredClone', 'structuredClone(b[COL].buffer, { transfer: [b[COL].buffer] })',
                [['plain', 'error'], ['resizable', 'error'], ['resizable, length-tracking', 'error']]],
            ['detached by ArrayBuffer.prototype.transfer', 'if (!b[COL].buffer.transfer) { return "no transfer"; } b[COL].buffer.transfer()',
                [['plain', 'error'], ['resizable', 'error']]],
        ];
        for (const [change, code, kinds] of changes) {
            describe(change, () => {
                const cases: Record<string, string> = {};
                const expected: Record<string, 'error' | 'runs'> = {};
                for (const [kind, expect] of kinds) {
                    for (const col of ['time', 'price', 'ask']) {
                        const name = `${col}, ${kind}`;
                        expected[name] = expect;
                        cases[name] = `
                            const COL = '${col}';
                            const e = n.create({ timeframes: ['1m'] });
                            const b = batch(COL, '${kind}');
                            setBatch(n, e, b);
                            ${code};
                            return n.run(e, 0);`;
                    }
                }
                const outcomes = group(cases, NO_REFUSAL);
                for (const name of Object.keys(cases)) {
                    it(`${name}: ${expected[name] === 'error' ? 'a clear error' : 'runs on the unchanged view'}`, () => {
                        const r = outcomes()[name];
                        if (r.value === 'no transfer') {
                            return;
                        }
                        if (expected[name] === 'error') {
                            expect(r.error, JSON.stringify(r)).to.equal('Error');
                            expect(r.message).to.match(CHANGED).and.match(new RegExp(`^the ${name.split(',')[0]} column`));
                        } else {
                            expect(r).to.deep.equal({ value: String(N) });
                        }
                    });
                }
            });
        }

        it('after the dense-wake-up copy (Rust-owned), a later resize of the JS buffer no longer matters', () => {
            const r = inChild(`
                const e = n.create({ timeframes: ['1m'] });
                n.subscribe(e, 0, true);
                const b = batch('price', 'resizable');
                setBatch(n, e, b);
                let k = 0;
                for (let i = 0; i < 40; i++) { k = n.run(e, k); }
                b.price.buffer.resize(0);
                while (k < N) { k = n.run(e, k); }
                return k;`, NO_REFUSAL);
            expect(r).to.deep.equal({ value: String(N) });
        });
    });
});
