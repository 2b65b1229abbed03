// Crossed quotes kept or quarantined, and one-sided quotes carried forward, on fixtures made at test time from real
// rows of ../shared/data (never copied): the EURUSD OANDA quotes hold no crossed quote, so some rows get bid and ask
// swapped at known places; the shared data has SPY trades but no quotes, so a one-sided quote file in the Lean equity
// quote layout is derived from the SPY trade prices. The oracles are computed here, independently of the importer.

import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DataImporter } from './data-importer';
import { PassThrough } from 'stream';
import { ImportResult } from '../common/dataset-protocol';
import { detectPreset, preset } from './csv-presets';
import { runDataCommand } from './data-cli';
import { reimportRequest } from './reimport-request';
import { DataQuality } from './data-quality';
import { InstrumentCatalog } from './instrument-catalog';
import { fixMessage, marketDataMessage } from './test-support/fix-messages';
import { makeZip, SHARED_DATA, tempDatabase, tempDir, unzipText } from './test-support/test-files';
import { daysFromCivil, MICROS_PER_DAY } from './time-zone';
import { TickFlags, WorkspaceDatabase } from '@backtestr/workspace-store/lib/node';

const EURUSD_DAY = path.join(SHARED_DATA, 'eurusd-quotes-2014-05', '20140501_quote.zip');
const SPY_DAY = path.join(SHARED_DATA, 'spy-trades-2013-10', '20131007_trade.zip');
/** Every SWAP_EVERY-th EURUSD row gets bid and ask swapped. */
const SWAP_EVERY = 17;
const SPY_ROWS = 60_000;

/** 1-minute bid OHLC of `ms,bid,ask` rows in ticks of 0.00001, minute = floor(ms / 60000): the vendor's rule. */
function minuteBidBars(rows: string[][], dayStart: number): Map<number, string> {
    const bars = new Map<number, number[]>();
    for (const f of rows) {
        const t = dayStart + Math.floor(Number(f[0]) / 60_000) * 60_000_000;
        const bid = Math.round(Number(f[1]) * 1e5);
        const bar = bars.get(t);
        if (!bar) {
            bars.set(t, [bid, bid, bid, bid]);
        } else {
            bar[1] = Math.max(bar[1], bid);
            bar[2] = Math.min(bar[2], bid);
            bar[3] = bid;
        }
    }
    return new Map([...bars].map(([t, b]) => [t, b.join()]));
}

