import { ContainerModule } from '@theia/core/shared/inversify';
import { bindViewContribution, FrontendApplicationContribution, WidgetFactory } from '@theia/core/lib/browser';
import { ServiceConnectionProvider } from '@theia/core/lib/browser/messaging/service-connection-provider';
import { ENGINE_SERVICE_PATH, EngineService } from '../common/engine-protocol';
import { EngineClientImpl } from './engine-client-impl';
import { EngineViewContribution } from './engine-view-contribution';
import { RunConfigWidget } from './run-config-widget';
import { RunsWidget } from './runs-widget';
import { STRATEGY_LANGUAGE_SERVICE_PATH, StrategyLanguageService } from '../common/strategy-language-protocol';
import { StrategyDocumentSync } from './strategy-language/strategy-document-sync';
import { StrategyLanguageContribution } from './strategy-language/strategy-language-contribution';
import { StrategyLanguageProviders } from './strategy-language/strategy-language-providers';
import '../../src/browser/style/engine.css';
import { bindEnginePreferences } from '../common/engine-preferences';

export default new ContainerModule(bind => {
    bindEnginePreferences(bind);
    bind(EngineClientImpl).toSelf().inSingletonScope();
    bind(EngineService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<EngineService>(ctx.container, ENGINE_SERVICE_PATH, ctx.container.get(EngineClientImpl))
    ).inSingletonScope();
    bind(RunsWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: RunsWidget.ID,
        createWidget: () => ctx.container.get(RunsWidget)
    })).inSingletonScope();
    // A new form each time the factory is asked: the shell disposes a closed widget, and the widget manager keeps the open one.
    bind(RunConfigWidget).toSelf();
    bind(WidgetFactory).toDynamicValue(ctx => ({
        id: RunConfigWidget.ID,
        createWidget: () => ctx.container.get(RunConfigWidget)
    })).inSingletonScope();
    bindViewContribution(bind, EngineViewContribution);
    bind(FrontendApplicationContribution).toService(EngineViewContribution);
    bind(StrategyLanguageService).toDynamicValue(ctx =>
        ServiceConnectionProvider.createProxy<StrategyLanguageService>(ctx.container, STRATEGY_LANGUAGE_SERVICE_PATH)
    ).inSingletonScope();
    bind(StrategyDocumentSync).toSelf().inSingletonScope();
    bind(StrategyLanguageProviders).toSelf().inSingletonScope();
    bind(StrategyLanguageContribution).toSelf().inSingletonScope();
    bind(FrontendApplicationContribution).toService(StrategyLanguageContribution);
});
