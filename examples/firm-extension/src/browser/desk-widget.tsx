import * as React from '@theia/core/shared/react';
import { inject, injectable, postConstruct } from '@theia/core/shared/inversify';
import { ReactWidget } from '@theia/core/lib/browser/widgets/react-widget';
import { codicon } from '@theia/core/lib/browser/widgets/widget';
import { ContributionDescriptor, PluginService } from '@backtestr/plugins';

/** The firm's Desk view: which data sources this BackTestr offers (its own feed, plugins'). */
@injectable()
export class DeskWidget extends ReactWidget {
    static readonly ID = 'acme-desk';
    static readonly LABEL = 'Acme Desk';

    @inject(PluginService)
    protected readonly pluginService: PluginService;

    protected sources: ContributionDescriptor[] | undefined;

    @postConstruct()
    protected init(): void {
        this.id = DeskWidget.ID;
        this.title.label = DeskWidget.LABEL;
        this.title.iconClass = codicon('briefcase');
        this.title.closable = true;
        this.update();
        void this.pluginService.listContributions('dataSources').then(sources => {
            this.sources = sources;
            this.update();
        });
    }

    protected render(): React.ReactNode {
        return <div className='backtestr-view' data-testid='acme-desk'>
            <div className='backtestr-view-heading'>Data sources</div>
            {!this.sources ? <div className='backtestr-muted'>Loading…</div> : <ul>
                {this.sources.map(s => <li key={s.id} data-testid='acme-desk-source'>{s.label} <span className='backtestr-muted'>({s.origin.kind} {s.origin.id})</span></li>)}
            </ul>}
        </div>;
    }
}
