import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMMANDS, parseRunArguments } from './backtestr-cli';
import { cli } from './cli-test-support';
import { ownerArguments } from './owner-arguments';

const SAMPLE = path.resolve(__dirname, '../../sample-workspace/strategies/sma-cross-1h-filter.ts');

describe('backtestr command lines (util.parseArgs): the errors name the option and point to --help', () => {
    let empty = '';
    before(() => {
        empty = fs.mkdtempSync(path.join(os.tmpdir(), 'backtestr-options-'));
    });
    after(() => fs.rmSync(empty, { recursive: true, force: true }));

    for (const command of COMMANDS) {
        it(`backtestr ${command} --bogus-flag: exit 2, naming the flag, the options ${command} takes and its --help; nothing created`, async () => {
            const { code, err } = await cli(command, '--workspace', empty, '--bogus-flag', 'x');
            expect(code).to.equal(2);
            expect(err).to.match(new RegExp(`^backtestr( report)?: --bogus-flag: unknown option; ${command} takes --workspace, .*\\(see backtestr ${command} --help\\)`));
            expect(fs.readdirSync(empty)).to.deep.equal([]);
        });
    }

    it('a missing value: at the end, before another option or a short flag, or empty after =', async () => {
        for (const argv of [['run', SAMPLE, '--symbol'], ['run', SAMPLE, '--symbol', '--json'], ['run', SAMPLE, '--symbol', '-w', 'x'], ['run', SAMPLE, '--symbol=']]) {
            const { code, err } = await cli(...argv);
            expect(code, argv.join(' ')).to.equal(2);
            expect(err, argv.join(' ')).to.contain('backtestr: --symbol: needs a value (see backtestr run --help)');
        }
        const report = await cli('report', 'latest', '--workspace', empty, '--format');
        expect(report.code).to.equal(2);
        expect(report.err).to.contain('--format: needs a value (see backtestr report --help)');
        const datasets = await cli('datasets', '--workspace');
        expect(datasets.code).to.equal(2);
        expect(datasets.err).to.contain('--workspace: needs a value (see backtestr datasets --help)');
        const json = await cli('runs', '--workspace', empty, '--json=yes');
        expect(json.code).to.equal(2);
        expect(json.err).to.contain('--json: takes no value');
    });

    it('takes --flag=value and short flags as --flag value, and repeated --param as a list', () => {
        const args = parseRunArguments([`--symbol=spy@usa`, SAMPLE, '--param=fast=5', '--param', 'slow=40', '-w', empty, '--memory-budget=512M', '--seed', '-3', '--json']);
        expect(args).to.include({ file: SAMPLE, symbol: 'SPY', venue: 'usa', workspace: empty, memoryBudgetMiB: 512, seed: -3, json: true, save: true });
        expect(args.params).to.deep.equal({ fast: '5', slow: '40' });
        expect(parseRunArguments([SAMPLE, '-s', 'EURUSD', '--no-save', '--param', 'fast=3', '--param', 'fast=4']))
            .to.deep.include({ symbol: 'EURUSD', save: false, params: { fast: '4' } });
    });

    it('validates number options naming the option and what it takes', async () => {
        for (const [argv, message] of [
            [['run', SAMPLE, '--symbol', 'SPY', '--memory-budget', '2X'], `--memory-budget: '2X' is not a size of at least 16 MiB, e.g. 2G, 512M or 512 (MiB)`],
            [['run', SAMPLE, '--symbol', 'SPY', '--latency=-5'], `--latency: '-5' is not a whole number of microseconds (>= 0)`],
            [['run', SAMPLE, '--symbol', 'SPY', '--timeout', '0'], `--timeout: '0' is not a positive number of seconds`],
            [['run', SAMPLE, '--symbol', 'SPY', '--slippage', 'ticks:x'], `--slippage: 'x' is not a number of ticks (>= 0) after ticks:`],
            [['bench', '--workspace', empty, '--symbol', 'SPY', '--repeat=0'], `--repeat: '0' is not a whole number of runs from 1 to 100`],
            [['import', path.join(empty, 'none.csv'), '--workspace', empty, '--symbol', 'X', '--tick-size', 'abc'], `--tick-size: 'abc' is not a positive tick size, e.g. 0.01`]
        ] as const) {
            const { code, err } = await cli(...argv);
            expect(code, argv.join(' ')).to.equal(2);
            expect(err, argv.join(' ')).to.contain(`backtestr: ${message}`);
        }
    });
});

describe('ownerArguments: the options of every command, in every form', () => {
    it('rewrites --flag=value, short flags and repeated options as --flag value, keeping what follows --', () => {
        const cwd = path.resolve('/home/me/work');
        expect(ownerArguments(['run', 's.ts', '-s', 'SPY', '--param=fast=5', '--param', 'slow=9', '-w', 'ws', '--', '-odd.ts'], cwd, {}).argv).to.deep.equal(
            ['run', path.join(cwd, 's.ts'), '--symbol', 'SPY', '--param', 'fast=5', '--param', 'slow=9', '--workspace', path.join(cwd, 'ws'), '--', path.join(cwd, '-odd.ts')]);
        expect(ownerArguments(['report', 'latest', '-f', 'pdf', '-o', 'r.pdf'], cwd, {}).argv).to.deep.equal(
            ['report', 'latest', '--format', 'pdf', '--out', path.join(cwd, 'r.pdf'), '--workspace', cwd]);
    });
});
