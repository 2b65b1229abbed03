import { Instrument, InstrumentSpec } from '../common/dataset-protocol';
import { ImportSession } from './import-session';
import { TickRepository } from './tick-repository';

export function isBinaryTickFile(_data: Uint8Array): boolean { return false; }
export class BinaryTickImporter {
    constructor(readonly session: ImportSession, readonly repo: TickRepository, readonly instrument: Instrument, readonly given?: Partial<InstrumentSpec>) { }
    async importFile(_label: string, _data: Buffer): Promise<void> { }
}
