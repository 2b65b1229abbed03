import { ImportSession } from './import-session';
import { InstrumentCatalog } from './instrument-catalog';
import { TickRepository } from './tick-repository';

export function looksLikeFix(_data: Uint8Array): boolean { return false; }
export class FixImporter {
    constructor(readonly session: ImportSession, readonly repo: TickRepository, readonly catalog: InstrumentCatalog) { }
    async importFile(_label: string, _data: Buffer): Promise<void> { }
}
