// *****************************************************************************
// Timestamps from the bytes of CSV fields -> UTC microseconds (NaN when unparseable, with `error` saying why
// when the text has the format's shape but names no storable instant: 2013-02-31, 24:00, :60, year 3000).
// Sub-microsecond digits (epoch-ns, long ISO fractions) are dropped toward the earlier microsecond (floor,
// before 1970 as after it): storage is int64 us. Only times in [MIN_TIME_US, MAX_TIME_US) parse.
// *****************************************************************************

import { TimestampFormat } from '../common/dataset-protocol';
import { digitsAt } from './price-grid';
import { MAX_TIME_US, MICROS_PER_DAY, MIN_TIME_US, TIME_RANGE_TEXT, TimeZone, daysFromCivil, isCivilDate, timeRangeError } from './time-zone';

const US_PER_S = 1_000_000;

/** `YYYYMMDD` in a file name (Lean daily files) -> local day number, or undefined. */
export function dayFromFileName(name: string): number | undefined {
    const base = name.split(/[\\/]/).pop() ?? name;
    const m = /(19|20)(\d{2})(\d{2})(\d{2})/.exec(base);
    if (!m) {
        return undefined;
    }
    const y = Number(m[1] + m[2]), mo = Number(m[3]), d = Number(m[4]);
    if (!isCivilDate(y, mo, d)) {
        return undefined;
    }
    return daysFromCivil(y, mo, d);
}

export class TimestampParser {
    /** Local day of `ms-since-midnight` times; set per file. */
    fileDay: number | undefined;
    /** Why the last `parse` or `fromInteger` returned NaN, when the field had the format's shape ('' otherwise). */
    error = '';

    constructor(readonly format: TimestampFormat, readonly zone: TimeZone) { }

    /** UTC micros of the field [s, e) (and, for `date+time`, the date field [ds, de)). */
    parse(buf: Uint8Array, s: number, e: number, ds = 0, de = 0): number {
        this.error = '';
        return this.inRange(this.parseField(buf, s, e, ds, de));
    }

    /** `t` when it is a storable time, else NaN (with `error` set when `t` is a number). */
    protected inRange(t: number): number {
        if (t >= MIN_TIME_US && t < MAX_TIME_US) {
            return t;
        }
        if (t === t) {
            this.error = timeRangeError(t);
        }
        return NaN;
    }

    protected parseField(buf: Uint8Array, s: number, e: number, ds: number, de: number): number {
        while (s < e && buf[s] === 32) {
            s++;
        }
        while (e > s && buf[e - 1] === 32) {
            e--;
        }
        switch (this.format) {
            case 'epoch-s': return this.epoch(buf, s, e, 6);
            case 'epoch-ms': return this.epoch(buf, s, e, 3);
            case 'epoch-us': return this.epoch(buf, s, e, 0);
            case 'epoch-ns': return this.epoch(buf, s, e, -3);
            case 'ms-since-midnight': {
                if (this.fileDay === undefined) {
                    return NaN;
                }
                // Whole milliseconds, optionally with a fraction (`43.142`: 43,142 us); digits below a microsecond
                // are dropped toward the earlier one, as for the other formats.
                let ms = 0, us = 0, scale = 100, digits = 0, point = false;
                for (let i = s; i < e; i++) {
                    const c = buf[i] - 48;
                    if (c >= 0 && c <= 9) {
                        if (!point) {
                            ms = ms * 10 + c;
                        } else if (scale >= 1) {
                            us += c * scale;
                            scale /= 10;
                        }
                        digits++;
                    } else if (buf[i] === 46 && !point) {
                        point = true;
                    } else {
                        return NaN;
                    }
                }
                if (digits === 0 || buf[e - 1] === 46 || buf[s] === 46) {
                    return NaN;
                }
                if (ms >= 86_400_000 + 3_600_000) {
                    return NaN;
                }
                return this.zone.toUtc(this.fileDay * MICROS_PER_DAY + ms * 1000 + us);
            }
            case 'yyyymmdd-hhmmss': {
                const day = this.date(buf, s, s + 8 <= e ? s + 8 : e);
                // `YYYYMMDD HHMMSS` (HistData) or `YYYYMMDD HH:MM[:SS]` (Lean hour and daily bars).
                if (day !== day || e - s < 14 || buf[s + 8] !== 32) {
                    return NaN;
                }
                const t = this.time(buf, s + 9, e);
                return t !== t ? NaN : this.zone.toUtc(day * MICROS_PER_DAY + t);
            }
            case 'date+time': {
                while (ds < de && buf[ds] === 32) {
                    ds++;
                }
                while (de > ds && buf[de - 1] === 32) {
                    de--;
                }
                const day = this.date(buf, ds, de);
                const t = this.time(buf, s, e);
                return day !== day || t !== t ? NaN : this.zone.toUtc(day * MICROS_PER_DAY + t);
            }
            case 'iso8601': return this.iso(buf, s, e);
        }
    }

