// *****************************************************************************
// Worker thread of the FIX import: scans one piece of a file in shared memory (messages split, BodyLength
// and CheckSum checked, market data entries extracted: see fix-scanner) while the importing thread applies
// the pieces before it in file order. The scan's arrays are in shared memory: they go back without a copy,
// and come back with a later piece to be filled again.
// *****************************************************************************

import { parentPort } from 'worker_threads';
import { FixScan, FixScanner } from './fix-scanner';

/** Scan the messages starting in bytes [from, to) of `data` (the whole file, in a SharedArrayBuffer: not copied). */
export interface FixParseJob {
    readonly id: number;
    readonly data: Uint8Array;
    readonly from: number;
    readonly to: number;
    readonly delimiter: number;
    /** A scan of this worker's the importing thread is done with: its arrays are filled again. */
    readonly into?: FixScan;
}

export interface FixParseResult {
    readonly id: number;
    readonly scan?: FixScan;
    readonly error?: string;
}

const scanner = new FixScanner(true);

parentPort?.on('message', (job: FixParseJob) => {
    let scan: FixScan;
    try {
        scan = scanner.scanRange(Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength), job.from, job.to, job.delimiter, job.into);
    } catch (error) {
        parentPort!.postMessage({ id: job.id, error: String((error as Error)?.stack ?? error) } satisfies FixParseResult);
        return;
    }
    // The arrays are in shared memory: posted without a copy or a transfer.
    parentPort!.postMessage({ id: job.id, scan } satisfies FixParseResult);
});
