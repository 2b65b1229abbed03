import { expect } from 'chai';
import { MtfState, MtfStateLayout } from './mtf-state';

// The engine's layout (native/src/layout.rs); the engine's own tests read real engine memory.
const L: MtfStateLayout = {
    HEADER: 16, TF_HEADER: 8, RECORD: 10, H_DEPTH: 1, H_TICKS: 2, H_CLOCK: 3, H_LAST_PRICE: 4, T_COMPLETED: 2, T_HAS_PARTIAL: 3,
    R_OPEN: 0, R_HIGH: 1, R_LOW: 2, R_CLOSE: 3, R_VOLUME: 4, R_TICKS: 5, R_TIME: 6, R_START: 7, R_END: 8, R_LAST: 9
};

function stateWith(depth: number): { buffer: ArrayBuffer; f: Float64Array; i: BigInt64Array } {
    const n = 2;
    const buffer = new ArrayBuffer(8 * (L.HEADER + n * L.TF_HEADER + n * L.RECORD + n * depth * L.RECORD));
    const f = new Float64Array(buffer);
    f[L.H_DEPTH] = depth;
    return { buffer, f, i: new BigInt64Array(buffer) };
}

function writeBar(f: Float64Array, i: BigInt64Array, o: number, close: number, time: bigint): void {
    f[o + L.R_OPEN] = close - 1; f[o + L.R_HIGH] = close + 1; f[o + L.R_LOW] = close - 2; f[o + L.R_CLOSE] = close;
    f[o + L.R_VOLUME] = 10; f[o + L.R_TICKS] = 3; i[o + L.R_TIME] = time; i[o + L.R_START] = time; i[o + L.R_END] = time + 60_000_000n;
}

describe('MtfState', () => {
    const { buffer, f, i } = stateWith(3);
    const state = new MtfState(buffer, L, ['1m', '1H']);
    const completedBase = L.HEADER + 2 * L.TF_HEADER + 2 * L.RECORD;

    it('has no partial and no completed bar before the first tick', () => {
        expect(state.get('1m').partial).to.equal(undefined);
        expect(state.get('1m').bar(-1)).to.equal(undefined);
        expect(state.get('1m').bars(5)).to.deep.equal([]);
    });

    it('refuses bar(0) and future offsets: only completed bars can be read', () => {
        expect(() => state.get('1m').bar(0)).to.throw(RangeError, /\.partial/);
        expect(() => state.get('1m').bar(1)).to.throw(RangeError);
        expect(() => state.get('1m').bar(-0.5)).to.throw(RangeError);
    });

    it('reads the partial bar, completed bars through the ring, and times beyond 2^32 exactly', () => {
        const t0 = 1_381_104_000_000_000n; // 2013-10-07T00:00:00Z in microseconds
        // Four completed 1m bars through a ring of 3: the oldest is gone.
        for (let c = 0; c < 4; c++) {
            writeBar(f, i, completedBase + (c % 3) * L.RECORD, 100 + c, t0 + BigInt(c) * 60_000_000n);
        }
        f[L.HEADER + L.T_COMPLETED] = 4;
        f[L.HEADER + L.T_HAS_PARTIAL] = 1;
        writeBar(f, i, L.HEADER + 2 * L.TF_HEADER, 200, t0 + 240_000_000n);
        i[L.H_CLOCK] = t0 + 250_000_001n;
        const m1 = state.get('1m');
        expect(state.clock).to.equal(Number(t0 + 250_000_001n));
        expect(m1.partial?.close).to.equal(200);
        expect(m1.partial?.time).to.equal(Number(t0 + 240_000_000n));
        expect(m1.bar(-1)?.close).to.equal(103);
        expect(m1.bar(-3)?.close).to.equal(101);
        expect(m1.bar(-4)).to.equal(undefined);
        expect(m1.bars(10).map(b => b.close)).to.deep.equal([101, 102, 103]);
        expect(m1.bar(-1)?.snapshot()).to.deep.equal({ time: Number(t0 + 180_000_000n), open: 102, high: 104, low: 101, close: 103, volume: 10, ticks: 3 });
        expect(Object.isFrozen(m1.bars(1)[0])).to.equal(true);
        expect(state.get('1H').partial).to.equal(undefined);
    });

    it('names the timeframes it has when asked for another', () => {
        expect(() => state.get('5m')).to.throw(/'5m' is not computed.*1m, 1H/);
    });
});