    /**
     * UTC micros of a field that is a plain unsigned integer `value` (digits only, at most 2^53 - 1): what `parse`
     * gives for it, without reading its bytes again, for the integer formats; the others parse the field [s, e).
     */
    fromInteger(value: number, buf: Uint8Array, s: number, e: number): number {
        this.error = '';
        switch (this.format) {
            case 'epoch-s': return this.inRange(value * 1_000_000);
            case 'epoch-ms': return this.inRange(value * 1000);
            case 'epoch-us': return this.inRange(value);
            case 'ms-since-midnight':
                if (this.fileDay === undefined || value >= 86_400_000 + 3_600_000) {
                    return NaN;
                }
                return this.inRange(this.zone.toUtc(this.fileDay * MICROS_PER_DAY + value * 1000));
            default: return this.parse(buf, s, e);
        }
    }

    /** Integer (optionally with a fraction) x 10^shift, digits below a microsecond dropped toward the earlier one. */
    protected epoch(buf: Uint8Array, s: number, e: number, shift: number): number {
        let v = 0, frac = 0, fracDigits = 0, digits = 0, point = false, dropped = false;
        const negative = s < e && buf[s] === 45;
        let i = negative ? s + 1 : s;
        // The integer part's last -shift digits (epoch-ns) are below a microsecond.
        let intEnd = i;
        while (intEnd < e && buf[intEnd] !== 46) {
            intEnd++;
        }
        const limit = shift < 0 ? intEnd + shift : intEnd;
        for (; i < e; i++) {
            const c = buf[i] - 48;
            if (c >= 0 && c <= 9) {
                if (point) {
                    if (fracDigits < shift) {
                        frac = frac * 10 + c;
                        fracDigits++;
                    } else if (c !== 0) {
                        dropped = true;
                    }
                } else if (i < limit) {
                    v = v * 10 + c;
                } else if (c !== 0) {
                    dropped = true;
                }
                digits++;
            } else if (buf[i] === 46 && !point) {
                point = true;
            } else {
                return NaN;
            }
        }
        if (digits === 0) {
            return NaN;
        }
        let us = shift >= 0 ? v * 10 ** shift + frac * 10 ** (shift - fracDigits) : v;
        if (negative) {
            us = dropped ? -us - 1 : -us;
        }
        if (!Number.isSafeInteger(us)) {
            this.error = TIME_RANGE_TEXT;
            return NaN;
        }
        return us;
    }

