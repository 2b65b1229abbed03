// Test support of the strategy-host specs: a temporary folder of strategy files, a run's expected failure,
// deterministic synthetic trades.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TickBatch } from '@backtestr/plugins-sdk';
import { StrategyRunError } from '../strategy-host/strategy-run-protocol';

/** A temporary folder that strategy files are written into; `remove()` deletes it. */
export interface StrategyFolder {
    readonly dir: string;
    /** Writes a strategy file into the folder; returns its path. */
    write(name: string, text: string): string;
    remove(): void;
}

export function strategyFolder(prefix: string): StrategyFolder {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    return {
        dir,
        write: (name, text) => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, text);
            return file;
        },
        remove: () => fs.rmSync(dir, { recursive: true, force: true })
    };
}

/** The StrategyRunError a run fails with; fails the test when it does not fail so. */
export async function rejection(promise: Promise<unknown>): Promise<StrategyRunError> {
    try {
        await promise;
    } catch (error) {
        expect(error).to.be.instanceOf(StrategyRunError);
        return error as StrategyRunError;
    }
    throw new Error('expected the run to fail');
}

/**
 * Deterministic synthetic trades from `t0`: one every `stepMicros`, a wave of period `wave` ticks plus steps, integer
 * sizes; in batches of `batchSize`.
 */
export function syntheticTrades(t0: bigint, count: number, batchSize: number, stepMicros: number, wave: number): TickBatch[] {
    const out: TickBatch[] = [];
    for (let at = 0; at < count; at += batchSize) {
        const n = Math.min(batchSize, count - at);
        const time = new BigInt64Array(n);
        const price = new Float64Array(n);
        const size = new Float64Array(n);
        for (let i = 0; i < n; i++) {
            const k = at + i;
            time[i] = t0 + BigInt(k * stepMicros);
            price[i] = Math.round((100 + 3 * Math.sin(k / wave) + (k % 7) * 0.01) * 100) / 100;
            size[i] = 1 + (k % 5);
        }
        out.push({ time, price, size });
    }
    return out;
}
