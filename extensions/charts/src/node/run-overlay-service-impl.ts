import { inject, injectable, optional } from '@theia/core/shared/inversify';
import { RunRecord, RunStore } from '@backtestr/workspace-store';
import { RunOverlay, RunOverlayService, RunSummary } from '../common/run-overlay-protocol';
import { DEFAULT_SESSION, defaultPriceSource } from '../common/replay-protocol';

/** What the chart view lists of a run. */
export function runSummary(r: RunRecord): RunSummary {
    const created = new Date(r.createdAt / 1000).toISOString().slice(0, 16).replace('T', ' ');
    return {
        id: r.id, label: `${r.strategyLabel ?? r.strategyId} ${r.config.symbol} ${created}`, status: r.status, createdAt: r.createdAt,
        instrumentId: r.instrumentId, kind: r.config.kind, trades: r.headline?.trades ?? 0, firstTime: r.firstTime,
        priceSource: r.config.priceSource ?? defaultPriceSource(r.config.kind), session: r.config.session ?? DEFAULT_SESSION,
        timeframes: r.config.timeframes ?? [], ticks: r.ticks, elapsedMs: r.elapsedMs
    };
}

/** Reads stored runs for the chart overlay and the decision panel. */
@injectable()
export class RunOverlayServiceImpl implements RunOverlayService {

    @inject(RunStore) @optional()
    protected readonly runs: RunStore | undefined;

    protected summary(r: RunRecord): RunSummary {
        return runSummary(r);
    }

    async listRuns(instrumentId?: number): Promise<RunSummary[]> {
        if (!this.runs) {
            return [];
        }
        return (await this.runs.listRuns()).filter(r => instrumentId === undefined || r.instrumentId === instrumentId).map(r => this.summary(r));
    }

    async readRun(id: string): Promise<RunOverlay> {
        if (!this.runs) {
            throw new Error('Runs are not available: the workspace-store extension provides no RunStore.');
        }
        const record = await this.runs.getRun(id);
        if (!record) {
            throw new Error(`No run ${id} in the workspace database.`);
        }
        const [events, orders, trades, logs, series] = await Promise.all([
            this.runs.readEvents(id), this.runs.readOrders(id), this.runs.readTrades(id), this.runs.readLogs(id), this.runs.readSeries(id)
        ]);
        const tagOf = new Map<number, string>();
        orders.id.forEach((orderId, i) => tagOf.set(orderId, orders.tag[i] ?? ''));
        const eventTags = Array.from(events.order, o => tagOf.get(o) ?? '');
        return { run: this.summary(record), events, eventTags, trades, logs, orders, series };
    }
}
