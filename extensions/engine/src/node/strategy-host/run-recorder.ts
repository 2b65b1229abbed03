// *****************************************************************************
// The values and log lines a strategy records during a run, kept as growing columns.
// *****************************************************************************

import { RecordedSeries, RunLogs } from './strategy-run-protocol';

/** Whether this machine stores numbers little-endian (what its Float64Arrays read back from a DataView's writes). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Columns of numbers that grow by doubling; `columns()` returns them trimmed to their length. Rows are written
 * through DataViews over the columns: in the strategy's locked-down worker (SES freezes %TypedArray%.prototype),
 * V8 20's typed-array element stores are ~30x slower, a DataView's are not.
 */
export class GrowingColumns {
    protected data: Float64Array[];
    protected views: DataView[];
    length = 0;

    constructor(width: number, capacity = 256) {
        if (width < 1 || width > 6) {
            throw new Error(`GrowingColumns: 1 to 6 columns, not ${width}`);
        }
        this.data = Array.from({ length: width }, () => new Float64Array(capacity));
        this.views = this.data.map(c => new DataView(c.buffer));
    }

    /** Appends a row (up to 6 columns; fixed parameters, no rest array per row). */
    push(v0: number, v1 = 0, v2 = 0, v3 = 0, v4 = 0, v5 = 0): void {
        const n = this.length;
        if (n === this.data[0].length) {
            this.grow();
        }
        const v = this.views;
        const w = v.length;
        const at = n * 8;
        v[0].setFloat64(at, v0, LITTLE_ENDIAN);
        if (w > 1) {
            v[1].setFloat64(at, v1, LITTLE_ENDIAN);
        }
        if (w > 2) {
            v[2].setFloat64(at, v2, LITTLE_ENDIAN);
        }
        if (w > 3) {
            v[3].setFloat64(at, v3, LITTLE_ENDIAN);
        }
        if (w > 4) {
            v[4].setFloat64(at, v4, LITTLE_ENDIAN);
        }
        if (w > 5) {
            v[5].setFloat64(at, v5, LITTLE_ENDIAN);
        }
        this.length = n + 1;
    }

    protected grow(): void {
        this.data = this.data.map(c => {
            const bigger = new Float64Array(c.length * 2);
            bigger.set(c);
            return bigger;
        });
        this.views = this.data.map(c => new DataView(c.buffer));
    }

    /** Copies of rows [from, length). */
    columns(from = 0): Float64Array[] {
        return this.data.map(c => c.slice(from, this.length));
    }
}

class GrowingSeries {
    time = new Float64Array(256);
    value = new Float64Array(256);
    length = 0;

    push(time: number, value: number): void {
        if (this.length === this.time.length) {
            const time2 = new Float64Array(this.length * 2);
            const value2 = new Float64Array(this.length * 2);
            time2.set(this.time);
            value2.set(this.value);
            this.time = time2;
            this.value = value2;
        }
        this.time[this.length] = time;
        this.value[this.length++] = value;
    }
}

export class RunRecorder {
    protected readonly series = new Map<string, GrowingSeries>();
    protected readonly logTimes = new GrowingSeries();
    protected readonly messages: string[] = [];

    record(name: string, time: number, value: number): void {
        if (typeof value !== 'number') {
            throw new TypeError(`record('${name}', ${String(value)}): the value must be a number.`);
        }
        let s = this.series.get(name);
        if (!s) {
            s = new GrowingSeries();
            this.series.set(name, s);
        }
        s.push(time, value);
    }

    log(time: number, message: string): void {
        this.logTimes.push(time, this.messages.length);
        this.messages.push(message);
    }

    /** The columns trimmed to their length, with the buffers to transfer. */
    finish(): { series: Record<string, RecordedSeries>; logs: RunLogs; transfer: ArrayBuffer[] } {
        const series: Record<string, RecordedSeries> = {};
        const transfer: ArrayBuffer[] = [];
        for (const [name, s] of this.series) {
            const time = s.time.slice(0, s.length);
            const value = s.value.slice(0, s.length);
            series[name] = { time, value };
            transfer.push(time.buffer, value.buffer);
        }
        const logTime = this.logTimes.time.slice(0, this.logTimes.length);
        transfer.push(logTime.buffer);
        return { series, logs: { time: logTime, message: this.messages }, transfer };
    }
}
