import { expect } from 'chai';
import * as fs from 'fs';
import { DatasetKey, TickColumns, WorkspaceStoreErrors } from '../common/workspace-store-protocol';
import { tempDatabase, tempDir, testInstrument } from './test-support/test-database';
import { TickRepository, TickStreamBatch } from './tick-repository';
import { WorkspaceDatabase } from './workspace-database';

const DAY = 86_400_000_000;
const START_DAY = 15_985; // 2013-10-07

async function collect(repo: TickRepository, key: DatasetKey, options: { from?: number; to?: number; batchRows?: number }): Promise<TickStreamBatch[]> {
    const batches: TickStreamBatch[] = [];
    for await (const batch of repo.streamTickBatches(key, options)) {
        batches.push(batch);
    }
    return batches;
}

function expectSameTicks(batches: TickStreamBatch[], expected: TickColumns, fields: ('price' | 'bid' | 'ask' | 'size')[]): void {
    const count = batches.reduce((n, b) => n + b.count, 0);
    expect(count).to.equal(expected.count);
    let at = 0;
    for (const batch of batches) {
        expect(batch.time.length).to.equal(batch.count);
        for (const column of [batch.time, ...fields.map(f => batch[f]!)]) {
            // Each column owns its exactly sized buffer: it can be transferred without a copy.
            expect(column.length).to.equal(batch.count);
            expect(column.byteLength).to.equal(column.buffer.byteLength);
        }
        for (let i = 0; i < batch.count; i++, at++) {
            if (batch.time[i] !== BigInt(expected.time[at])) {
                expect.fail(`time ${at}: ${batch.time[i]} vs ${expected.time[at]}`);
            }
            for (const f of fields) {
                if (!Object.is(batch[f]![i], expected[f]![at])) {
                    expect.fail(`${f} ${at}: ${batch[f]![i]} vs ${expected[f]![at]}`);
                }
            }
        }
    }
}

describe('tick repository: streamTickBatches', function (): void {
    this.timeout(60_000);
    let dir: string;
    let db: WorkspaceDatabase;
    let repo: TickRepository;
    let id: number;

    before(async () => {
        dir = tempDir();
        db = await tempDatabase(dir);
        repo = new TickRepository(db);
        id = (await testInstrument(repo)).id;
        // 12 days of uneven density (a weekend-like gap, a dense day), repeated times, NULL sizes, large prices.
        await repo.store.appendTicks('trades', `SELECT ${id}, t, p, s, 0 FROM (
            SELECT (${START_DAY} + d) * ${DAY} + (k * 7919 % ${DAY}) // 3 * 3 AS t,
                (k * 31 % 100003) - 50 + CASE WHEN k % 97 = 0 THEN 4503599627370000 ELSE 0 END AS p,
                CASE WHEN k % 11 = 0 THEN NULL ELSE k % 1000 END AS s
            FROM range(0, 12) r(d), range(0, 30000) q(k)
            WHERE d NOT IN (5, 6) AND (d = 3 OR k < 4000 + d * 700)
        ) ORDER BY t`);
        await repo.store.appendTicks('quotes', `SELECT ${id}::INTEGER, (${START_DAY} + k // 5000) * ${DAY} + k * 1000, 1000 + k % 50, 1001 + k % 50,
            CASE WHEN k % 7 = 0 THEN NULL ELSE k % 300 END, 1, 0 FROM range(0, 40000) r(k) ORDER BY 2`);
    });

    after(() => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('streams trades exactly as readTicks reads them: int64 times, tick counts, NaN for a missing size', async () => {
        const key: DatasetKey = { instrumentId: id, kind: 'trades' };
        const all = await repo.readTicks(key);
        expect(all.count).to.be.greaterThan(50_000);
        for (const batchRows of [1, 5_000, 20_000, 1_000_000]) {
            const batches = await collect(repo, key, { batchRows });
            expectSameTicks(batches, all, ['price', 'size']);
            if (batchRows === 1) {
                expect(batches.length).to.equal(10);
            }
        }
        const streamed = await collect(repo, key, {});
        expectSameTicks(streamed, all, ['price', 'size']);
        expect(streamed.some(b => b.size.some(Number.isNaN))).to.equal(true);
    });

    it('keeps to [from, to) and to whole UTC days inside it', async () => {
        const key: DatasetKey = { instrumentId: id, kind: 'trades' };
        const from = (START_DAY + 2) * DAY + 12_345_678;
        const to = (START_DAY + 9) * DAY + 3_600_000_000;
        const expected = await repo.readTicks(key, from, to);
        const batches = await collect(repo, key, { from, to, batchRows: 3_000 });
        expectSameTicks(batches, expected, ['price', 'size']);
        for (const batch of batches) {
            const first = Math.floor(Number(batch.time[0]) / DAY);
            const previous = batches[batches.indexOf(batch) - 1];
            if (previous) {
                expect(Math.floor(Number(previous.time[previous.count - 1]) / DAY)).to.be.lessThan(first);
            }
        }
        expect(await collect(repo, key, { from: (START_DAY + 5) * DAY, to: (START_DAY + 7) * DAY })).to.deep.equal([]);
        expect(await collect(repo, { instrumentId: id + 1000, kind: 'trades' }, {})).to.deep.equal([]);
    });

    it('streams quotes exactly: bid, ask and bid size', async () => {
        const key: DatasetKey = { instrumentId: id, kind: 'quotes' };
        const all = await repo.readTicks(key);
        expect(all.count).to.equal(40_000);
        expectSameTicks(await collect(repo, key, { batchRows: 6_000 }), all, ['bid', 'ask', 'size']);
    });
});

describe('tick repository: instruments', function (): void {
    this.timeout(60_000);

    it('refuses to change the tick size of an instrument with stored ticks (one or many at a time), and changes it without', async () => {
        const dir = tempDir();
        const db = await tempDatabase(dir);
        try {
            const repo = new TickRepository(db);
            const stored = await testInstrument(repo);
            const empty = await repo.upsertInstrument({ ...stored, symbol: 'EMPTY' });
            await repo.store.appendTicks('trades', `SELECT ${stored.id}, ${START_DAY * DAY} + k * 1000, 100 + k, 1, 0 FROM range(10) r(k)`);
            const refusal = async (change: Promise<unknown>): Promise<unknown> => change.then(() => expect.fail('the tick size changed'), (error: unknown) => error);
            const one = await refusal(repo.upsertInstrument({ ...stored, tickSize: 0.05 }));
            expect(WorkspaceStoreErrors.TickSizeLocked.is(one as object), String(one)).to.equal(true);
            expect((one as Error).message).to.contain('TEST@X has ticks stored on a grid of 0.01');
            const many = await refusal(repo.upsertInstruments([{ spec: { ...stored, tickSize: 0.05 } }]));
            expect(WorkspaceStoreErrors.TickSizeLocked.is(many as object), String(many)).to.equal(true);
            // Stored ticks keep their meaning: same grid, same prices.
            expect((await repo.findInstrument('TEST', 'X'))?.tickSize).to.equal(0.01);
            expect(Array.from((await repo.readTicks({ instrumentId: stored.id, kind: 'trades' })).price!.slice(0, 2))).to.deep.equal([100, 101]);
            expect((await repo.upsertInstrument({ ...empty, tickSize: 0.25 })).tickSize).to.equal(0.25);
        } finally {
            db.close();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
