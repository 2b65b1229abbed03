// *****************************************************************************
// Turns on TypeScript language features for strategy files: the language is registered
// before any editor opens (so restored editors are TypeScript too), the providers and the
// document sync start with the application.
// *****************************************************************************

import { FrontendApplicationContribution } from '@theia/core/lib/browser/frontend-application-contribution';
import { DisposableCollection } from '@theia/core/lib/common/disposable';
import { inject, injectable } from '@theia/core/shared/inversify';
import { StrategyDocumentSync } from './strategy-document-sync';
import { StrategyLanguageProviders } from './strategy-language-providers';
import { registerTypeScriptLanguage } from './typescript-language-definition';

@injectable()
export class StrategyLanguageContribution implements FrontendApplicationContribution {

    @inject(StrategyDocumentSync)
    protected readonly documents: StrategyDocumentSync;

    @inject(StrategyLanguageProviders)
    protected readonly providers: StrategyLanguageProviders;

    protected readonly toDispose = new DisposableCollection();

    initialize(): void {
        this.toDispose.push(registerTypeScriptLanguage());
        this.providers.register();
        this.toDispose.push(this.providers);
        this.documents.start();
        this.toDispose.push(this.documents);
    }

    onStop(): void {
        this.toDispose.dispose();
    }
}