    /** `YYYYMMDD`, `YYYY-MM-DD`, `YYYY/MM/DD`, `MM/DD/YYYY` -> day number. */
    protected date(buf: Uint8Array, s: number, e: number): number {
        const n = e - s;
        let y: number, m: number, d: number;
        if (n === 8) {
            y = digitsAt(buf, s, 4); m = digitsAt(buf, s + 4, 2); d = digitsAt(buf, s + 6, 2);
        } else if (n === 10 && (buf[s + 4] === 45 || buf[s + 4] === 47) && buf[s + 7] === buf[s + 4]) {
            y = digitsAt(buf, s, 4); m = digitsAt(buf, s + 5, 2); d = digitsAt(buf, s + 8, 2);
        } else if (n === 10 && buf[s + 2] === 47 && buf[s + 5] === 47) {
            m = digitsAt(buf, s, 2); d = digitsAt(buf, s + 3, 2); y = digitsAt(buf, s + 6, 4);
        } else {
            return NaN;
        }
        if (y < 0 || m < 0 || d < 0) {
            return NaN;
        }
        if (!isCivilDate(y, m, d)) {
            this.error = `no such date ${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
            return NaN;
        }
        return daysFromCivil(y, m, d);
    }

    /** `HHMMSS[.f]` or `HH:MM[:SS[.f]]` -> micros since midnight. */
    protected time(buf: Uint8Array, s: number, e: number): number {
        let h: number, mi: number, sec = 0, i: number;
        if (e - s >= 5 && buf[s + 2] === 58) {
            h = digitsAt(buf, s, 2); mi = digitsAt(buf, s + 3, 2); i = s + 5;
            if (i < e && buf[i] === 58) {
                sec = digitsAt(buf, i + 1, 2);
                i += 3;
                if (i > e) {
                    return NaN;
                }
            }
        } else if (e - s >= 6) {
            h = digitsAt(buf, s, 2); mi = digitsAt(buf, s + 2, 2); sec = digitsAt(buf, s + 4, 2); i = s + 6;
        } else {
            return NaN;
        }
        if (h < 0 || mi < 0 || sec < 0) {
            return NaN;
        }
        // No 24:00 (the next day's 00:00) and no leap second: a time of day is 00:00:00 to 23:59:59.999999.
        if (h > 23 || mi > 59 || sec > 59) {
            this.error = h > 23 ? `hour ${h} out of range` : mi > 59 ? `minute ${mi} out of range` : `second ${sec} out of range`;
            return NaN;
        }
        let us = (h * 3600 + mi * 60 + sec) * US_PER_S;
        if (i < e) {
            if (buf[i] !== 46 && buf[i] !== 44) {
                return NaN;
            }
            i++;
            let scale = 100_000, digits = 0;
            for (; i < e; i++) {
                const c = buf[i] - 48;
                if (c < 0 || c > 9) {
                    return NaN;
                }
                us += c * scale;
                scale /= 10;
                digits++;
                if (scale < 1) {
                    scale = 0;
                }
            }
            if (digits === 0) {
                return NaN;
            }
            us = Math.floor(us);
        }
        return us;
    }

    protected iso(buf: Uint8Array, s: number, e: number): number {
        if (e - s < 16) {
            return NaN;
        }
        const day = this.date(buf, s, s + 10);
        if (day !== day || (buf[s + 10] !== 84 && buf[s + 10] !== 32 && buf[s + 10] !== 116)) {
            return NaN;
        }
        // Zone designator: Z, or +HH[:MM] / -HH[:MM] after the time.
        let zoneStart = e;
        let offsetUs: number | undefined;
        if (buf[e - 1] === 90 || buf[e - 1] === 122) {
            zoneStart = e - 1;
            offsetUs = 0;
        } else {
            for (let i = e - 1; i > s + 13; i--) {
                if (buf[i] === 43 || buf[i] === 45) {
                    const hh = digitsAt(buf, i + 1, 2);
                    let mm = 0;
                    if (e - i === 6 && buf[i + 3] === 58) {
                        mm = digitsAt(buf, i + 4, 2);
                    } else if (e - i === 5) {
                        mm = digitsAt(buf, i + 3, 2);
                    } else if (e - i !== 3) {
                        return NaN;
                    }
                    if (hh < 0 || mm < 0) {
                        return NaN;
                    }
                    if (hh > 23 || mm > 59) {
                        this.error = `zone offset ${String.fromCharCode(buf[i])}${hh}:${mm} out of range`;
                        return NaN;
                    }
                    offsetUs = (buf[i] === 45 ? -1 : 1) * (hh * 3600 + mm * 60) * US_PER_S;
                    zoneStart = i;
                    break;
                }
            }
        }
        const t = this.time(buf, s + 11, zoneStart);
        if (t !== t) {
            return NaN;
        }
        const local = day * MICROS_PER_DAY + t;
        return offsetUs === undefined ? this.zone.toUtc(local) : local - offsetUs;
    }
}
