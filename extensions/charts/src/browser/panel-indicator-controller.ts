// *****************************************************************************
// The per-panel indicators of the chart view: each panel's list (kept in the view state), the
// choices (built-in and plugins' indicators), the "+ indicator" pickers and chips in the panel
// headers, and the lines drawn at the replay cursor (recorded series, indicators, working order
// levels). Plain class owned by the view.
// *****************************************************************************

import { EMPTY_BARS } from '../common/bar-math';
import { ChartViewState } from '../common/chart-protocol';
import { PanelIndicator } from '../common/indicator-math';
import { ChartBarColumns, ReplayFrame } from '../common/replay-protocol';
import { RunOverlay } from '../common/run-overlay-protocol';
import { workingLevelsAt } from '../common/run-overlay-math';
import { ChartPanel, PanelLevel } from './chart-panel';
import { createIndicatorPicker, fillIndicatorPicker, renderIndicatorChips } from './indicator-controls';
import type { LiveFollowController } from './live-follow-controller';
import { IndicatorChoice, PanelOverlays } from './panel-overlays';

/** What the panel indicators read and drive of the chart view. */
export interface PanelIndicatorHost {
    /** The node holding the panels (their headers hold the pickers and chips). */
    gridNode(): HTMLElement;
    panels(): readonly ChartPanel[];
    /** Per panel, the completed bars it holds. */
    panelBars(): readonly ChartBarColumns[];
    viewState(): ChartViewState;
    updateViewState(change: Partial<ChartViewState>): void;
    /** The frame at the replay cursor, if any. */
    frame(): ReplayFrame | undefined;
    /** The live following (while it follows a run, it draws the indicators with its next frame). */
    liveFollow(): LiveFollowController;
    /** The selected run and its first tick in the dataset. */
    run(): { overlay: RunOverlay | undefined; firstTick: number };
    status(text: string): void;
}

/** The panels' indicators and the lines drawn at the replay cursor; the view creates one and wires it. */
export class PanelIndicatorController {

    /** The indicators to choose from (built-in and plugins'), as last listed. */
    choices: IndicatorChoice[] = [];

    constructor(protected readonly overlays: PanelOverlays, protected readonly host: PanelIndicatorHost) { }

    /** The indicators of panel `i`. */
    panelIndicators(i: number): readonly PanelIndicator[] {
        return this.host.viewState().indicators?.[i] ?? [];
    }

    /** Sets the indicators of panel `i`: its chips shown again and its lines drawn again. */
    setPanelIndicators(i: number, list: readonly PanelIndicator[]): void {
        const state = this.host.viewState();
        const all = Array.from({ length: 6 }, (_, k) => state.indicators?.[k] ?? []);
        all[i] = list;
        this.host.updateViewState({ indicators: all });
        this.overlays.reset();
        this.refreshChips(i);
        const liveFollow = this.host.liveFollow();
        const frame = this.host.frame();
        if (liveFollow.live) {
            liveFollow.invalidatePanel(i);
        } else if (frame) {
            this.renderLines(frame);
        }
    }

    /** Lists the indicators to choose from again: the pickers and chips of every panel follow. */
    async refreshChoices(): Promise<IndicatorChoice[]> {
        this.choices = await this.overlays.choices();
        this.host.gridNode().querySelectorAll('.backtestr-chart-panel-indicator').forEach(select => fillIndicatorPicker(select as HTMLSelectElement, this.choices));
        this.host.panels().forEach((_, i) => this.refreshChips(i));
        return this.choices;
    }

    /** Adds the indicator `id` to `panel` (its default options when `options` is absent). */
    async addIndicator(panel: number, id: string, options?: Record<string, unknown>): Promise<void> {
        if (!this.choices.some(c => c.id === id)) {
            await this.refreshChoices();
        }
        const choice = this.choices.find(c => c.id === id);
        if (!choice) {
            this.host.status(`No indicator '${id}': install and enable the plugin that contributes it.`);
            return;
        }
        this.setPanelIndicators(panel, [...this.panelIndicators(panel), { id, options: options ?? { ...choice.defaultOptions } }]);
    }

    /** The "+ indicator" list of panel `i`'s header. */
    picker(i: number): HTMLSelectElement {
        const select = createIndicatorPicker(i, () => this.refreshChoices(), id => this.addIndicator(i, id));
        fillIndicatorPicker(select, this.choices);
        return select;
    }

    /** The chips of panel `i`'s header, one per indicator. */
    chips(i: number): HTMLSpanElement {
        const chips = document.createElement('span');
        chips.className = 'backtestr-chart-indicators';
        this.fillChips(i, chips);
        return chips;
    }

    protected refreshChips(i: number): void {
        const chips = this.host.panels()[i]?.node.querySelector('.backtestr-chart-indicators');
        if (chips) {
            this.fillChips(i, chips as HTMLElement);
        }
    }

    protected fillChips(i: number, chips: HTMLElement): void {
        renderIndicatorChips(chips, this.panelIndicators(i), this.choices, {
            change: (k, indicator) => this.setPanelIndicators(i, this.panelIndicators(i).map((x, j) => j === k ? indicator : x)),
            remove: k => this.setPanelIndicators(i, this.panelIndicators(i).filter((_, j) => j !== k)),
            error: message => this.host.status(message)
        });
    }

    /** A plugin indicator's values arrived: drawn with the next live frame while following, else at the replay cursor. */
    redrawLines(): void {
        const liveFollow = this.host.liveFollow();
        const frame = this.host.frame();
        if (liveFollow.live) {
            liveFollow.invalidateIndicators();
        } else if (frame) {
            this.renderLines(frame);
        }
    }

    /** Recorded series up to the cursor, the panels' indicators and the working orders' levels. */
    renderLines(frame: ReplayFrame): void {
        const { overlay: o, firstTick } = this.host.run();
        const levels: PanelLevel[] = o ? workingLevelsAt(o.orders, o.events, frame.tickIndex - firstTick).map(l => ({
            price: l.price,
            title: `${l.kind === 'stop' ? 'stop' : 'limit'} ${l.side > 0 ? 'buy' : 'sell'} #${l.order}${l.tag ? ` ${l.tag}` : ''}`,
            color: l.kind === 'stop' ? '#d16969' : '#4ec9b0'
        })) : [];
        const panelBars = this.host.panelBars();
        this.host.panels().forEach((panel, i) => {
            const bars = panelBars[i] ?? EMPTY_BARS;
            const partial = panel.forming;
            panel.setLines([
                ...this.overlays.recordedLines(panel, bars, partial, o, frame.time),
                ...this.overlays.indicatorLines(i, bars, partial, this.panelIndicators(i), this.choices)
            ]);
            panel.setLevels(levels);
        });
    }
}
