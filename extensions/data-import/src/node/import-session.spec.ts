import { expect } from 'chai';
import * as fs from 'fs';
import { tempDatabase, tempDir, testInstrument, TickRepository, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';
import { ImportSession } from './import-session';

const DAY = 86_400_000_000;
const START_DAY = 15_985; // 2013-10-07

async function rows(db: WorkspaceDatabase, sql: string): Promise<string> {
    return JSON.stringify(await db.all(sql), (_, v) => typeof v === 'bigint' ? v.toString() : v);
}

describe('import session: what an import stages goes to the tick store', function (): void {
    this.timeout(60_000);

    it('writes what an import staged every spillRows rows, and the result equals an import without spills', async () => {
        const results: string[] = [];
        for (const spillRows of [Infinity, 1000]) {
            const d = tempDir();
            const fresh = await tempDatabase(d);
            const r = new TickRepository(fresh);
            const instrument = await testInstrument(r);
            const session = new ImportSession(fresh, r, { format: 'test', paths: [], totalBytes: 0, filesTotal: 1, spillRows, outOfOrderToleranceUs: 2000 });
            await session.begin();
            const w = await session.writer(instrument, 'trades');
            session.startFile('f');
            for (let k = 0; k < 5000; k++) {
                // Out of order within the tolerance at every 700th row: sorted when written.
                const t = START_DAY * DAY + k * 1000 - (k % 700 === 699 ? 1500 : 0);
                expect(w.addTrade(t, 100 + k % 13, 1, 0)).to.equal('');
                if (k % 500 === 499) {
                    session.flushWriter(w);
                    await session.spillIfLarge();
                }
            }
            session.endFile('f', 'hash', 100000);
            await session.commit();
            results.push(await rows(fresh, `SELECT time_us, price_ticks FROM trades ORDER BY time_us, seq`));
            if (spillRows === 1000) {
                expect((await r.store.segments({ instrumentId: instrument.id, kind: 'trades' })).length).to.be.greaterThan(1);
            }
            fresh.close();
            fs.rmSync(d, { recursive: true, force: true });
        }
        expect(results[1]).to.equal(results[0]);
    });
});
