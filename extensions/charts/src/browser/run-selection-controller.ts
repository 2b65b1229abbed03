// *****************************************************************************
// The run selected in the chart view: the stored runs of the open instrument, the chosen run's
// overlay (orders, events, trades, logs), the dataset tick its own ticks start at, its trades'
// entry ticks, and the engine settings its replay runs with. Plain class owned by the view.
// *****************************************************************************

import { DatasetKey } from '@backtestr/workspace-store';
import { DEFAULT_SESSION, ReplayEngineSettings, ReplayFrame, ReplayInfo, ReplayService, defaultPriceSource } from '../common/replay-protocol';
import { RunOverlay, RunOverlayService, RunSummary } from '../common/run-overlay-protocol';
import { tradeEntryTicks } from '../common/run-overlay-math';
import { ChartToolbar } from './chart-toolbar';

/** What the run selection reads and drives of the chart view. */
export interface RunSelectionHost {
    info(): ReplayInfo | undefined;
    frame(): ReplayFrame | undefined;
    /** The toolbar whose run list shows the selection. */
    toolbar(): ChartToolbar;
    openDataset(dataset: DatasetKey, cursor: number | undefined): Promise<ReplayInfo | undefined>;
    /** Draws `frame` again (the selected run's fills, trades, levels and decisions with it). */
    applyFrame(frame: ReplayFrame, fit: boolean): void;
    status(text: string): void;
}

/** The selected run and the runs to choose from; the view creates one and wires it. */
export class RunSelectionController {

    /** The stored runs of the open instrument (its dataset kind). */
    list: RunSummary[] = [];
    /** The selected run's overlay, if any. */
    overlay: RunOverlay | undefined;
    /** Dataset tick index of the run's first tick: the run's own tick numbers (event `seq`) start there. */
    firstTick = 0;
    /** Run ticks of the selected run's trade entries. */
    tradeEntries: number[] = [];

    constructor(protected readonly runs: RunOverlayService, protected readonly replay: ReplayService, protected readonly host: RunSelectionHost) { }

    /** Lists the runs of the instrument `instrumentId` (dataset kind `kind`) again, in the toolbar too. */
    async refresh(instrumentId: number, kind: string): Promise<void> {
        try {
            this.list = (await this.runs.listRuns(instrumentId)).filter(r => r.kind === kind);
        } catch {
            this.list = [];
        }
        this.host.toolbar().showRuns(this.list, this.overlay?.run.id);
    }

    /** The engine settings of the replay of `dataset`: the selected run's own when it is a run of that dataset. */
    engineFor(dataset: DatasetKey): ReplayEngineSettings | undefined {
        const r = this.overlay?.run;
        return r && r.instrumentId === dataset.instrumentId && r.kind === dataset.kind
            ? { priceSource: r.priceSource, session: r.session, timeframes: r.timeframes }
            : undefined;
    }

    /** Whether an open replay runs the engine as `settings` ask (the defaults when undefined). */
    runsAs(info: ReplayInfo, settings: ReplayEngineSettings | undefined): boolean {
        return info.priceSource === (settings?.priceSource ?? defaultPriceSource(info.dataset.kind))
            && info.session === (settings?.session ?? DEFAULT_SESSION)
            && (settings?.timeframes ?? []).every(t => info.engineTimeframes.includes(t));
    }

    /** Selects the run `runId` (none when undefined): the replay opened again when it must run the engine otherwise. */
    async select(runId: string | undefined): Promise<void> {
        const hadRun = this.overlay !== undefined;
        this.overlay = undefined;
        this.tradeEntries = [];
        this.firstTick = 0;
        const info = this.host.info();
        if (runId && info) {
            try {
                const overlay = await this.runs.readRun(runId);
                this.overlay = overlay;
                this.tradeEntries = tradeEntryTicks(overlay.events);
                // the replay runs the engine as the run did: its price source, session and timeframes
                const current = this.host.info()!;
                if (!this.runsAs(current, this.engineFor(current.dataset))) {
                    await this.host.openDataset(current.dataset, this.host.frame()?.tickIndex);
                }
                const opened = this.host.info();
                if (!opened) {
                    return;
                }
                const first = overlay.run.firstTime;
                this.firstTick = first === undefined ? 0 : (await this.replay.tickIndexAt(opened.id, first - 1)) + 1;
            } catch (e) {
                this.overlay = undefined;
                this.host.status(`Run: ${e instanceof Error ? e.message : String(e)}`);
            }
        } else if (hadRun && info && !this.runsAs(info, undefined)) {
            await this.host.openDataset(info.dataset, this.host.frame()?.tickIndex);
        }
        this.host.toolbar().selectRun(this.overlay?.run.id);
        const frame = this.host.frame();
        if (frame) {
            this.host.applyFrame(frame, false);
        }
    }
}
