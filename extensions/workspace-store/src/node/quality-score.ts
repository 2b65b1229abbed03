// *****************************************************************************
// The dataset-level quality score: the mean of the daily scores, lowered for quarantined rows that
// have no usable time and so no day to count against (shared by the quality report and listDatasets).
// *****************************************************************************

/**
 * Quarantined rows without a usable time, per dataset: rows of the dataset, plus rows no instrument could be
 * assigned to (a FIX message with a bad checksum) in imports that wrote the dataset. Columns instrument_id, kind, n.
 */
export const UNTIMED_QUARANTINE_SQL = `SELECT f.instrument_id, f.kind, count(*) AS n
    FROM quarantine q JOIN (SELECT DISTINCT import_id, instrument_id, kind FROM import_files) f
      ON q.import_id = f.import_id AND (q.instrument_id = f.instrument_id AND q.kind = f.kind OR q.instrument_id IS NULL)
    WHERE q.time_us IS NULL GROUP BY ALL`;

/** The dataset score: the mean daily score, lowered for quarantined rows that have no day to count against. */
export function datasetScore(meanDayScore: number, untimed: number, ticks: number, quarantined: number): number {
    const n = Math.max(ticks + quarantined, 1);
    const score = Math.max(0, meanDayScore - 40 * Math.min(1, 100 * untimed / n));
    return Math.round(score * 10) / 10;
}
