// *****************************************************************************
// A panel's indicator controls: the "+ indicator" list (built-in and plugins' indicators) and one
// chip per indicator on the panel with its options as `name=value` text (Enter applies) and a remove button.
// Plain DOM; the chart view owns the state through the callbacks.
// *****************************************************************************

import { PanelIndicator, formatIndicatorOptions, parseIndicatorOptions } from '../common/indicator-math';
import { IndicatorChoice } from './panel-overlays';

/** Fills the "+ indicator" list with the current choices, keeping what is selected. */
export function fillIndicatorPicker(select: HTMLSelectElement, choices: readonly IndicatorChoice[]): void {
    const value = select.value;
    select.textContent = '';
    const head = document.createElement('option');
    head.value = '';
    head.textContent = '+ indicator';
    select.append(head);
    for (const c of choices) {
        const o = document.createElement('option');
        o.value = c.id;
        o.textContent = c.plugin ? `${c.label} (plugin)` : c.label;
        select.append(o);
    }
    select.value = value;
}

export function createIndicatorPicker(panel: number, onOpen: () => void, onPick: (id: string) => void): HTMLSelectElement {
    const select = document.createElement('select');
    select.className = 'theia-select backtestr-chart-panel-indicator';
    select.dataset.testid = `panel-indicator-${panel}`;
    select.title = 'Add an indicator (built-in or from a plugin) to this panel';
    fillIndicatorPicker(select, []);
    // the plugins' indicators change while the view is open: listed afresh when the user opens the list
    select.addEventListener('mousedown', onOpen);
    select.addEventListener('focus', onOpen);
    select.addEventListener('change', () => {
        const id = select.value;
        select.value = '';
        if (id) {
            onPick(id);
        }
    });
    return select;
}

export interface IndicatorChipActions {
    change(index: number, indicator: PanelIndicator): void;
    remove(index: number): void;
    error(message: string): void;
}

/** One chip per indicator of a panel. */
export function renderIndicatorChips(chips: HTMLElement, indicators: readonly PanelIndicator[], choices: readonly IndicatorChoice[], actions: IndicatorChipActions): void {
    chips.textContent = '';
    indicators.forEach((ind, k) => {
        const chip = document.createElement('span');
        chip.className = 'backtestr-chart-indicator-chip';
        chip.dataset.testid = 'indicator-chip';
        const label = choices.find(c => c.id === ind.id)?.label ?? ind.id;
        const options = document.createElement('input');
        options.className = 'theia-input backtestr-chart-indicator-options';
        options.value = formatIndicatorOptions(ind.options);
        options.title = `${label}: options as name=value, Enter to apply`;
        options.dataset.testid = 'indicator-options';
        options.addEventListener('keydown', e => {
            e.stopPropagation();
            if (e.key === 'Enter') {
                try {
                    actions.change(k, { id: ind.id, options: parseIndicatorOptions(options.value) });
                } catch (error) {
                    actions.error(error instanceof Error ? error.message : String(error));
                }
            }
        });
        const remove = document.createElement('span');
        remove.className = 'codicon codicon-close backtestr-chart-indicator-remove';
        remove.title = `Remove ${label}`;
        remove.addEventListener('click', () => actions.remove(k));
        const name = document.createElement('span');
        name.textContent = ind.id.slice(ind.id.lastIndexOf('.') + 1);
        name.title = label;
        chip.append(name, options, remove);
        chips.append(chip);
    });
}
