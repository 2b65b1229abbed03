import { expect } from 'chai';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { MtfEngine, MTF_LAYOUT } from '@backtestr/engine-core';
import { dataFiles, fileDateMs, hasData, newYorkOffsetMs, readQuoteDay, readTradeDay, readZipLines } from './test-support/lean-data';

const MIN = 60_000_000n;

function trades(times: bigint[], prices: number[]): { time: BigInt64Array; price: Float64Array; size: Float64Array } {
    return { time: BigInt64Array.from(times), price: Float64Array.from(prices), size: Float64Array.from(prices.map(() => 1)) };
}

describe('MtfEngine', () => {

    it('has the six default timeframes and partial bars for each after a tick', () => {
        const e = new MtfEngine();
        expect(e.timeframes).to.deep.equal(['1m', '5m', '15m', '1H', '4H', '1D']);
        e.process(trades([10n, 20n], [5, 7]));
        for (const tf of e.timeframes) {
            expect(e.partial(tf), tf).to.include({ open: 5, high: 7, low: 5, close: 7, volume: 2, ticks: 2 });
        }
        expect(e.partial('1H')?.start).to.equal(0n);
        expect(e.partial('1H')?.end).to.equal(60n * MIN);
        expect(e.ticksProcessed).to.equal(2);
    });

    it('wakes on subscribed bar closes before the closing tick is applied, and resumes there', () => {
        const e = new MtfEngine({ timeframes: ['1m', '5m'] });
        e.subscribe({ barClose: ['1m'] });
        const batch = trades([0n, MIN - 1n, MIN, 5n * MIN, 5n * MIN + 1n], [1, 2, 3, 4, 5]);
        const seen: { tick: number; closed: string[]; last1m?: number; clock: bigint }[] = [];
        e.process(batch, () => {
            const ev = e.event();
            seen.push({ tick: ev.tickIndex, closed: ev.closed, last1m: e.completed('1m')?.close, clock: e.clock });
        });
        expect(seen).to.deep.equal([
            { tick: 2, closed: ['1m'], last1m: 2, clock: MIN },
            { tick: 3, closed: ['1m', '5m'], last1m: 3, clock: 5n * MIN },
        ]);
        expect(e.partial('5m')).to.include({ open: 4, close: 5, ticks: 2 });
    });

    it('wakes on every tick, on price level crossings and on timers', () => {
        const e = new MtfEngine({ timeframes: ['1m'] });
        e.subscribe({ levels: [1.5], timers: [3n * MIN] });
        const flags: number[] = [];
        e.process(trades([0n, 1n, 2n, 3n * MIN], [1, 2, 1, 1]), () => flags.push(e.eventFlags));
        expect(flags).to.deep.equal([MTF_LAYOUT.EV_CROSS, MTF_LAYOUT.EV_CROSS, MTF_LAYOUT.EV_TIMER]);
        e.subscribe({ everyTick: true });
        let n = 0;
        e.process(trades([4n * MIN, 4n * MIN, 5n * MIN], [1, 1, 1]), () => n++);
        expect(n).to.equal(3);
    });

    it('keeps a configurable history ring and honours barTime end, previousClose and fillForward', () => {
        const e = new MtfEngine({ timeframes: ['1m'], depth: 3, barTime: 'end', open: 'previousClose', emptyPeriods: 'fillForward' });
        e.process(trades([0n, MIN + 1n, 6n * MIN], [1, 2, 3]));
        expect(e.completedCount(0)).to.equal(6);
        expect(e.history('1m').map(b => [b.time, b.open, b.close, b.ticks])).to.deep.equal([
            [4n * MIN, 2, 2, 0], [5n * MIN, 2, 2, 0], [6n * MIN, 2, 2, 0]]);
        expect(e.completed('1m', 3)).to.equal(undefined);
        expect(e.partial('1m')).to.include({ open: 2, high: 3, low: 2, close: 3, time: 7n * MIN });
        e.flush();
        expect(e.partial('1m')).to.equal(undefined);
        expect(() => e.process(trades([7n * MIN], [1]))).to.throw(/flushed/);
    });

    it('gives the same state bit for bit for the same ticks and options', () => {
        const run = (): Float64Array => {
            const e = new MtfEngine({ priceSource: 'mid', session: '17:00 America/New_York' });
            const n = 10_000;
            const time = new BigInt64Array(n);
            const bid = new Float64Array(n);
            for (let i = 0; i < n; i++) {
                time[i] = 1_400_000_000_000_000n + BigInt(i) * 7_777_777n;
                bid[i] = 1.3 + Math.sin(i / 50) * 0.01;
            }
            e.process({ time, bid, ask: bid.map(b => b + 0.0001) });
            return e.f64.slice();
        };
        expect(Buffer.from(run().buffer).equals(Buffer.from(run().buffer))).to.equal(true);
    });

    describe('bad calls throw clear errors and never abort', () => {
        const e = new MtfEngine({ timeframes: ['1m'] });
        const cases: [string, () => void, RegExp][] = [
            ['unknown timeframe', () => new MtfEngine({ timeframes: ['5x'] }), /unknown timeframe "5x"/],
            ['months', () => new MtfEngine({ timeframes: ['1M'] }), /months are not supported/],
            ['bad depth', () => new MtfEngine({ depth: 0 }), /depth/],
            ['bad session', () => new MtfEngine({ session: '17:00 Mars/Olympus' }), /session "17:00 Mars\/Olympus"/],
            ['bad priceSource', () => new MtfEngine({ priceSource: 'close' as never }), /priceSource "close"/],
            ['unsorted', () => e.setBatch(trades([1n, 3n, 2n, 4n], [1, 1, 1, 1])), /tick 2 \(2\) is earlier than tick 1 \(3\)/],
            ['time out of range', () => e.setBatch(trades([1n, 2n ** 62n], [1, 1])), /tick 1: time is 4611686018427387904 microseconds, outside years 1\.\.9999/],
            ['NaN price', () => e.setBatch(trades([1n, 2n], [1, NaN])), /tick 1: price is NaN/],
            ['negative price', () => e.setBatch(trades([1n, 2n], [-1, 1])), /tick 0: price is -1/],
            ['negative size', () => e.setBatch({ time: new BigInt64Array(1), price: new Float64Array(1), size: Float64Array.of(-2) }), /size is -2/],
            ['time as Float64Array', () => e.setBatch({ time: new Float64Array(2) as never, price: new Float64Array(2) }), /time must be a BigInt64Array, got a Float64Array/],
            ['price as Float32Array', () => e.setBatch({ time: new BigInt64Array(2), price: new Float32Array(2) as never }), /price must be a Float64Array, got a Float32Array/],
            ['price as array', () => e.setBatch({ time: new BigInt64Array(2), price: [1, 2] as never }), /price must be a Float64Array/],
            ['lengths differ', () => e.setBatch({ time: new BigInt64Array(2), price: new Float64Array(3) }), /price has 3 elements but time has 2/],
            ['missing column', () => new MtfEngine({ priceSource: 'bid' }).setBatch({ time: new BigInt64Array(1), price: new Float64Array(1) }), /needs a bid column/],
            ['state as column', () => e.setBatch({ time: new BigInt64Array(1), price: e.f64.subarray(0, 1) }), /must not be a view of the engine's state/],
            ['run past the end', () => { e.setBatch(trades([1n], [1])); e.run(5); }, /past the end/],
            ['run from -1', () => e.run(-1), /from must be a whole number/],
            ['unknown subscribed timeframe', () => e.subscribe({ barClose: ['5m'] }), /"5m" is not one of this engine's timeframes \(1m\)/],
            ['NaN level', () => e.subscribe({ levels: [NaN] }), /level 0 is NaN/],
            ['advance back in time', () => { e.process(trades([10n], [1])); e.advanceTo(5n); }, /earlier than the engine clock/],
            ['batch before the clock', () => e.process(trades([9n], [1])), /tick 0 \(9\) is earlier than the engine clock \(10\)/],
        ];
        for (const [name, call, message] of cases) {
            it(name, () => expect(call).to.throw(message));
        }
        it('rejects a batch whose column was transferred (detached) after setBatch', () => {
            const d = new MtfEngine({ timeframes: ['1m'] });
            const batch = trades([1n, 2n], [1, 2]);
            d.setBatch(batch);
            structuredClone(batch.price.buffer, { transfer: [batch.price.buffer] });
            expect(() => d.run(0)).to.throw(/detached/);
        });
        it('with V8-owned state memory (the Electron fallback) rejects runs once the state buffer is detached', () => {
            const script = `
                const { MtfEngine } = require(${JSON.stringify(require.resolve('@backtestr/engine-core'))});
                const e = new MtfEngine({ timeframes: ['1m'] });
                e.process({ time: BigInt64Array.of(1n, 2n), price: Float64Array.of(3, 4) });
                if (e.partial('1m').close !== 4) { throw new Error('bad state'); }
                structuredClone(e.f64.buffer, { transfer: [e.f64.buffer] });
                try { e.process({ time: BigInt64Array.of(3n), price: Float64Array.of(5) }); } catch (x) { console.log(x.message); }`;
            const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, BACKTESTR_NATIVE_V8_STATE: '1' }, encoding: 'utf8' });
            expect(r.stderr).to.equal('');
            expect(r.stdout).to.match(/state buffer was detached/);
        });
        it('keeps working after errors', () => {
            e.process(trades([20n, 30n], [2, 3]));
            expect(e.partial('1m')).to.include({ open: 1, close: 3, ticks: 3 });
        });
    });

    describe('golden: 1-minute bid bars from EURUSD quotes equal the vendor bars', function (): void {
        before(function (): void {
            if (!hasData('eurusd-quotes-2014-05') || !hasData('eurusd-minute-vendor-2014-05')) {
                this.skip();
            }
        });
        const days = hasData('eurusd-quotes-2014-05') ? dataFiles('eurusd-quotes-2014-05') : [];
        for (const file of days) {
            const name = path.basename(file).slice(0, 8);
            it(name, () => {
                const quotes = readQuoteDay(file);
                const e = new MtfEngine({ timeframes: ['1m'], priceSource: 'bid', depth: 2000 });
                e.process(quotes);
                e.flush();
                const midnight = BigInt(fileDateMs(file)) * 1000n;
                const ours = e.history('1m').map(b => [Number((b.time - midnight) / 1000n), b.open, b.high, b.low, b.close].join(','));
                const vendor = readZipLines(path.join(path.dirname(file), '../eurusd-minute-vendor-2014-05', path.basename(file)))
                    .map(l => l.split(',').slice(0, 5).map(Number).join(','));
                expect(ours.length).to.equal(vendor.length);
                expect(ours).to.deep.equal(vendor);
            });
        }
    });

    describe('SPY 1-minute trade bars have the vendor\'s minutes and volumes', function (): void {
        // The vendor filters some trades by an undocumented rule (see ../shared/data/README.md): its
        // minutes equal an aggregation of all the ticks, and so do its volumes except in the minutes
        // of the opening and closing auctions (09:30, 15:59, 16:00 New York), whose prints it drops.
        const days = hasData('spy-trades-2013-10') ? dataFiles('spy-trades-2013-10') : [];
        const auctionMinutes = [9 * 60 + 30, 15 * 60 + 59, 16 * 60].map(m => m * 60_000);
        before(function (): void {
            if (days.length === 0 || !hasData('spy-minute-vendor-2013-10')) {
                this.skip();
            }
        });
        for (const file of days) {
            it(path.basename(file).slice(0, 8), () => {
                const e = new MtfEngine({ timeframes: ['1m'], depth: 2000 });
                e.process(readTradeDay(file));
                e.flush();
                const midnight = fileDateMs(file);
                const nyMidnightUs = BigInt(midnight - newYorkOffsetMs(midnight + 12 * 3600_000)) * 1000n;
                const ours = e.history('1m').map(b => [Number((b.start - nyMidnightUs) / 1000n), b.volume]);
                const vendor = readZipLines(path.join(path.dirname(file), '../spy-minute-vendor-2013-10', path.basename(file)))
                    .map(l => l.split(',')).map(f => [Number(f[0]), Number(f[5])]);
                expect(ours.map(b => b[0])).to.deep.equal(vendor.map(v => v[0]));
                const differ = vendor.filter((v, i) => ours[i][1] !== v[1]).map(v => v[0]);
                expect(auctionMinutes).to.include.members(differ);
            });
        }
    });
});
