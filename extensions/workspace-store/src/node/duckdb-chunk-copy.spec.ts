import { expect } from 'chai';
import * as fs from 'fs';
import { nativeChunkCopy, resetNativeChunkCopy } from './duckdb-chunk-copy';
import { tempDatabase, tempDir, testInstrument } from './test-support/test-database';
import { TickRepository } from './tick-repository';
import { WorkspaceDatabase } from './workspace-database';

const DAY = 86_400_000_000;

/** Runs `fn` with the native copy switched on or off. */
async function withNative<T>(on: boolean, fn: () => Promise<T>): Promise<T> {
    const saved = process.env.BACKTESTR_NATIVE_COPY;
    process.env.BACKTESTR_NATIVE_COPY = on ? '1' : '0';
    resetNativeChunkCopy();
    try {
        if (on) {
            expect(nativeChunkCopy(), 'the native addon attached to libduckdb').not.to.equal(undefined);
        }
        return await fn();
    } finally {
        if (saved === undefined) {
            delete process.env.BACKTESTR_NATIVE_COPY;
        } else {
            process.env.BACKTESTR_NATIVE_COPY = saved;
        }
        resetNativeChunkCopy();
    }
}

describe('reads through the native copy equal reads through node-bindings', function (): void {
    this.timeout(60_000);
    let dir: string;
    let db: WorkspaceDatabase;
    let repo: TickRepository;

    before(async () => {
        dir = tempDir();
        db = await tempDatabase(dir);
        repo = new TickRepository(db);
        const id = (await testInstrument(repo)).id;
        // NULL sizes, large prices, several chunks and segments.
        await repo.store.appendTicks('trades', `SELECT ${id}, 15985 * ${DAY} + k * 997, 100 + k % 13 + CASE WHEN k % 101 = 0 THEN 4503599627370000 ELSE 0 END,
            CASE WHEN k % 3 = 0 THEN NULL ELSE k END, k % 5 FROM range(300000) r(k)`);
    });

    after(() => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('gives the same columns for DOUBLE, INTEGER and BIGINT results with NULLs, and the same tick batches', async () => {
        const sql = `SELECT CASE WHEN k % 7 = 0 THEN NULL ELSE k * 1.5 END::DOUBLE, CASE WHEN k % 11 = 0 THEN NULL ELSE k END::INTEGER,
            CASE WHEN k % 5 = 0 THEN NULL ELSE k * 3 END::BIGINT FROM range(10000) r(k)`;
        const read = async (): Promise<string> => {
            const { count, columns } = await repo.readColumns(sql, ['DOUBLE', 'INTEGER', 'BIGINT']);
            const ticks = await repo.readTicks({ instrumentId: 1, kind: 'trades' });
            const batches: string[] = [];
            for await (const b of repo.streamTickBatches({ instrumentId: 1, kind: 'trades' }, { batchRows: 70_000 })) {
                batches.push(`${b.count}:${b.time.join()}|${b.price!.join()}|${b.size.join()}`);
            }
            return JSON.stringify([count, ...columns.map(c => Array.from(c).map(x => Number.isNaN(x) ? 'NaN' : x)),
                ticks.count, Array.from(ticks.size!).map(x => Number.isNaN(x) ? 'NaN' : x), Array.from(ticks.price!), Array.from(ticks.flags), batches]);
        };
        const viaNative = await withNative(true, read);
        const viaBindings = await withNative(false, read);
        expect(viaNative.length).to.be.greaterThan(1000);
        expect(viaNative).to.equal(viaBindings);
        const parsed = JSON.parse(viaNative);
        expect(parsed[1].slice(0, 3)).to.deep.equal(['NaN', 1.5, 3]);
        expect(parsed[2].slice(0, 2)).to.deep.equal([0, 1]);
        expect(parsed[3].slice(0, 2)).to.deep.equal(['NaN', 3]);
    });
});
