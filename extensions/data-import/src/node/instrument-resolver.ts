// *****************************************************************************
// The instrument of imported data: the request's, else the one the file names imply; created from the
// instrument catalog when new.
// *****************************************************************************

import { DatasetErrors, ImportRequest, Instrument, InstrumentSpec } from '../common/dataset-protocol';
import { ImpliedInstrument } from './format-detection';
import { SourceFile } from './import-sources';
import { InstrumentCatalog } from './instrument-catalog';
import { TickRepository } from '@backtestr/workspace-store/lib/node';

/**
 * The market a Lean data folder names: `<security type>/<market>/<resolution>/...` (`forex/fxcm/minute/eurusd/`,
 * `equity/usa/daily/spy.zip`), or undefined.
 */
export function venueFromPath(filePath: string): string | undefined {
    const m = /(?:^|[\\/])(?:equity|forex|cfd|future|futureoption|crypto|cryptofuture|index|indexoption|option)[\\/]([a-z0-9]+)[\\/](?:tick|second|minute|hour|daily)(?:[\\/]|$)/i
        .exec(filePath);
    return m ? m[1].toLowerCase() : undefined;
}

/**
 * The instrument of the data: the request's, else the one the file names imply; created from the catalog when new.
 * Its venue: the request's, else the market the file's folders name (a Lean data tree), else the preset's default.
 */
export async function resolveInstrument(repo: TickRepository, catalog: InstrumentCatalog, request: ImportRequest, fromFile: ImpliedInstrument | undefined,
    source: SourceFile, impliedTickSize?: number): Promise<Instrument> {
    const given = request.instrument;
    const pathVenue = venueFromPath(source.path);
    const implied = fromFile && pathVenue ? { ...fromFile, venue: pathVenue } : fromFile;
    const symbol = (given?.symbol ?? implied?.symbol)?.toUpperCase();
    if (!symbol) {
        throw DatasetErrors.InvalidOptions(`${source.label}: say which instrument this data is for`);
    }
    const venue = given?.venue ?? (given ? pathVenue : implied?.venue);
    const existing = await repo.findInstrument(symbol, venue);
    if (existing && (!given || given.tickSize === undefined || given.tickSize === existing.tickSize)) {
        return existing;
    }
    const fromCatalog = catalog.lookup(symbol, venue ?? implied?.venue, given?.assetClass ?? implied?.assetClass);
    const base: Partial<InstrumentSpec> = fromCatalog ?? {};
    const tickSize = given?.tickSize ?? base.tickSize ?? impliedTickSize;
    if (!tickSize) {
        throw DatasetErrors.UnknownInstrument(symbol);
    }
    const spec: InstrumentSpec = {
        symbol, venue: venue ?? base.venue ?? implied?.venue ?? 'default', assetClass: given?.assetClass ?? base.assetClass ?? implied?.assetClass ?? 'unknown',
        description: given?.description ?? base.description, tickSize,
        lotSize: given?.lotSize ?? base.lotSize ?? 1, multiplier: given?.multiplier ?? base.multiplier ?? 1,
        currency: given?.currency ?? base.currency ?? 'USD', timeZone: given?.timeZone ?? base.timeZone ?? 'UTC',
        session: given?.session ?? base.session ?? '24h'
    };
    return repo.upsertInstrument(spec);
}
