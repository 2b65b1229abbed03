import { inject, injectable, named } from '@theia/core/shared/inversify';
import { ILogger } from '@theia/core/lib/common/logger';
import { DatasetKey } from '@backtestr/workspace-store';
import { DatasetService } from '@backtestr/data-import';
import { ChartBarColumns, DEFAULT_SESSION, defaultPriceSource, ReplayFrame, ReplayInfo, ReplayRequest, ReplayService, UnixMicros } from '../common/replay-protocol';
import { ReplaySession } from './replay-session';

interface OpenReplay {
    readonly info: ReplayInfo;
    readonly session: ReplaySession;
}

/** Replays datasets of the workspace database: one indexed session per dataset and timeframe set. */
@injectable()
export class ReplayServiceImpl implements ReplayService {

    @inject(DatasetService)
    protected readonly datasets: DatasetService;

    @inject(ILogger) @named('charts:ReplayServiceImpl')
    protected readonly logger: ILogger;

    protected readonly replays = new Map<string, Promise<OpenReplay>>();
    protected readonly maxOpen = 4;

    async open(request: ReplayRequest): Promise<ReplayInfo> {
        const e = request.engine ?? {};
        const id = `${request.dataset.instrumentId}:${request.dataset.kind}:${request.timeframes.join(',')}`
            + `:${e.priceSource ?? defaultPriceSource(request.dataset.kind)}:${e.session ?? DEFAULT_SESSION}:${(e.timeframes ?? []).join(',')}`;
        let replay = this.replays.get(id);
        if (!replay) {
            replay = this.create(id, request);
            this.replays.set(id, replay);
            replay.catch(() => this.replays.delete(id));
            if (this.replays.size > this.maxOpen) {
                this.replays.delete(this.replays.keys().next().value!);
            }
        }
        return (await replay).info;
    }

    protected async create(id: string, request: ReplayRequest): Promise<OpenReplay> {
        const key: DatasetKey = { instrumentId: request.dataset.instrumentId, kind: request.dataset.kind };
        const summary = (await this.datasets.listDatasets()).find(d => d.instrumentId === key.instrumentId && d.kind === key.kind);
        const instrument = (await this.datasets.listInstruments()).find(i => i.id === key.instrumentId);
        if (!summary || !instrument) {
            throw new Error(`No ${key.kind} dataset for instrument ${key.instrumentId}.`);
        }
        const started = Date.now();
        const barTimeframe = summary.timeframe ?? '1m';
        const session = new ReplaySession({
            kind: key.kind, tickSize: instrument.tickSize, firstTime: summary.firstTime, lastTime: summary.lastTime,
            readTicks: (from: UnixMicros, to: UnixMicros) => this.datasets.readTicks(key, from, to),
            readBars: (from: UnixMicros, to: UnixMicros) => this.datasets.readBars(key, barTimeframe, from, to)
        }, { timeframes: request.timeframes, priceSource: request.engine?.priceSource, session: request.engine?.session, engineTimeframes: request.engine?.timeframes });
        await session.prepare();
        const prepareMs = Date.now() - started;
        this.logger.info(`replay ${id}: ${session.tickCount} ticks, ${session.sessions} sessions indexed in ${prepareMs} ms`);
        return {
            session,
            info: {
                id, dataset: key, timeframes: session.timeframes, tickCount: session.tickCount, firstTime: summary.firstTime,
                lastTime: summary.lastTime, tickSize: instrument.tickSize, priceSource: session.priceSource, session: session.session,
                engineTimeframes: session.engineTimeframes, pointsPerBar: key.kind === 'bars' ? 4 : undefined, sessions: session.sessions, prepareMs
            }
        };
    }

    protected async get(id: string): Promise<ReplaySession> {
        const replay = this.replays.get(id);
        if (!replay) {
            throw new Error(`Replay ${id} is not open (open it again).`);
        }
        return (await replay).session;
    }

    async frame(id: string, tickIndex: number, window: number): Promise<ReplayFrame> {
        return (await this.get(id)).frame(tickIndex, window);
    }

    async tickIndexAt(id: string, time: UnixMicros): Promise<number> {
        return (await this.get(id)).tickIndexAt(time);
    }

    async stepBar(id: string, tickIndex: number, timeframe: string, direction: 1 | -1): Promise<number> {
        return (await this.get(id)).stepBar(tickIndex, timeframe, direction);
    }

    async bars(id: string, timeframe: string, before: UnixMicros, limit: number): Promise<ChartBarColumns> {
        return (await this.get(id)).barsBefore(timeframe, before, limit);
    }

    async close(id: string): Promise<void> {
        this.replays.delete(id);
    }
}
