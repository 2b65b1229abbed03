// The report sections as the Analysis view renders them (React's server renderer, no browser): a
// section's rows under a heading naming its plugin, an error box naming the plugin and the reason,
// and plugin strings that look like markup shown as text, never parsed.

import { expect } from 'chai';
import * as React from '@theia/core/shared/react';
import { renderToStaticMarkup } from 'react-dom/server';
import { RunReportSection } from '../common/report-sections';
import { ReportSectionsView } from './report-sections-view';

const origin = { kind: 'plugin' as const, id: 'acme.report', name: 'Acme <b>report</b>' };

describe('report sections in the Analysis view', () => {
    it('renders rows under a heading naming the plugin, and a failed section as an error box with its reason', () => {
        const sections: RunReportSection[] = [
            { sectionId: 'acme.ok', label: 'OK', origin, data: { title: 'Risk', rows: [{ label: 'Trades', value: 21 }, { label: 'Win rate', value: '42.9%' }] } },
            { sectionId: 'acme.bad', label: 'Bad', origin, error: 'hung: no answer within 5000 ms' }
        ];
        const html = renderToStaticMarkup(<ReportSectionsView sections={sections} />);
        expect(html).to.contain('data-section="acme.ok" data-plugin="acme.report" data-state="ok"');
        expect(html).to.contain('<div class="backtestr-view-heading">Risk · plugin Acme &lt;b&gt;report&lt;/b&gt;</div>');
        expect(html).to.contain('<tr><th>Trades</th><td>21</td></tr><tr><th>Win rate</th><td>42.9%</td></tr>');
        expect(html).to.contain('data-section="acme.bad" data-plugin="acme.report" data-state="error"');
        expect(html).to.contain('<div class="backtestr-view-heading">Bad · plugin Acme &lt;b&gt;report&lt;/b&gt;</div>'
            + '<div class="bt-section-error" role="alert">Acme &lt;b&gt;report&lt;/b&gt; (acme.bad) failed: hung: no answer within 5000 ms</div>');
    });

    it('shows markup in a plugin\'s strings as text', () => {
        const evil = '<img src=x onerror="alert(1)">';
        const html = renderToStaticMarkup(<ReportSectionsView sections={[
            { sectionId: 'acme.x', label: evil, origin, data: { title: evil, rows: [{ label: evil, value: evil }] } }
        ]} />);
        expect(html).to.not.contain('<img');
        expect(html.split('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;').length - 1).to.equal(3);
    });

    it('renders nothing without sections', () => {
        expect(renderToStaticMarkup(<ReportSectionsView sections={[]} />)).to.equal('');
    });
});
