import { expect } from 'chai';
import { defineDataSource, DataSourceDefinition, ImportedTicks } from './data-source';
import { defineReportSection, ReportSectionDefinition } from './report-section';

const NO_TICKS: ImportedTicks = { time: new Float64Array(0), rejected: [] };
const source = (patch: Partial<DataSourceDefinition> = {}): DataSourceDefinition =>
    ({ id: 'acme.jsonl', label: 'JSON lines', fileExtensions: ['.jsonl'], importFile: () => NO_TICKS, ...patch });
const section = (patch: Partial<ReportSectionDefinition> = {}): ReportSectionDefinition =>
    ({ id: 'acme.summary', label: 'Summary', render: () => ({ title: 'Summary', rows: [] }), ...patch });

describe('defineDataSource and defineReportSection', () => {
    it('return the definition frozen, its functions working', async () => {
        const ds = defineDataSource(source());
        expect(Object.isFrozen(ds)).to.equal(true);
        expect(Object.isFrozen(ds.fileExtensions)).to.equal(true);
        expect(await ds.importFile({ name: 'a.jsonl', bytes: new Uint8Array(0) })).to.equal(NO_TICKS);
        const rs = defineReportSection(section());
        expect(Object.isFrozen(rs)).to.equal(true);
        expect(await rs.render({ trades: [] })).to.deep.equal({ title: 'Summary', rows: [] });
    });

    it('refuse every id that is not lower-case letters, digits, ".", "_" or "-", naming it', () => {
        for (const id of ['', 'Acme.x', '.acme', 'acme x', 'acme/x', 'ä']) {
            expect(() => defineDataSource(source({ id })), id).to.throw(`Data source id '${id}' is invalid`);
            expect(() => defineReportSection(section({ id })), id).to.throw(`Report section id '${id}' is invalid`);
        }
    });

    it('refuse a data source without file endings, or with an ending lacking its dot, naming the source and the entry', () => {
        expect(() => defineDataSource(source({ fileExtensions: [] }))).to.throw("Data source 'acme.jsonl' declares no fileExtensions");
        for (const ending of ['jsonl', '.', '', '..', '.a.', '. x', './x', '.a\\b']) {
            expect(() => defineDataSource(source({ fileExtensions: ['.csv', ending] })), ending)
                .to.throw(`Data source 'acme.jsonl': fileExtensions entry '${ending}' is not a file ending`);
        }
    });

    it('accept endings of several parts, e.g. .tar.gz', () => {
        expect(defineDataSource(source({ fileExtensions: ['.tar.gz', '.csv'] })).fileExtensions).to.deep.equal(['.tar.gz', '.csv']);
    });

    it('refuse a definition without its function, naming the function to add', () => {
        const noImport = { ...source(), importFile: undefined } as unknown as DataSourceDefinition;
        expect(() => defineDataSource(noImport)).to.throw("Data source 'acme.jsonl' has no importFile(file) function");
        const noRender = { ...section(), render: undefined } as unknown as ReportSectionDefinition;
        expect(() => defineReportSection(noRender)).to.throw("Report section 'acme.summary' has no render(input) function");
    });
});
