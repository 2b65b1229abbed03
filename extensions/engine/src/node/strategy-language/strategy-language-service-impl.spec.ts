// The strategy language service on the real sample strategies, copied into a folder outside the
// repository (no node_modules above it), as a user's workspace would be: the SDK's types must
// still resolve, completions list the SDK's members with their doc comments, a type error is a
// diagnostic on the right line. Latencies are printed, not asserted.

import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApplicationError } from '@theia/core/lib/common/application-error';
import { FileUri } from '@theia/core/lib/common/file-uri';
import { ILogger } from '@theia/core/lib/common/logger';
import { Container } from '@theia/core/shared/inversify';
import { StrategyLanguageErrors } from '../../common/strategy-language-protocol';
import { StrategyLanguageRuntime } from './strategy-language-runtime';
import { StrategyLanguageServiceImpl } from './strategy-language-service-impl';

const samples = path.resolve(__dirname, '../../../../../sample-workspace/strategies');

function millis(since: bigint): string {
    return (Number(process.hrtime.bigint() - since) / 1e6).toFixed(1);
}

describe('StrategyLanguageServiceImpl on the sample strategies', function () {
    this.timeout(60000);
    let dir: string;
    let service: StrategyLanguageServiceImpl;
    let smaUri: string;
    let smaText: string;
    let version = 1;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-strategy-language-'));
        fs.cpSync(samples, path.join(dir, 'strategies'), { recursive: true });
        const container = new Container();
        container.bind(ILogger).toConstantValue({ error: () => undefined, warn: () => undefined, info: () => undefined } as unknown as ILogger);
        container.bind(StrategyLanguageRuntime).toSelf().inSingletonScope();
        container.bind(StrategyLanguageServiceImpl).toSelf();
        service = container.get(StrategyLanguageServiceImpl);
        smaUri = FileUri.create(path.join(dir, 'strategies', 'sma-cross.ts')).toString();
        smaText = fs.readFileSync(path.join(dir, 'strategies', 'sma-cross.ts'), 'utf8');
    });

    after(() => {
        service.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    let inserted: { offset: number; length: number } | undefined;

    /** Inserts `text` on a new line before `anchor`'s line (inside onBarClose), as one edit; returns the offset after it. */
    async function insertBefore(anchor: string, text: string): Promise<number> {
        const at = smaText.indexOf(anchor);
        expect(at, anchor).to.be.greaterThan(0);
        const lineStart = smaText.lastIndexOf('\n', at) + 1;
        const line = `        ${text}\n`;
        smaText = smaText.slice(0, lineStart) + line + smaText.slice(lineStart);
        await service.change(smaUri, version, version + 1, [{ offset: lineStart, length: 0, text: line }]);
        version++;
        inserted = { offset: lineStart, length: line.length };
        return lineStart + 8 + text.length;
    }

    /** Removes the line insertBefore added (the editor's undo). */
    async function removeInserted(): Promise<void> {
        const { offset, length } = inserted!;
        smaText = smaText.slice(0, offset) + smaText.slice(offset + length);
        await service.change(smaUri, version, version + 1, [{ offset, length, text: '' }]);
        version++;
        inserted = undefined;
    }

    it('resolves @backtestr/plugins-sdk outside the repository: every sample strategy has no diagnostics', async () => {
        for (const file of fs.readdirSync(path.join(dir, 'strategies')).filter(name => name.endsWith('.ts'))) {
            const uri = FileUri.create(path.join(dir, 'strategies', file)).toString();
            await service.open(uri, 1, fs.readFileSync(path.join(dir, 'strategies', file), 'utf8'));
            const started = process.hrtime.bigint();
            const { diagnostics } = await service.diagnostics(uri, 1);
            console.log(`      diagnostics of ${file}: ${millis(started)} ms`);
            expect(diagnostics.map(d => `${file}:${d.line + 1}: ${d.message}`)).to.deep.equal([]);
        }
    });

    it('completes the context\'s members after `ctx.` with the SDK\'s doc comments', async () => {
        const offset = await insertBefore('const f = fast.update', 'ctx.');
        const cold = process.hrtime.bigint();
        const list = await service.completions(smaUri, version, offset, '.');
        console.log(`      completion after ctx. (first, after an edit): ${millis(cold)} ms, ${list.entries.length} entries`);
        const names = list.entries.map(entry => entry.name);
        expect(list.isMemberCompletion).to.equal(true);
        expect(names).to.include.members(['mtf', 'order', 'position', 'record', 'log', 'params', 'account', 'indicator']);
        expect(names).not.to.include('defineStrategy');
        const details = await service.completionDetails(smaUri, version, offset, 'record');
        expect(details?.detail).to.equal('(method) StrategyContext<{ fast: { type: "int"; default: number; min: number; label: string; }; slow: { type: "int"; default: number; min: number; label: string; }; qty: { type: "float"; default: number; min: number; label: string; }; }>.record(name: string, value: number): void');
        expect(details?.documentation).to.equal('A value of a named series the replay and charts show, stamped with `time`.');
        await removeInserted();
        // Warm: the same request again after a one-character edit, as when the user types on.
        const again = await insertBefore('const f = fast.update', 'ctx.');
        const warm = process.hrtime.bigint();
        await service.completions(smaUri, version, again, '.');
        console.log(`      completion after ctx. (warm, after a one-line edit): ${millis(warm)} ms`);
        await removeInserted();
    });

    it('answers completions keystroke by keystroke (latency printed)', async () => {
        // Type `ctx.order.` one character at a time, as the editor sends it: one small edit, then a completion request.
        let offset = await insertBefore('const f = fast.update', '');
        const times: number[] = [];
        for (const char of 'ctx.order.') {
            const started = process.hrtime.bigint();
            smaText = smaText.slice(0, offset) + char + smaText.slice(offset);
            await service.change(smaUri, version, version + 1, [{ offset, length: 0, text: char }]);
            version++;
            offset++;
            const list = await service.completions(smaUri, version, offset, char === '.' ? '.' : undefined);
            times.push(Number(process.hrtime.bigint() - started) / 1e6);
            expect(list.entries.length).to.be.greaterThan(0);
        }
        const sorted = [...times].sort((a, b) => a - b);
        console.log(`      edit + completion per keystroke: median ${sorted[sorted.length >> 1].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (${times.length} keystrokes)`);
        inserted = { offset: inserted!.offset, length: inserted!.length + 'ctx.order.'.length };
        await removeInserted();
    });

    it('completes the order methods after `ctx.order.`', async () => {
        const offset = await insertBefore('const f = fast.update', 'ctx.order.');
        const list = await service.completions(smaUri, version, offset, '.');
        const names = list.entries.map(entry => entry.name);
        expect(names).to.include.members(['market', 'limit', 'stop', 'bracket', 'trailingStop', 'cancel', 'close', 'cancelAll']);
        const bracket = await service.completionDetails(smaUri, version, offset, 'bracket');
        expect(bracket?.detail).to.equal('(method) Orders.bracket(side: OrderSide, qty: number, prices: BracketPrices, options?: OrderOptions): BracketIds');
        expect(bracket?.documentation).to.contain('take-profit and a stop-loss');
        await removeInserted();
    });

    it('shows defineStrategy\'s doc comment on hover', async () => {
        const offset = smaText.indexOf('defineStrategy({') + 3;
        const info = await service.quickInfo(smaUri, version, offset);
        expect(info?.detail).to.match(/^\(alias\) defineStrategy<\{\n    fast: \{.*\}>\(definition: StrategyDefinition<.*>\): StrategyDefinition<.*>\nimport defineStrategy$/s);
        expect(info?.documentation).to.equal('Validates a strategy\'s declaration (ids, parameter ranges, timeframes) and freezes it.');
        expect(smaText.slice(info!.span.start, info!.span.start + info!.span.length)).to.equal('defineStrategy');
    });

    it('gives signature help inside ctx.order.market(', async () => {
        const offset = await insertBefore('const f = fast.update', 'ctx.order.market(\'buy\', ');
        const help = await service.signatureHelp(smaUri, version, offset, ',');
        expect(help?.signatures[0].label).to.equal('market(side: OrderSide, qty: number, options?: OrderOptions): number');
        expect(help?.activeParameter).to.equal(1);
        const [start, end] = help!.signatures[0].parameters[1].label;
        expect(help!.signatures[0].label.slice(start, end)).to.equal('qty: number');
        await removeInserted();
    });

    it('reports a type error on the line it is on, and nothing once it is fixed', async () => {
        await insertBefore('const f = fast.update', 'ctx.order.market(\'buy\', \'ten\');');
        const line = smaText.split('\n').findIndex(text => text.includes('\'ten\''));
        const { diagnostics, version: at } = await service.diagnostics(smaUri, version);
        expect(at).to.equal(version);
        expect(diagnostics.map(d => ({ line: d.line, code: d.code, severity: d.severity, text: smaText.substr(d.span.start, d.span.length) }))).to.deep.equal([
            { line, code: 2345, severity: 'error', text: '\'ten\'' }
        ]);
        expect(diagnostics[0].message).to.equal('Argument of type \'string\' is not assignable to parameter of type \'number\'.');
        await removeInserted();
        expect((await service.diagnostics(smaUri, version)).diagnostics).to.deep.equal([]);
        expect(smaText).to.equal(fs.readFileSync(path.join(samples, 'sma-cross.ts'), 'utf8'));
    });

    it('reports a syntax error with its line', async () => {
        await insertBefore('const f = fast.update', 'const broken = (;');
        const line = smaText.split('\n').findIndex(text => text.includes('const broken'));
        const { diagnostics } = await service.diagnostics(smaUri, version);
        expect(diagnostics.length).to.be.greaterThan(0);
        expect(diagnostics[0]).to.include({ line, code: 1109, severity: 'error' });
        await removeInserted();
    });

    it('refuses an edit or a request for a version it does not have, so the editor resends the text', async () => {
        let error: unknown;
        try {
            await service.change(smaUri, version - 1, version + 1, [{ offset: 0, length: 0, text: 'x' }]);
        } catch (e) {
            error = e;
        }
        expect(StrategyLanguageErrors.OutOfSync.is(error as ApplicationError<number, unknown>)).to.equal(true);
        error = undefined;
        try {
            await service.completions(smaUri, version + 5, 0);
        } catch (e) {
            error = e;
        }
        expect(StrategyLanguageErrors.OutOfSync.is(error as ApplicationError<number, unknown>)).to.equal(true);
        error = undefined;
        try {
            await service.change(smaUri, version, version + 1, [{ offset: smaText.length + 1, length: 3, text: 'x' }]);
        } catch (e) {
            error = e;
        }
        expect(StrategyLanguageErrors.BadEdit.is(error as ApplicationError<number, unknown>)).to.equal(true);
        // After a bad edit the document is closed; opening it again with the text recovers.
        await service.open(smaUri, 100, smaText);
        expect((await service.diagnostics(smaUri, 100)).diagnostics).to.deep.equal([]);
    });

    it('type-checks an import of another strategy file that is not open, from disk', async () => {
        const helper = path.join(dir, 'strategies', 'helper.ts');
        fs.writeFileSync(helper, 'export function half(x: number): number { return x / 2; }\n');
        const uri = FileUri.create(path.join(dir, 'strategies', 'uses-helper.ts')).toString();
        await service.open(uri, 1, 'import { half } from \'./helper\';\nexport const h: string = half(4);\n');
        const { diagnostics } = await service.diagnostics(uri, 1);
        expect(diagnostics.map(d => ({ line: d.line, code: d.code }))).to.deep.equal([{ line: 1, code: 2322 }]);
        await service.close(uri);
    });
});
