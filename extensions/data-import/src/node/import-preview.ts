// *****************************************************************************
// The wizard's preview: detect a file's format and parse its first rows with the chosen (or
// detected) CSV options, without touching the database.
// *****************************************************************************

import { CsvFormatOptions, describeImportSource, ImportPreview, ImportSourceDescriptor, PreviewRequest } from '../common/dataset-protocol';
import { isBinaryTickFile } from './binary-tick-format';
import { detectPreset, sniffCsv } from './csv-presets';
import { looksLikeFix } from './fix-importer';
import { ImportSourceRegistry } from './import-source-registry';
import { expandSources, SourceFile } from './import-sources';
import { PriceGrid } from './price-grid';
import { isoFromMicros, TimeZone } from './time-zone';
import { previewSourceRows } from './source-importer';
import { dayFromFileName, TimestampParser } from './timestamp-parser';

/** Bytes of a file an import source previews: its head, cut after its last whole line. */
const SOURCE_PREVIEW_BYTES = 256 * 1024;

async function headOf(source: SourceFile, bytes: number): Promise<Buffer> {
    if (source.size <= bytes) {
        return source.load();
    }
    const pieces: Buffer[] = [];
    let n = 0;
    for await (const piece of source.stream()) {
        pieces.push(piece);
        n += piece.length;
        if (n >= bytes) {
            break;
        }
    }
    const head = Buffer.concat(pieces).subarray(0, bytes);
    const cut = head.lastIndexOf(10);
    return cut > 0 ? Buffer.from(head.subarray(0, cut + 1)) : Buffer.from(head);
}

/**
 * The preview with a chosen format or import source. A file an import source reads (chosen, or the only one
 * for its extension when the format is left to detection) is read by it: the whole file when small, else its
 * first 256 KiB of whole lines.
 */
export async function previewImport(request: PreviewRequest, sources: ImportSourceRegistry): Promise<ImportPreview> {
    const maxRows = request.maxRows ?? 20;
    const files = expandSources([request.path]);
    const file = files[0];
    let source: ImportSourceDescriptor | undefined;
    if (file && request.sourceId) {
        source = await sources.get(request.sourceId);
    } else if (file && !request.csv && (request.format ?? 'auto') === 'auto') {
        const matching = await sources.matching(file.entryName ?? file.path);
        if (matching.length > 1) {
            return {
                path: file.label, format: 'unknown', rawLines: [], rows: [],
                message: `Several import sources read such files (${matching.map(describeImportSource).join(', ')}): choose the format`
            };
        }
        source = matching[0];
    }
    if (!file || !source) {
        return previewFile(request.path, request.csv, maxRows);
    }
    const head = await headOf(file, SOURCE_PREVIEW_BYTES);
    const rawLines = head.toString('utf8', 0, Math.min(head.length, 64 * 1024)).split('\n').slice(0, maxRows + 1).map(l => l.replace(/\r$/, ''));
    const name = (file.entryName ?? file.path).split(/[\\/]/).pop() ?? file.label;
    const rows = await sources.read(source, file.label, { name, bytes: head });
    return previewSourceRows(file.label, source, rows, maxRows, rawLines);
}

/** Bytes of a file the preview reads (never the whole file: it may be large, or a zip bomb); a longer line is cut there. */
const PREVIEW_BYTES = 256 * 1024;

export async function previewFile(path: string, csv?: CsvFormatOptions, maxRows = 20): Promise<ImportPreview> {
    const sources = expandSources([path]);
    if (sources.length === 0) {
        return { path, format: 'unknown', rawLines: [], rows: [], message: 'No file to preview' };
    }
    const source = sources[0];
    const data = await source.head(PREVIEW_BYTES);
    if (isBinaryTickFile(data)) {
        return { path: source.label, format: 'binary', rawLines: [], rows: [], message: 'BackTestr binary tick file' };
    }
    const head = data.toString('utf8');
    let lines = head.split('\n').slice(0, maxRows + 1).map(l => l.replace(/\r$/, ''));
    if (data.length === PREVIEW_BYTES && lines.length < maxRows + 1) {
        // The last line read may be cut: shown only when it is the only one.
        lines = lines.length > 1 ? lines.slice(0, -1) : lines;
    }
    if (looksLikeFix(data)) {
        return { path: source.label, format: 'fix', rawLines: lines.map(l => l.replace(/\x01/g, '|')), rows: [] };
    }
    const detected = detectPreset(source.entryName ?? source.path, lines[0] ?? '');
    const options = csv ?? detected?.preset.format ?? sniffCsv(lines);
    if (!options) {
        return { path: source.label, format: 'unknown', rawLines: lines, rows: [], message: 'Could not recognise the format; choose the CSV options' };
    }
    const times = new TimestampParser(options.timestampFormat, TimeZone.of(options.timeZone));
    times.fileDay = dayFromFileName(source.entryName ?? source.path);
    const grid = new PriceGrid(1e-9, options.priceScale);
    const sizeGrid = new PriceGrid(1e-9, 0);
    const rows: ImportPreview['rows'][number][] = [];
    const c = options.columns;
    lines.forEach((text, i) => {
        if (!text || (options.header && i === 0) || rows.length >= maxRows) {
            return;
        }
        const fields = text.split(options.delimiter === '\\t' ? '\t' : options.delimiter);
        const buf = Buffer.from(text, 'utf8');
        const bounds: [number, number][] = [];
        let at = 0;
        for (const f of fields) {
            const len = Buffer.byteLength(f);
            bounds.push([at, at + len]);
            at += len + 1;
        }
        const values: Record<string, string | number> = {};
        const t = c.time < bounds.length
            ? (c.date !== undefined && c.date < bounds.length
                ? times.parse(buf, bounds[c.time][0], bounds[c.time][1], bounds[c.date][0], bounds[c.date][1])
                : times.parse(buf, bounds[c.time][0], bounds[c.time][1]))
            : NaN;
        if (t !== t) {
            rows.push({ line: i + 1, error: 'unparseable time' });
            return;
        }
        values.time = isoFromMicros(t);
        for (const key of ['price', 'size', 'bid', 'ask', 'bidSize', 'askSize', 'open', 'high', 'low', 'close', 'volume'] as const) {
            const index = c[key];
            if (index === undefined) {
                continue;
            }
            if (index >= bounds.length) {
                rows.push({ line: i + 1, error: `no field ${index + 1}` });
                return;
            }
            const g = key === 'size' || key === 'bidSize' || key === 'askSize' || key === 'volume' ? sizeGrid : grid;
            const v = g.parse(buf, bounds[index][0], bounds[index][1]);
            if (v !== v) {
                rows.push({ line: i + 1, error: `${key}: ${g.error}` });
                return;
            }
            values[key] = v / 1e9;
        }
        rows.push({ line: i + 1, values });
    });
    return { path: source.label, format: 'csv', presetId: csv ? undefined : detected?.preset.id, csv: options, rawLines: lines, rows };
}
