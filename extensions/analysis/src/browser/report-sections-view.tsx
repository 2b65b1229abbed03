// *****************************************************************************
// The report sections plugins contributed to a run, in the Analysis view: each under a heading
// naming its plugin, as a label/value table, or as an error box naming the plugin and the reason.
// Plugin strings are React text nodes only (never markup).
// *****************************************************************************

import * as React from '@theia/core/shared/react';
import { reportSectionHeading, reportSectionValue, RunReportSection } from '../common/report-sections';

export function ReportSectionsView(props: { sections: readonly RunReportSection[] }): React.ReactElement | null {
    if (props.sections.length === 0) {
        return null;
    }
    return <div className='bt-report-sections' data-testid='report-sections'>
        {props.sections.map(section => <div key={section.sectionId} className='bt-section bt-report-section'
            data-section={section.sectionId} data-plugin={section.origin.id} data-state={section.data ? 'ok' : 'error'}>
            <div className='backtestr-view-heading'>{reportSectionHeading(section)}</div>
            {section.data
                ? <table className='backtestr-table bt-stats'>
                    <tbody>{section.data.rows.map((row, i) => <tr key={i}><th>{row.label}</th><td>{reportSectionValue(row.value)}</td></tr>)}</tbody>
                </table>
                : <div className='bt-section-error' role='alert'>
                    {section.origin.name} ({section.sectionId}) failed: {section.error ?? 'no data'}
                </div>}
        </div>)}
    </div>;
}
