import { ConnectionHandler, RpcConnectionHandler } from '@theia/core/lib/common/messaging';
import { bindContributionProvider } from '@theia/core/lib/common/contribution-provider';
import { ContainerModule } from '@theia/core/shared/inversify';
import { RunLiveFeed } from '../common/run-live-feed';
import { bindEnginePreferences } from '../common/engine-preferences';
import { ENGINE_SERVICE_PATH, EngineClient, EngineService } from '../common/engine-protocol';
import { EngineServiceImpl } from './engine-service-impl';
import { ActiveRuns } from './active-runs';
import { STRATEGY_LANGUAGE_SERVICE_PATH, StrategyLanguageService } from '../common/strategy-language-protocol';
import { StrategyLanguageRuntime } from './strategy-language/strategy-language-runtime';
import { StrategyLanguageServiceImpl } from './strategy-language/strategy-language-service-impl';

export default new ContainerModule(bind => {
    bindEnginePreferences(bind);
    bind(ActiveRuns).toSelf().inSingletonScope();
    bind(EngineServiceImpl).toSelf().inSingletonScope();
    // Charts following a run bind `RunLiveFeed` (the charts extension's backend).
    bindContributionProvider(bind, RunLiveFeed);
    bind(EngineService).toService(EngineServiceImpl);
    // One service for all connections (it holds the runs in progress); each connection's client gets the pushed changes until it closes.
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler<EngineClient>(ENGINE_SERVICE_PATH, client => {
            const service = ctx.container.get(EngineServiceImpl);
            const registration = service.addClient(client);
            client.onDidCloseConnection(() => registration.dispose());
            return service;
        })
    ).inSingletonScope();
    // One strategy language service per frontend connection (its own open documents), disposed with the connection.
    bind(StrategyLanguageRuntime).toSelf().inSingletonScope();
    bind(StrategyLanguageServiceImpl).toSelf();
    bind(ConnectionHandler).toDynamicValue(ctx =>
        new RpcConnectionHandler<object>(STRATEGY_LANGUAGE_SERVICE_PATH, client => {
            const service: StrategyLanguageService & StrategyLanguageServiceImpl = ctx.container.get(StrategyLanguageServiceImpl);
            client.onDidCloseConnection(() => service.dispose());
            return service;
        })
    ).inSingletonScope();
});
