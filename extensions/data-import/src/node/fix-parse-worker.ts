// *****************************************************************************
// Worker thread of the FIX import: scans one piece of a file in shared memory (messages split, BodyLength
// and CheckSum checked, market data entries extracted: see fix-scanner) while the importing thread applies
// the pieces before it in file order. The scan goes back with its buffers transferred, not copied.
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
}

export interface FixParseResult {
    readonly id: number;
    readonly scan?: FixScan;
    readonly error?: string;
}

const scanner = new FixScanner();

parentPort?.on('message', (job: FixParseJob) => {
    let scan: FixScan;
    try {
        scan = scanner.scanRange(Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength), job.from, job.to, job.delimiter);
    } catch (error) {
        parentPort!.postMessage({ id: job.id, error: String((error as Error)?.stack ?? error) });
        return;
    }
    const transfer = [scan.start, scan.end, scan.kind, scan.entryEnd, scan.symbolEnd, scan.symbolRef, scan.entryFlags, scan.entrySymbol,
        scan.time, scan.price, scan.priceDecimals, scan.size, scan.sizeDecimals].map(a => a.buffer as ArrayBuffer);
    parentPort!.postMessage({ id: job.id, scan } satisfies FixParseResult, transfer);
});
