// *****************************************************************************
// The wizard's preview: detect a file's format and parse its first rows with the chosen (or
// detected) CSV options, without touching the database.
// *****************************************************************************

import { CsvFormatOptions, ImportPreview } from '../common/dataset-protocol';
import { isBinaryTickFile } from './binary-tick-format';
import { detectPreset, sniffCsv } from './csv-presets';
import { looksLikeFix } from './fix-importer';
import { expandSources } from './import-sources';
import { PriceGrid } from './price-grid';
import { isoFromMicros, TimeZone } from './time-zone';
import { dayFromFileName, TimestampParser } from './timestamp-parser';

export function previewFile(path: string, csv?: CsvFormatOptions, maxRows = 20): ImportPreview {
    const sources = expandSources([path]);
    if (sources.length === 0) {
        return { path, format: 'unknown', rawLines: [], rows: [], message: 'No file to preview' };
    }
    const source = sources[0];
    const data = source.load();
    if (isBinaryTickFile(data)) {
        return { path: source.label, format: 'binary', rawLines: [], rows: [], message: 'BackTestr binary tick file' };
    }
    const head = data.toString('utf8', 0, Math.min(data.length, 256 * 1024));
    const lines = head.split('\n').slice(0, maxRows + 1).map(l => l.replace(/\r$/, ''));
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