describe('quote policies: crossed quotes and one-sided quotes (fixtures from ../shared/data)', function (): void {
    this.timeout(120_000);
    let dir: string;

    before(() => {
        dir = tempDir();
    });

    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    async function withImporter<T>(name: string, body: (importer: DataImporter, db: WorkspaceDatabase) => Promise<T>): Promise<T> {
        fs.mkdirSync(path.join(dir, name));
        const db = await tempDatabase(path.join(dir, name));
        try {
            return await body(new DataImporter(db, InstrumentCatalog.fromDataDir(SHARED_DATA)), db);
        } finally {
            db.close();
        }
    }

    describe('crossed EURUSD quotes', () => {
        const dayStart = daysFromCivil(2014, 5, 1) * MICROS_PER_DAY;
        let rows: string[][];
        let swapped: number;
        let fixture: string;

        before(() => {
            rows = unzipText(EURUSD_DAY).trim().split('\n').map(l => l.trim().split(','));
            expect(rows.filter(f => Number(f[1]) > Number(f[2])).length, 'the real rows hold no crossed quote').to.equal(0);
            swapped = 0;
            for (let i = SWAP_EVERY; i < rows.length; i += SWAP_EVERY) {
                // Spread 0 would only be locked, not crossed: leave those rows as they are.
                if (rows[i][1] !== rows[i][2]) {
                    rows[i] = [rows[i][0], rows[i][2], rows[i][1]];
                    swapped++;
                }
            }
            fixture = path.join(dir, 'crossed', '20140501_quote.zip');
            fs.mkdirSync(path.dirname(fixture), { recursive: true });
            fs.writeFileSync(fixture, makeZip({ '20140501_eurusd_tick_quote.csv': rows.map(f => f.join(',')).join('\n') }));
        });

        it('keeps crossed quotes, flagged, by default of the OANDA preset: minute bid bars equal an independent aggregation', async () => {
            await withImporter('keep', async importer => {
                const result = await importer.import({ paths: [fixture] });
                expect([result.presetId, result.rows, result.quarantined]).to.deep.equal(['lean-forex-quotes', rows.length, 0]);
                const ticks = await importer.repo.readTicks(result.datasets[0]);
                let flagged = 0, wrongFlags = 0;
                for (let i = 0; i < ticks.count; i++) {
                    const crossed = (ticks.flags[i] & TickFlags.CROSSED) !== 0;
                    flagged += crossed ? 1 : 0;
                    wrongFlags += crossed !== (ticks.bid![i] > ticks.ask![i]) ? 1 : 0;
                }
                expect([flagged, wrongFlags]).to.deep.equal([swapped, 0]);
                const bars = await importer.repo.readBars(result.datasets[0], '1m');
                const expected = minuteBidBars(rows, dayStart);
                let equal = 0;
                for (let i = 0; i < bars.count; i++) {
                    equal += expected.get(bars.time[i]) === [bars.open[i], bars.high[i], bars.low[i], bars.close[i]].join() ? 1 : 0;
                }
                expect([bars.count, equal]).to.deep.equal([expected.size, expected.size]);
                const quality = await new DataQuality(importer.db).report(result.datasets[0]);
                expect(quality!.days.reduce((n, d) => n + d.crossedQuotes, 0)).to.equal(swapped);
            });
        });

        it('quarantines them when asked (crossedQuotes: quarantine): counted, and the bid bars then differ from the aggregation', async () => {
            await withImporter('quarantine', async importer => {
                const result = await importer.import({ paths: [fixture], crossedQuotes: 'quarantine' });
                expect([result.rows, result.quarantined]).to.deep.equal([rows.length - swapped, swapped]);
                const reasons = await importer.db.all('SELECT reason, count(*) AS n FROM quarantine GROUP BY 1');
                expect(reasons.map(r => [r.reason, Number(r.n)])).to.deep.equal([['crossed quote: bid above ask', swapped]]);
                const bars = await importer.repo.readBars(result.datasets[0], '1m');
                const expected = minuteBidBars(rows, dayStart);
                let differing = 0;
                for (let i = 0; i < bars.count; i++) {
                    differing += expected.get(bars.time[i]) !== [bars.open[i], bars.high[i], bars.low[i], bars.close[i]].join() ? 1 : 0;
                }
                expect(differing).to.be.greaterThan(swapped / 10);
                const quality = await new DataQuality(importer.db).report(result.datasets[0]);
                expect(quality!.days.reduce((n, d) => n + d.crossedQuotes, 0)).to.equal(swapped);
                // A re-import applies the policy the import was given.
                const again = await importer.import(await reimportRequest(importer.db, result.datasets[0]));
                expect([again.rows, again.quarantined]).to.deep.equal([rows.length - swapped, swapped]);
            });
        });

        it('applies the same rule to FIX quotes: quarantined by default, kept and flagged with crossedQuotes: keep', async () => {
            const n = 40 * SWAP_EVERY;
            const crossed = rows.slice(0, n).filter(f => Number(f[1]) > Number(f[2])).length;
            const define = fixMessage([[35, 'd'], [55, 'EURUSD'], [969, '0.00001'], [15, 'USD'], [207, 'FXV']]);
            const messages = rows.slice(0, n).map((f, i) => marketDataMessage(i + 1, 'EURUSD', dayStart + Number(f[0]) * 1000, f[1], f[2], f[1], 1000));
            const file = path.join(dir, 'crossed', 'md.fix');
            fs.writeFileSync(file, [define, ...messages].join('\n'));
            for (const policy of ['quarantine', 'keep'] as const) {
                await withImporter(`fix-${policy}`, async importer => {
                    const result = await importer.import({ paths: [file], crossedQuotes: policy === 'keep' ? 'keep' : undefined });
                    const id = (await importer.repo.findInstrument('EURUSD', 'FXV'))!.id;
                    const quotes = await importer.repo.readTicks({ instrumentId: id, kind: 'quotes' });
                    const flagged = quotes.flags.filter(f => (f & TickFlags.CROSSED) !== 0).length;
                    expect([policy, result.quarantined, quotes.count, flagged]).to.deep.equal(
                        policy === 'keep' ? [policy, 0, n, crossed] : [policy, crossed, n - crossed, 0]);
                });
            }
        });

        it('takes the policy from the command line: --crossed quarantine, and refuses another value', async () => {
            const out = new PassThrough();
            let text = '';
            out.on('data', (chunk: Buffer) => text += chunk.toString());
            const workspace = path.join(dir, 'cli');
            expect(await runDataCommand(['import', fixture, '--workspace', workspace, '--crossed', 'quarantine', '--json'], out)).to.equal(0);
            const result = JSON.parse(text) as ImportResult;
            expect([result.rows, result.quarantined]).to.deep.equal([rows.length - swapped, swapped]);
            let error: Error | undefined;
            await runDataCommand(['import', fixture, '--workspace', workspace, '--crossed', 'drop'], out).catch(e => error = e);
            expect(error?.message).to.contain("'drop' is not quarantine or keep");
        });
    });

    describe('one-sided SPY quotes (Lean equity quote layout derived from real trades)', () => {
        // 2013-10-07, New York on EDT (UTC-4).
        const dayStart = daysFromCivil(2013, 10, 7) * MICROS_PER_DAY + 4 * 3_600_000_000;
        let lines: string[];
        let fixture: string;
        /** The same rows with a condition column before `suspicious`. */
        let withCondition: string;
        /** The independent carry-forward: per row the bid, ask (x10000), sizes and which side was carried; undefined before both sides. */
        let oracle: ({
            t: number; bid: number; bidSize: number; ask: number; askSize: number; carried: 'bid' | 'ask' | ''; exchange: string; suspicious: boolean
        } | undefined)[];

        before(() => {
            const trades = unzipText(SPY_DAY).split('\n').slice(0, SPY_ROWS).map(l => l.split(','));
            // Row i is an ask-only quote a cent above the trade, or a bid-only quote a cent below it; every 7th row (from the 4th) both.
            // Carried sides go stale, so some rows come out crossed or locked, as in real one-sided files. The exchange is
            // the trade's; every 1000th row is marked suspicious (these trades carry no mark).
            // Lean's Tick reader: ms, bid x10000, bid size, ask x10000, ask size, exchange, suspicious.
            const rows = trades.map((f, i) => {
                const price = Number(f[1]), size = f[2];
                const both = i % 7 === 3, bidSide = i % 2 === 0;
                const bid = both || bidSide ? `${price - 100},${size}` : '0,0';
                const ask = both || !bidSide ? `${price + 100},${size}` : '0,0';
                return [`${f[0]},${bid},${ask},${f[3]}`, i % 1000 === 999 ? '1' : '0'];
            });
            lines = rows.map(([head, suspicious]) => `${head},${suspicious}`);
            fixture = path.join(dir, 'spy-quotes', '20131007_quote.zip');
            fs.mkdirSync(path.dirname(fixture), { recursive: true });
            fs.writeFileSync(fixture, makeZip({ '20131007_spy_quote_tick.csv': lines.join('\n') }));
            withCondition = path.join(dir, 'spy-quotes-condition', '20131007_quote.zip');
            fs.mkdirSync(path.dirname(withCondition), { recursive: true });
            fs.writeFileSync(withCondition, makeZip({ '20131007_spy_quote_tick.csv': rows.map(([head, suspicious]) => `${head},00000001,${suspicious}`).join('\n') }));
            let bid = NaN, bidSize = NaN, ask = NaN, askSize = NaN;
            oracle = lines.map(line => {
                const text = line.split(',');
                const f = text.map(Number);
                if (f[1] > 0) {
                    [bid, bidSize] = [f[1], f[2]];
                }
                if (f[3] > 0) {
                    [ask, askSize] = [f[3], f[4]];
                }
                if (bid !== bid || ask !== ask) {
                    return undefined;
                }
                return {
                    t: dayStart + f[0] * 1000, bid, bidSize, ask, askSize, carried: f[1] === 0 ? 'bid' : f[3] === 0 ? 'ask' : '',
                    exchange: text[5], suspicious: text[6] === '1'
                };
            });
        });

        async function expectCarriedForward(importer: DataImporter, file = fixture): Promise<void> {
            const result = await importer.import({ paths: [file] });
            const waiting = oracle.filter(o => o === undefined).length;
            expect(waiting).to.be.greaterThan(0);
            expect([result.presetId, result.rows, result.quarantined]).to.deep.equal(['lean-equity-quotes', SPY_ROWS - waiting, waiting]);
            const ticks = await importer.repo.readTicks(result.datasets[0]);
            const expected = oracle.filter(o => o !== undefined);
            let mismatches = 0, carried = 0, crossed = 0;
            for (let i = 0; i < expected.length; i++) {
                const o = expected[i]!;
                const flags = ticks.flags[i];
                const side = flags & TickFlags.BID_CARRIED ? 'bid' : flags & TickFlags.ASK_CARRIED ? 'ask' : '';
                // SPY ticks are 0.01: price x10000 / 100.
                if (ticks.time[i] !== o.t || ticks.bid![i] * 100 !== o.bid || ticks.ask![i] * 100 !== o.ask || side !== o.carried
                    || ((flags & TickFlags.CROSSED) !== 0) !== (o.bid > o.ask) || ((flags & TickFlags.SUSPICIOUS) !== 0) !== o.suspicious
                    || String.fromCharCode((flags >> TickFlags.EXCHANGE_SHIFT) & 0xff) !== o.exchange) {
                    mismatches++;
                }
                carried += side ? 1 : 0;
                crossed += o.bid > o.ask ? 1 : 0;
            }
            expect([ticks.count, mismatches]).to.deep.equal([expected.length, 0]);
            expect(carried).to.be.greaterThan(SPY_ROWS / 2);
            expect(crossed, 'the fixture has carried sides that cross').to.be.greaterThan(0);
            // Sizes travel with their side (the tick columns read above carry none): their sums.
            const sizes = await importer.db.all('SELECT sum(bid_size) AS b, sum(ask_size) AS a FROM quotes');
            expect([Number(sizes[0].b), Number(sizes[0].a)]).to.deep.equal([
                expected.reduce((n, o) => n + o!.bidSize, 0), expected.reduce((n, o) => n + o!.askSize, 0)]);
            const reasons = await importer.db.all('SELECT reason FROM quarantine');
            expect(reasons.every(r => String(r.reason).startsWith('one-sided quote: no '))).to.equal(true);
        }

        it('imports one-sided rows with the other side carried forward, equal to an independent carry-forward', async () => {
            await withImporter('one-sided', importer => expectCarriedForward(importer));
        });

        it('reads files with a condition column before suspicious the same way', async () => {
            expect(detectPreset('20131007_spy_quote_tick.csv', lines[0])?.preset.format.columns.suspicious).to.equal(6);
            expect(detectPreset('20131007_spy_quote_tick.csv', '14400086,0,0,1675500,100,P,00000001,1')?.preset.format.columns.suspicious).to.equal(7);
            await withImporter('one-sided-condition', importer => expectCarriedForward(importer, withCondition));
        });

        it('gives the same series when the file is parsed in pieces by the parse workers (pieces that lack a side are parsed again)', async () => {
            const previous = process.env.BACKTESTR_IMPORT_CHUNK_BYTES;
            process.env.BACKTESTR_IMPORT_CHUNK_BYTES = String(256 << 10);
            try {
                await withImporter('one-sided-pieces', async importer => {
                    await expectCarriedForward(importer);
                    expect(importer.streamStats.pieces).to.be.greaterThan(3);
                    expect(importer.streamStats.reparsed).to.be.greaterThan(0);
                });
            } finally {
                if (previous === undefined) {
                    delete process.env.BACKTESTR_IMPORT_CHUNK_BYTES;
                } else {
                    process.env.BACKTESTR_IMPORT_CHUNK_BYTES = previous;
                }
            }
        });

        it('without the one-sided option the same rows are quarantined as non-positive prices', async () => {
            await withImporter('not-one-sided', async importer => {
                const format = { ...preset('lean-equity-quotes').format, oneSidedQuotes: false };
                const result = await importer.import({ paths: [fixture], csv: format, instrument: { symbol: 'SPY', venue: 'usa' } });
                const bothSides = lines.filter((_, i) => i % 7 === 3).length;
                expect([result.rows, result.quarantined]).to.deep.equal([bothSides, SPY_ROWS - bothSides]);
            });
        });
    });
});
