// Helpers of the store's tests and of the packages' tests that build on it: temporary folders and
// workspace databases (written to os.tmpdir()), and a test instrument.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Instrument } from '../../common/workspace-store-protocol';
import { TickRepository } from '../tick-repository';
import { WorkspaceDatabase } from '../workspace-database';

export function tempDir(prefix = 'backtestr-test-'): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function tempDatabase(dir = tempDir()): Promise<WorkspaceDatabase> {
    return WorkspaceDatabase.open(path.join(dir, 'workspace.duckdb'));
}

/** Stores the test instrument TEST@X (equity, tick 0.01, UTC, around the clock). */
export function testInstrument(repo: TickRepository): Promise<Instrument> {
    return repo.upsertInstrument({
        symbol: 'TEST', venue: 'X', assetClass: 'equity', tickSize: 0.01, lotSize: 1, multiplier: 1, currency: 'USD', timeZone: 'UTC', session: '24x7'
    });
}
