import { expect } from 'chai';
import * as native from '@backtestr/native';
import { MtfState } from '@backtestr/plugins-sdk/host';
import { FloatBarColumns } from '../common/engine-columns';
import { ExecutionEngine } from './execution-engine';
import { MtfEngine } from './mtf-engine';
import { EXEC_LAYOUT, MTF_LAYOUT } from './native-layout';

const MINUTE = 60_000_000;

/** Three minutes of trades, one every 10 s, prices walking up and down. */
function ticks(): { time: BigInt64Array; price: Float64Array; size: Float64Array } {
    const n = 18;
    const time = new BigInt64Array(n);
    const price = new Float64Array(n);
    const size = new Float64Array(n).fill(1);
    for (let i = 0; i < n; i++) {
        time[i] = BigInt(1_381_242_600_000_000 + i * 10_000_000);
        price[i] = 100 + (i % 5) - (i % 3) * 0.5;
    }
    return { time, price, size };
}

function columns(n: number): FloatBarColumns {
    return { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n),
        volume: new Float64Array(n) };
}

describe('MtfEngine: the state memory read through the SDK reader', () => {
    it('finds the same bars as the SDK\'s MtfState over the same memory (one record arithmetic)', () => {
        const e = new MtfEngine({ timeframes: ['1m', '5m'], depth: 2 });
        e.process(ticks());
        const own = new MtfState(e.f64.buffer, MTF_LAYOUT, e.timeframes);
        expect(e.completedCount(0)).to.equal(2);
        for (let tf = 0; tf < 2; tf++) {
            expect(e.partialOffset(tf)).to.equal(own.partialOffset(tf));
            for (let ago = -1; ago <= 2; ago++) {
                expect(e.completedOffset(tf, ago), `tf ${tf} ago ${ago}`).to.equal(own.completedOffset(tf, ago));
            }
        }
        expect(e.completedOffset(0, 2), 'depth 2 keeps two bars').to.equal(-1);
        expect(e.completed('1m', 0)!.close).to.equal(own.get('1m').bar(-1)!.close);
    });

    it('copies a bar into float64 columns as barAt reads it, the time as an exact number', () => {
        const e = new MtfEngine({ timeframes: ['1m'] });
        e.process(ticks());
        const out = columns(2);
        e.copyBar(e.completedOffset(0, 0), out, 1);
        const bar = e.completed('1m', 0)!;
        expect(Array.from([out.time[1], out.open[1], out.high[1], out.low[1], out.close[1], out.volume[1]]))
            .to.deep.equal([Number(bar.time), bar.open, bar.high, bar.low, bar.close, bar.volume]);
        expect(out.time[1] % MINUTE).to.equal(0);
        expect(out.time[0], 'other rows untouched').to.equal(0);
    });

    it('gives the clock as its two int64 words, live', () => {
        const e = new MtfEngine({ timeframes: ['1m'] });
        const words = e.clockWords();
        e.process(ticks());
        const clock = BigInt.asUintN(32, BigInt(words[0])) + (BigInt(words[1]) << 32n);
        expect(clock).to.equal(e.clock);
        expect(e.clock).to.equal(ticks().time[17]);
    });
});

describe('the flat addon under MtfEngine', () => {
    it('rejects a foreign object passed as the engine', () => {
        expect(() => native.run({} as native.NativeEngine, 0)).to.throw(TypeError, /engine created by create\(\)/);
    });
});

describe('ExecutionEngine: the account without an object per read', () => {
    it('reads the account into a caller\'s buffer and shows it in the state memory\'s account block', () => {
        const e = new ExecutionEngine({ timeframes: ['1m'] }, { initialCash: 5000 });
        const t = ticks();
        e.subscribe({ barClose: ['1m'] });
        e.setBatch(t);
        let i = e.run(0);
        e.submit([{ id: 1, type: 'market', side: 'buy', qty: 2 }]);
        // The next bar-close stop: the market order has filled and the account block is current.
        i = e.run(i);
        expect(i).to.be.lessThan(t.time.length);
        expect(e.f64[MTF_LAYOUT.H_ACCOUNT_STOP]).to.equal(e.f64[MTF_LAYOUT.H_STOPS]);
        const out = new Float64Array(EXEC_LAYOUT.ACCOUNT_SLOTS);
        e.readAccountInto(out);
        const account = e.account();
        expect(out[EXEC_LAYOUT.A_POSITION]).to.equal(2);
        expect(out[EXEC_LAYOUT.A_EQUITY]).to.equal(account.equity);
        expect(out[EXEC_LAYOUT.A_CASH]).to.equal(account.cash).and.not.equal(5000);
        const block = e.accountBlock();
        expect(Array.from(block)).to.deep.equal(Array.from(out));
    });
});
