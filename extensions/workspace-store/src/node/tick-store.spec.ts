import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DatasetKey } from '../common/workspace-store-protocol';
import { MIGRATIONS, SCHEMA_VERSION } from './schema-migrations';
import { tempDatabase, tempDir, testInstrument } from './test-support/test-database';
import { TickRepository } from './tick-repository';
import { TickStore } from './tick-store';
import { WorkspaceDatabase } from './workspace-database';

const DAY = 86_400_000_000;
const START_DAY = 15_985; // 2013-10-07

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) {
        return [];
    }
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter(f => fs.statSync(path.join(dir, f)).isFile()).sort();
}

async function rows(db: WorkspaceDatabase, sql: string): Promise<string> {
    return JSON.stringify(await db.all(sql), (_, v) => typeof v === 'bigint' ? v.toString() : v);
}

describe('tick store: Parquet segments beside the database', function (): void {
    this.timeout(60_000);
    let dir: string;
    let db: WorkspaceDatabase;
    let repo: TickRepository;
    let id: number;
    const key = (): DatasetKey => ({ instrumentId: id, kind: 'trades' });

    beforeEach(async () => {
        dir = tempDir();
        db = await tempDatabase(dir);
        repo = new TickRepository(db);
        id = (await testInstrument(repo)).id;
    });

    afterEach(() => {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('writes whole UTC days per segment, times in the unit they have, and reads back exactly what went in', async () => {
        // 3 days of millisecond times, then 1 day with a microsecond time: the last segment keeps microseconds.
        await repo.store.appendTicks('trades', `SELECT ${id}, (${START_DAY} + k // 1000) * ${DAY} + (k % 1000) * 1000 + CASE WHEN k = 3500 THEN 7 ELSE 0 END,
            100000 + k % 37, CASE WHEN k % 5 = 0 THEN NULL ELSE k END, k % 3 FROM range(4000) r(k)`);
        const segments = await repo.store.segments({ instrumentId: id, kind: 'trades' });
        expect(segments.reduce((n, s) => n + s.rows, 0)).to.equal(4000);
        const units = await db.all('SELECT time_unit FROM tick_segments ORDER BY first_us');
        expect(units.map(u => Number(u.time_unit))).to.deep.equal([1]);
        // One segment (4,000 rows < SEGMENT_ROWS) covering the four days, stored with microsecond times (one row needs them).
        expect(segments.length).to.equal(1);
        expect(filesUnder(db.tickStoreDir)).to.deep.equal([segments[0].file]);
        const ticks = await repo.readTicks(key());
        expect(ticks.count).to.equal(4000);
        for (let k = 0; k < 4000; k++) {
            const t = (START_DAY + Math.floor(k / 1000)) * DAY + (k % 1000) * 1000 + (k === 3500 ? 7 : 0);
            if (ticks.time[k] !== t || ticks.price![k] !== 100000 + k % 37 || !Object.is(ticks.size![k], k % 5 === 0 ? NaN : k) || ticks.flags[k] !== k % 3) {
                expect.fail(`row ${k}: ${ticks.time[k]} ${ticks.price![k]} ${ticks.size![k]} ${ticks.flags[k]}`);
            }
        }
        // The views show the same rows with the canonical columns.
        expect(await rows(db, `SELECT count(*) AS n, min(time_us) AS a, sum(price_ticks) AS p FROM trades`))
            .to.equal(await rows(db, `SELECT 4000::BIGINT AS n, ${START_DAY * DAY} AS a, (SELECT sum(100000 + k % 37) FROM range(4000) r(k)) AS p`));
    });

    it('stores minute bars of quotes in minutes and the ask as a spread, and gives back the ask', async () => {
        await repo.store.appendTicks('quotes', `SELECT ${id}, ${START_DAY * DAY} + k * 60000000, 1000 + k % 7, 1003 + k % 7 + k % 2, NULL, NULL, 0 FROM range(500) r(k)`);
        expect(Number(await db.scalar('SELECT time_unit FROM tick_segments'))).to.equal(60_000_000);
        const q = await repo.readTicks({ instrumentId: id, kind: 'quotes' });
        expect(q.count).to.equal(500);
        expect(Array.from(q.ask!.subarray(0, 4))).to.deep.equal([1003, 1005, 1005, 1007]);
        expect(Array.from(q.time.subarray(0, 2))).to.deep.equal([START_DAY * DAY, START_DAY * DAY + 60_000_000]);
    });

    it('merges rows that reach into a stored segment, keeping stored rows first at equal times, and deletes the replaced file after the commit', async () => {
        await repo.store.appendTicks('trades', `SELECT ${id}, ${START_DAY * DAY} + k * 1000, 1, 1, 0 FROM range(100) r(k)`);
        const [first] = await repo.store.segments({ instrumentId: id, kind: 'trades' });
        // Later rows that do not touch it: a segment of their own, the first one kept.
        await repo.store.appendTicks('trades', `SELECT ${id}, ${(START_DAY + 2) * DAY} + k * 1000, 3, 1, 0 FROM range(10) r(k)`);
        expect((await repo.store.segments({ instrumentId: id, kind: 'trades' })).map(s => s.id)).to.include(first.id);
        // Rows inside the first segment's range, two of them at a stored time: merged into a new segment.
        await repo.store.appendTicks('trades', `SELECT ${id}, ${START_DAY * DAY} + k * 1000 + 500, 2, 1, 0 FROM range(50) r(k)
            UNION ALL SELECT ${id}, ${START_DAY * DAY} + 7000, 9, 1, 0`);
        const after = await repo.store.segments({ instrumentId: id, kind: 'trades' });
        expect(after.map(s => s.id)).not.to.include(first.id);
        expect(fs.existsSync(path.join(db.tickStoreDir, first.file))).to.equal(false);
        expect(filesUnder(db.tickStoreDir)).to.deep.equal(after.map(s => s.file).sort());
        const t = await repo.readTicks(key());
        expect(t.count).to.equal(161);
        for (let i = 1; i < t.count; i++) {
            expect(t.time[i]).to.be.at.least(t.time[i - 1]);
        }
        const at7 = Array.from(t.time).flatMap((x, i) => x === START_DAY * DAY + 7000 ? [t.price![i]] : []);
        expect(at7).to.deep.equal([1, 9]);
    });

    it('deletes the files of a rolled-back transaction, and sweeps unregistered files when the database opens', async () => {
        await repo.store.appendTicks('trades', `SELECT ${id}, ${START_DAY * DAY} + k, 1, 1, 0 FROM range(10) r(k)`);
        const before = filesUnder(db.tickStoreDir);
        await db.run('BEGIN TRANSACTION');
        const staging = await db.connect();
        const store = new TickStore(db, staging);
        await store.createStaging('trades');
        await staging.run(`INSERT INTO staged_trades SELECT ${id}, ${(START_DAY + 3) * DAY} + k, 1, 1, 0 FROM range(10) r(k)`);
        await store.writeStaged('trades', id, null);
        expect(filesUnder(db.tickStoreDir).length).to.equal(before.length + 1);
        await db.rollback();
        staging.closeSync();
        expect(filesUnder(db.tickStoreDir)).to.deep.equal(before);
        // A file a killed import left behind: gone at the next open, the registered ones kept.
        const orphan = path.join(db.tickStoreDir, String(id), 'trades', '2013-10-10_99.parquet');
        fs.writeFileSync(orphan, 'PAR1');
        db.close();
        db = await WorkspaceDatabase.open(path.join(dir, 'workspace.duckdb'));
        repo = new TickRepository(db);
        expect(filesUnder(db.tickStoreDir)).to.deep.equal(before);
        expect((await repo.readTicks(key())).count).to.equal(10);
    });

    it('reads a database moved and renamed with its segment folder (the views are rewritten on open)', async () => {
        await repo.store.appendTicks('trades', `SELECT ${id}, ${START_DAY * DAY} + k, 5, 1, 0 FROM range(1000) r(k)`);
        await db.checkpoint();
        db.close();
        const other = tempDir();
        fs.copyFileSync(path.join(dir, 'workspace.duckdb'), path.join(other, 'moved.duckdb'));
        fs.cpSync(path.join(dir, 'workspace.ticks'), path.join(other, 'moved.ticks'), { recursive: true });
        fs.rmSync(dir, { recursive: true, force: true });
        db = await WorkspaceDatabase.open(path.join(other, 'moved.duckdb'));
        dir = other;
        expect(Number(await db.scalar('SELECT count(*) FROM trades'))).to.equal(1000);
        expect((await new TickRepository(db).readTicks(key())).count).to.equal(1000);
    });

    it('stores imported bars as open, body and wicks and gives back high, low and close exactly; the bar cache stays a table', async () => {
        await repo.store.appendTicks('bars', `SELECT ${id}, '1m', 'import', 'bid', ${START_DAY * DAY} + k * 60000000, 1000 + k % 11,
            1000 + k % 11 + greatest(0, k % 5 - 2) + 3, 1000 + k % 11 - k % 4 - 2, 1000 + k % 11 + k % 5 - 2, k % 3, 1, NULL FROM range(3000) r(k)`);
        const bars = await repo.readBars({ instrumentId: id, kind: 'bars' }, '1m');
        expect(bars.count).to.equal(3000);
        for (let k = 0; k < 3000; k++) {
            const o = 1000 + k % 11;
            const expected = [START_DAY * DAY + k * 60_000_000, o, o + Math.max(0, k % 5 - 2) + 3, o - k % 4 - 2, o + k % 5 - 2, k % 3];
            const got = [bars.time[k], bars.open[k], bars.high[k], bars.low[k], bars.close[k], bars.volume[k]];
            if (got.join() !== expected.join()) {
                expect.fail(`bar ${k}: ${got} vs ${expected}`);
            }
        }
        expect(Number(await db.scalar(`SELECT time_unit FROM tick_segments WHERE kind = 'bars'`))).to.equal(60_000_000);
        // A range whose ends are not whole minutes: the condition on stored minutes keeps exactly the bars inside it.
        const t0 = START_DAY * DAY;
        const inside = await repo.readBars({ instrumentId: id, kind: 'bars' }, '1m', t0 + 30_000_000, t0 + 300_000_001);
        expect(Array.from(inside.time)).to.deep.equal([1, 2, 3, 4, 5].map(m => t0 + m * 60_000_000));
        const exact = await repo.readBars({ instrumentId: id, kind: 'bars' }, '1m', t0 + 60_000_000, t0 + 300_000_000);
        expect(Array.from(exact.time)).to.deep.equal([1, 2, 3, 4].map(m => t0 + m * 60_000_000));
        expect(Number(await db.scalar(`SELECT count(*) FROM bars WHERE origin = 'import'`))).to.equal(3000);
        expect(Number(await db.scalar(`SELECT count(*) FROM bar_cache`))).to.equal(0);
        const [summary] = await repo.listDatasets();
        expect(summary.tickCount).to.equal(3000);
        expect(summary.sizeOnDisk).to.equal(fs.statSync(path.join(db.tickStoreDir, (await repo.store.segments({ instrumentId: id, kind: 'bars' }))[0].file)).size);
        await repo.deleteDataset({ instrumentId: id, kind: 'bars' });
        expect(filesUnder(db.tickStoreDir)).to.deep.equal([]);
        expect(Number(await db.scalar(`SELECT count(*) FROM bars`))).to.equal(0);
    });

    it('moves the ticks and imported bars of a schema-3 database into segments when it opens, bit for bit', async () => {
        const old = path.join(dir, 'old.duckdb');
        const instance = await DuckDBInstance.create(old);
        const con = await instance.connect();
        for (const m of MIGRATIONS.filter(x => x.version <= 3)) {
            for (const sql of m.sql) {
                await con.run(sql);
            }
        }
        await con.run(`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at BIGINT NOT NULL)`);
        await con.run(`INSERT INTO schema_version SELECT v, 'v' || v, 0 FROM range(1, 4) r(v)`);
        await con.run(`INSERT INTO instruments (symbol, venue, asset_class, tick_size) VALUES ('A', 'X', 'equity', 0.01), ('B', 'X', 'fx', 0.00001)`);
        await con.run(`INSERT INTO trades SELECT 1 + k % 2, ${START_DAY * DAY} + k * 1000 // 2 * 2, 500 + k % 9, k % 4, k % 2 FROM range(20000) r(k) ORDER BY 1, 2`);
        await con.run(`INSERT INTO quotes SELECT 2, ${START_DAY * DAY} + k * 250, 100 + k % 5, 102 + k % 5, NULL, NULL, 0 FROM range(5000) r(k)`);
        await con.run(`INSERT INTO bars SELECT 2, '1m', o, 'bid', ${START_DAY * DAY} + k * 60000000, 10, 12, 9, 11, 0, 1, NULL
            FROM range(100) r(k), (VALUES ('import'), ('cache')) v(o)`);
        const digest = `SELECT (SELECT count(*) || ':' || sum(time_us * 3 + price_ticks * 7 + coalesce(size, 0) + flags) FROM trades)
            || '/' || (SELECT count(*) || ':' || sum(time_us + bid_ticks * 5 + ask_ticks) FROM quotes)
            || '/' || (SELECT count(*) || ':' || sum(time_us + open_ticks + high_ticks * 3 + low_ticks * 5 + close_ticks * 7) FROM bars WHERE origin = 'import')
            || '/' || (SELECT count(*) FROM bars WHERE origin = 'cache') AS d`;
        const before = String((await con.runAndReadAll(digest)).getRows()[0][0]);
        // Tie order: the trades of instrument 1 at each time in their stored order.
        const ties = (order: string): string => `SELECT string_agg(l, ';' ORDER BY time_us) FROM (SELECT time_us, list(price_ticks ORDER BY ${order})::VARCHAR AS l
            FROM trades WHERE instrument_id = 1 GROUP BY time_us)`;
        const tiesBefore = String((await con.runAndReadAll(ties('rowid'))).getRows()[0][0]);
        con.closeSync();
        instance.closeSync();
        const migrated = await WorkspaceDatabase.open(old);
        try {
            expect(await migrated.schemaVersion()).to.equal(SCHEMA_VERSION);
            expect(String(await migrated.scalar(digest))).to.equal(before);
            expect(String(await migrated.scalar(ties('seq')))).to.equal(tiesBefore);
            expect((await migrated.all(`SELECT DISTINCT kind FROM tick_segments ORDER BY 1`)).map(r => r.kind)).to.deep.equal(['bars', 'quotes', 'trades']);
        } finally {
            migrated.close();
        }
    });
});
