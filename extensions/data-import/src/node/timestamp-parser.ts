// *****************************************************************************
// Timestamps from the bytes of CSV fields -> UTC microseconds (NaN when unparseable).
// Sub-microsecond digits (epoch-ns, long ISO fractions) are truncated: storage is int64 us.
// *****************************************************************************

import { TimestampFormat } from '../common/dataset-protocol';
import { digitsAt } from './price-grid';
import { MICROS_PER_DAY, TimeZone, daysFromCivil } from './time-zone';

const US_PER_S = 1_000_000;

/** `YYYYMMDD` in a file name (Lean daily files) -> local day number, or undefined. */
export function dayFromFileName(name: string): number | undefined {
    const base = name.split(/[\\/]/).pop() ?? name;
    const m = /(19|20)(\d{2})(\d{2})(\d{2})/.exec(base);
    if (!m) {
        return undefined;
    }
    const y = Number(m[1] + m[2]), mo = Number(m[3]), d = Number(m[4]);
    if (mo < 1 || mo > 12 || d < 1 || d > 31) {
        return undefined;
    }
    return daysFromCivil(y, mo, d);
}

export class TimestampParser {
    /** Local day of `ms-since-midnight` times; set per file. */
    fileDay: number | undefined;

    constructor(readonly format: TimestampFormat, readonly zone: TimeZone) { }

    /** UTC micros of the field [s, e) (and, for `date+time`, the date field [ds, de)). */
    parse(buf: Uint8Array, s: number, e: number, ds = 0, de = 0): number {
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
                let ms = 0;
                if (s === e) {
                    return NaN;
                }
                for (let i = s; i < e; i++) {
                    const c = buf[i] - 48;
                    if (c < 0 || c > 9) {
                        return NaN;
                    }
                    ms = ms * 10 + c;
                }
                if (ms >= 86_400_000 + 3_600_000) {
                    return NaN;
                }
                return this.zone.toUtc(this.fileDay * MICROS_PER_DAY + ms * 1000);
            }
            case 'yyyymmdd-hhmmss': {
                const day = this.date(buf, s, s + 8 <= e ? s + 8 : e);
                if (day !== day || e - s < 15 || buf[s + 8] !== 32) {
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
        switch (this.format) {
            case 'epoch-s': return this.scaled(value, 1_000_000);
            case 'epoch-ms': return this.scaled(value, 1000);
            case 'epoch-us': return value;
            case 'ms-since-midnight':
                if (this.fileDay === undefined || value >= 86_400_000 + 3_600_000) {
                    return NaN;
                }
                return this.zone.toUtc(this.fileDay * MICROS_PER_DAY + value * 1000);
            default: return this.parse(buf, s, e);
        }
    }

    protected scaled(value: number, factor: number): number {
        const us = value * factor;
        return Number.isSafeInteger(us) ? us : NaN;
    }

    /** Integer (optionally with a fraction) x 10^shift. */
    protected epoch(buf: Uint8Array, s: number, e: number, shift: number): number {
        let v = 0, frac = 0, fracDigits = 0, digits = 0, point = false;
        const negative = s < e && buf[s] === 45;
        let i = negative ? s + 1 : s;
        const limit = shift < 0 ? e + shift : e;
        for (; i < e; i++) {
            const c = buf[i] - 48;
            if (c >= 0 && c <= 9) {
                if (point) {
                    if (fracDigits < shift) {
                        frac = frac * 10 + c;
                        fracDigits++;
                    }
                } else if (i < limit) {
                    v = v * 10 + c;
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
            us = -us;
        }
        return Number.isSafeInteger(us) ? us : NaN;
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
        if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) {
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
        if (h < 0 || h > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 60) {
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
