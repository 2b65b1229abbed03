// *****************************************************************************
// The chart view's toolbar: the instrument (tick dataset) and run lists, the layout buttons, the
// "link zoom/scroll" box and the status line. Plain DOM; the chart view owns the state through
// the callbacks.
// *****************************************************************************

import { DatasetKey, DatasetSummary } from '@backtestr/workspace-store';
import { ChartLayoutKind } from '../common/chart-protocol';
import { RunSummary } from '../common/run-overlay-protocol';

/** What the toolbar's controls ask of the chart view. */
export interface ChartToolbarActions {
    /** An instrument was chosen in the list. */
    openDataset(dataset: DatasetKey): void;
    /** A run was chosen in the list (undefined: no run overlay). */
    selectRun(runId: string | undefined): void;
    setLayout(kind: ChartLayoutKind): void;
    /** The "link zoom/scroll" box was checked or cleared. */
    setLinkTimeScales(link: boolean): void;
}

/** The toolbar above the chart view's panels (its `node`), built once; the view fills its lists. */
export class ChartToolbar {

    readonly node: HTMLDivElement;
    readonly datasetSelect: HTMLSelectElement;
    readonly runSelect: HTMLSelectElement;
    readonly linkBox: HTMLInputElement;
    readonly statusNode: HTMLSpanElement;

    constructor(actions: ChartToolbarActions) {
        this.node = document.createElement('div');
        this.node.className = 'backtestr-chart-toolbar';
        this.datasetSelect = document.createElement('select');
        this.datasetSelect.className = 'theia-select';
        this.datasetSelect.dataset.testid = 'chart-dataset';
        this.datasetSelect.title = 'Instrument (tick dataset)';
        this.datasetSelect.addEventListener('change', () => {
            const [id, kind] = this.datasetSelect.value.split(':');
            if (id) {
                actions.openDataset({ instrumentId: Number(id), kind: kind as DatasetKey['kind'] });
            }
        });
        const layouts = document.createElement('span');
        layouts.className = 'backtestr-chart-layouts';
        for (const kind of [6, 4, 2, 1] as ChartLayoutKind[]) {
            const b = document.createElement('button');
            b.className = 'theia-button secondary';
            b.textContent = String(kind);
            b.title = `${kind} panel${kind > 1 ? 's' : ''}`;
            b.dataset.testid = `chart-layout-${kind}`;
            b.addEventListener('click', () => actions.setLayout(kind));
            layouts.append(b);
        }
        const link = document.createElement('label');
        link.className = 'backtestr-chart-link';
        this.linkBox = document.createElement('input');
        this.linkBox.type = 'checkbox';
        this.linkBox.dataset.testid = 'chart-link';
        this.linkBox.addEventListener('change', () => actions.setLinkTimeScales(this.linkBox.checked));
        link.append(this.linkBox, document.createTextNode(' link zoom/scroll'));
        this.statusNode = document.createElement('span');
        this.statusNode.className = 'backtestr-muted backtestr-chart-status';
        this.statusNode.dataset.testid = 'chart-status';
        this.runSelect = document.createElement('select');
        this.runSelect.className = 'theia-select';
        this.runSelect.dataset.testid = 'chart-run';
        this.runSelect.title = 'Run whose fills, trades and decisions are shown';
        this.runSelect.addEventListener('change', () => actions.selectRun(this.runSelect.value || undefined));
        this.node.append(this.datasetSelect, this.runSelect, layouts, link, this.statusNode);
    }

    /** Shows `text` in the status line. */
    status(text: string): void {
        this.statusNode.textContent = text;
    }

    /** Lists the tick datasets, `selected` chosen (none when undefined). */
    showDatasets(list: readonly DatasetSummary[], selected: DatasetKey | undefined): void {
        this.datasetSelect.textContent = '';
        const none = document.createElement('option');
        none.value = '';
        none.textContent = list.length ? 'Choose an instrument…' : 'No tick datasets: import data first';
        this.datasetSelect.append(none);
        for (const d of list) {
            const o = document.createElement('option');
            o.value = `${d.instrumentId}:${d.kind}`;
            o.textContent = `${d.symbol} ${d.kind} (${d.tickCount.toLocaleString()} ${d.kind === 'bars' ? `${d.timeframe ?? ''} bars` : 'ticks'})`;
            this.datasetSelect.append(o);
        }
        this.selectDataset(selected);
    }

    /** Shows `dataset` as the chosen instrument (none when undefined). */
    selectDataset(dataset: DatasetKey | undefined): void {
        this.datasetSelect.value = dataset ? `${dataset.instrumentId}:${dataset.kind}` : '';
    }

    /** Lists the runs of the instrument, `selected` chosen (no run overlay when undefined or not listed). */
    showRuns(list: readonly RunSummary[], selected: string | undefined): void {
        this.runSelect.textContent = '';
        const none = document.createElement('option');
        none.value = '';
        none.textContent = list.length ? 'No run overlay' : 'No runs';
        this.runSelect.append(none);
        for (const r of list) {
            const o = document.createElement('option');
            o.value = r.id;
            o.textContent = `${r.label} (${r.trades} trades)`;
            this.runSelect.append(o);
        }
        this.selectRun(selected !== undefined && list.some(r => r.id === selected) ? selected : undefined);
    }

    /** Shows `runId` as the chosen run (no run overlay when undefined). */
    selectRun(runId: string | undefined): void {
        this.runSelect.value = runId ?? '';
    }
}
