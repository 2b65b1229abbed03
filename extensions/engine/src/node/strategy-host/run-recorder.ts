// *****************************************************************************
// The values and log lines a strategy records during a run, kept as growing columns.
// *****************************************************************************

import { RecordedSeries, RunLogs } from './strategy-run-protocol';

/** Columns of numbers that grow by doubling; `columns()` returns them trimmed to their length. */
export class GrowingColumns {
    protected data: Float64Array[];
    length = 0;

    constructor(width: number, capacity = 256) {
        if (width < 1 || width > 6) {
            throw new Error(`GrowingColumns: 1 to 6 columns, not ${width}`);
        }
        this.data = Array.from({ length: width }, () => new Float64Array(capacity));
    }

    /** Appends a row (up to 6 columns; fixed parameters, no rest array per row). */
    push(v0: number, v1 = 0, v2 = 0, v3 = 0, v4 = 0, v5 = 0): void {
        const n = this.length;
        const d = this.data;
        if (n === d[0].length) {
            this.grow();
        }
        const w = d.length;
        this.data[0][n] = v0;
        if (w > 1) {
            this.data[1][n] = v1;
        }
        if (w > 2) {
            this.data[2][n] = v2;
        }
        if (w > 3) {
            this.data[3][n] = v3;
        }
        if (w > 4) {
            this.data[4][n] = v4;
        }
        if (w > 5) {
            this.data[5][n] = v5;
        }
        this.length = n + 1;
    }

    protected grow(): void {
        this.data = this.data.map(c => {
            const bigger = new Float64Array(c.length * 2);
            bigger.set(c);
            return bigger;
        });
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
