import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TickBatch } from '@backtestr/plugins-sdk';
import { StrategyRunError } from './strategy-run-protocol';
import { runStrategy } from './strategy-runner';

const T0 = 1_381_104_000_000_000n; // 2013-10-07T00:00:00Z
const BUDGET = 256;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-memory-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Two hours of trades, one a second, in batches of 600. */
function ticks(): TickBatch[] {
    const out: TickBatch[] = [];
    for (let at = 0; at < 7200; at += 600) {
        const time = new BigInt64Array(600);
        const price = new Float64Array(600);
        for (let i = 0; i < 600; i++) {
            time[i] = T0 + BigInt((at + i) * 1_000_000);
            price[i] = 100 + ((at + i) % 13) * 0.01;
        }
        out.push({ time, price });
    }
    return out;
}

/** A strategy whose onBarClose runs `body` (with `keep`, an array that lives as long as the run). */
function strategy(name: string, body: string): string {
    const file = path.join(dir, `${name}.ts`);
    fs.writeFileSync(file, `import { defineStrategy } from '@backtestr/plugins-sdk';
const keep: unknown[] = [];
export default defineStrategy({
    id: 'test.${name}',
    params: {},
    subscribe: { barClose: ['1m'] },
    onBarClose(ctx) {
        ${body}
    }
});
`);
    return file;
}

const GROWERS: Record<string, string> = {
    'heap-per-bar': 'for (let i = 0; i < 400_000; i++) { keep.push({ i, s: "x" + i }); }',
    'heap-in-one-hook': 'for (let i = 0; ; i++) { keep.push({ i, s: "x" + i }); }',
    'buffers-per-bar': 'keep.push(new Float64Array(8_000_000).fill(1));',
    'buffers-in-one-hook': 'for (;;) { keep.push(new ArrayBuffer(1e8)); }',
    'written-buffers-in-one-hook': 'for (;;) { keep.push(new Uint8Array(1 << 24).fill(7)); }'
};

describe('strategy host: the memory budget of a run', function (): void {
    this.timeout(120_000);

    for (const [name, body] of Object.entries(GROWERS)) {
        it(`stops a strategy that allocates without bound (${name}) with a message naming the budget, while another run completes`, async () => {
            const good = runStrategy({ file: strategy(`good-${name}`, 'keep.length = 0;'), source: ticks() });
            let failure: unknown;
            try {
                await runStrategy({ file: strategy(name, body), source: ticks(), memoryBudgetMiB: BUDGET, stallTimeoutMs: 60_000 });
            } catch (error) {
                failure = error;
            }
            expect(failure).to.be.instanceOf(StrategyRunError);
            const error = failure as StrategyRunError;
            expect(error.kind, error.message).to.equal('memory');
            // A strategy that grows bar by bar may be caught between two hooks; one that never returns, in its hook.
            const where = name.endsWith('per-bar') ? '( in onBarClose at strategy time [-0-9T:.Z]+)?' : ' in onBarClose at strategy time [-0-9T:.Z]+';
            expect(error.message).to.match(new RegExp(`^Strategy 'test.${name}' was stopped${where}: .*memory budget of ${BUDGET} MiB`));
            expect(error.message).to.contain('--memory-budget');
            const result = await good;
            expect(result.barCloses).to.equal(119);
            // This process (the backend's part) lives on, and a later run has its memory back.
            const again = await runStrategy({ file: strategy(`after-${name}`, 'keep.length = 0;'), source: ticks(), memoryBudgetMiB: BUDGET });
            expect(again.barCloses).to.equal(119);
        });
    }

    it('refuses a budget too small to run anything', async () => {
        const error = await runStrategy({ file: strategy('tiny', ''), source: ticks(), memoryBudgetMiB: 4 }).then(() => undefined, e => e as StrategyRunError);
        expect(error?.message).to.match(/memory budget is 4 MiB; give at least 16 MiB/);
    });
});
