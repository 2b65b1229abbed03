// *****************************************************************************
// The selected run at the replay cursor: the decision panel (its order events at and before the
// cursor, with their reasons, and its strategy log) and the fills and trade segments drawn.
// *****************************************************************************

import { upperBound } from '../common/bar-math';
import { ReplayFrame } from '../common/replay-protocol';
import { RunOverlay } from '../common/run-overlay-protocol';
import { eventsAtTick, eventsKnownAt, tradeSegmentsAt } from '../common/run-overlay-math';
import { FillMark } from './chart-panel';

/**
 * Fills the decision panel `d` for the cursor `f`: the run's order events at and before it (run ticks start at
 * the dataset tick `runFirstTick`) and its strategy log; without a run, what to choose (`hasRuns`: runs to choose from).
 */
export function renderDecisions(d: HTMLElement, f: ReplayFrame | undefined, o: RunOverlay | undefined, runFirstTick: number, hasRuns: boolean): void {
    d.textContent = '';
    const add = (className: string, text: string, testId?: string): HTMLDivElement => {
        const el = document.createElement('div');
        el.className = className;
        el.textContent = text;
        if (testId) {
            el.dataset.testid = testId;
        }
        d.append(el);
        return el;
    };
    add('backtestr-decision-title', 'Decisions at the cursor');
    add('backtestr-muted', f ? `tick ${f.tickIndex + 1}, ${new Date(f.time / 1000).toISOString()}, price ${Number(f.price.toPrecision(10))}` : 'No cursor yet.');
    if (!o || !f) {
        add('backtestr-muted', hasRuns
            ? 'Choose a run above to list its order events and their reasons here.'
            : 'No stored run of this instrument: run a backtest to see its order events and reasons here.');
        return;
    }
    const e = o.events;
    const line = (i: number): string => {
        const price = Number.isFinite(e.price[i]) ? ` @ ${Number(e.price[i].toPrecision(10))}` : '';
        const tag = o.eventTags[i] ? ` (${o.eventTags[i]})` : '';
        return `${new Date(e.time[i] / 1000).toISOString().slice(11, 23)} order ${e.order[i]} ${e.kind[i]} ${e.reason[i]}${price} qty ${e.qty[i]}${tag}`;
    };
    const here = eventsAtTick(e, f.tickIndex - runFirstTick, f.time);
    add('backtestr-decision-subtitle', here.length ? 'At this tick' : 'No order event at this tick');
    for (const i of here) {
        add('backtestr-decision-event backtestr-decision-here', line(i), 'decision-event');
    }
    const known = eventsKnownAt(e, f.tickIndex - runFirstTick, f.time);
    if (known > 0) {
        add('backtestr-decision-subtitle', 'Before');
        for (let i = known - 1; i >= Math.max(0, known - 10); i--) {
            if (!here.includes(i)) {
                add('backtestr-decision-event', line(i));
            }
        }
    }
    const logs = upperBound(o.logs.time, f.time);
    if (logs > 0) {
        add('backtestr-decision-subtitle', 'Strategy log');
        for (let i = logs - 1; i >= Math.max(0, logs - 5); i--) {
            add('backtestr-decision-event', `${new Date(o.logs.time[i] / 1000).toISOString().slice(11, 23)} ${o.logs.message[i]}`);
        }
    }
}

/** Fills and trade segments of the run `o` known at the cursor (run ticks start at the dataset tick `runFirstTick`). */
export function runOverlayAt(o: RunOverlay | undefined, runFirstTick: number, frame: ReplayFrame): { fills: FillMark[]; segments: ReturnType<typeof tradeSegmentsAt> } {
    if (!o) {
        return { fills: [], segments: [] };
    }
    const e = o.events;
    const fills: FillMark[] = [];
    const known = eventsKnownAt(e, frame.tickIndex - runFirstTick, frame.time);
    for (let i = 0; i < known; i++) {
        if (e.kind[i] === 'filled') {
            const before = i > 0 ? e.position[i - 1] : 0;
            const side = e.position[i] > before ? 1 : -1;
            fills.push({ time: e.time[i], price: e.price[i], side, text: `${side > 0 ? 'B' : 'S'} ${e.qty[i]} ${e.reason[i]}` });
        }
    }
    const knownTime = known > 0 ? e.time[known - 1] : -Infinity;
    return { fills, segments: tradeSegmentsAt(o.trades, knownTime, frame.time, frame.price) };
}
