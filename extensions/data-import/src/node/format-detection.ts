// *****************************************************************************
// Format detection of an import's files: CSV, FIX or binary ticks (from the request, else the bytes),
// and a CSV file's options (the request's, else the preset its name and first line match).
// *****************************************************************************

import { CsvFormatOptions, DatasetErrors, ImportRequest } from '../common/dataset-protocol';
import { isBinaryTickFile } from './binary-tick-format';
import { detectPreset, impliedByName, preset as presetById } from './csv-presets';
import { looksLikeFix } from './fix-importer';
import { isParquetFile } from './parquet-importer';
import { SourceFile } from './import-sources';

/** The format of an import's files: a built-in one, or read by a contributed import source. */
export type InputFormat = 'csv' | 'fix' | 'binary' | 'parquet' | 'source';

/** The instrument a file's name implies (a preset's naming convention). */
export interface ImpliedInstrument { symbol: string; venue: string; assetClass: string }

/** The first line of a file's bytes (at most 4 KB), without a UTF-8 byte order mark. */
export function firstLine(buf: Buffer): string {
    const end = buf.indexOf(10);
    const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    return buf.toString('utf8', bom, end < 0 ? Math.min(buf.length, 4096) : Math.min(end, 4096));
}

/** The format of a file: the request's, else CSV when CSV options or a preset are given, else what its first bytes look like. */
export function detectFormat(request: ImportRequest, data: Buffer): InputFormat {
    if (request.format && request.format !== 'auto') {
        return request.format;
    }
    if (request.csv || request.presetId) {
        return 'csv';
    }
    if (isBinaryTickFile(data) || request.binaryLayout) {
        return 'binary';
    }
    if (looksLikeFix(data)) {
        return 'fix';
    }
    // What `backtestr export ... parquet` writes (parquet-importer.ts).
    if (isParquetFile(data)) {
        return 'parquet';
    }
    return 'csv';
}

/** The CSV options of a file, the preset they come from, and the instrument its name implies. */
export function csvOptions(request: ImportRequest, source: SourceFile, data: Buffer): { csv: CsvFormatOptions; id?: string; implied?: ImpliedInstrument } {
    const name = source.entryName ?? source.path;
    const detected = detectPreset(name, firstLine(data)) ?? (request.presetId ? impliedByName(request.presetId, name) : undefined);
    if (request.csv) {
        return { csv: request.csv, implied: detected?.instrument };
    }
    if (request.presetId) {
        const p = presetById(request.presetId);
        return { csv: p.format, id: p.id, implied: detected?.preset.id === p.id ? detected.instrument : undefined };
    }
    if (!detected) {
        throw DatasetErrors.FormatMismatch(source.label, `is not in a format BackTestr recognises on its own (first line: "${firstLine(data).slice(0, 120)}"); choose the CSV options`);
    }
    return { csv: detected.preset.format, id: detected.preset.id, implied: detected.instrument };
}
