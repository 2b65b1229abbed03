// *****************************************************************************
// The values and log lines a strategy records during a run, kept as growing columns.
// *****************************************************************************

import { RecordedSeries, RunLogs } from './strategy-run-protocol';

/** Columns of numbers that grow by doubling; `columns()` returns them trimmed to their length. */
export class GrowingColumns {
    protected data: Float64Array[];
    length = 0;

    constructor(width: number, capacity = 256) {
        this.data = Array.from({ length: width }, () => new Float64Array(capacity));
    }

    push(...values: number[]): void {
        if (this.length === this.data[0].length) {
            this.data = this.data.map(c => {
                const bigger = new Float64Array(c.length * 2);
                bigger.set(c);
                return bigger;
            });
        }
        for (let c = 0; c < this.data.length; c++) {
            this.data[c][this.length] = values[c];
        }
        this.length++;
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
