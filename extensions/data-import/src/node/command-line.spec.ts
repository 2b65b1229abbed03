import { expect } from 'chai';
import { CommandLineError, CommandOptions, parseCommandLine, withoutOptions } from './command-line';

const OPTIONS = {
    workspace: { type: 'string', short: 'w' }, param: { type: 'string', multiple: true }, repeat: { type: 'string', default: '3' },
    json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }
} as const satisfies CommandOptions;

function failure(argv: string[]): CommandLineError {
    try {
        parseCommandLine('run', argv, OPTIONS);
    } catch (error) {
        expect(error).to.be.instanceOf(CommandLineError);
        return error as CommandLineError;
    }
    throw new Error(`${argv.join(' ')} parsed`);
}

describe('parseCommandLine: util.parseArgs with errors that name the option', () => {
    it('takes --flag value, --flag=value, short flags, repeated options, defaults and -- before positionals', () => {
        const line = parseCommandLine('run', ['a.ts', '--workspace=/w', '--param', 'x=1', '--param=y=2', '--json', '--', '--not-an-option'], OPTIONS);
        expect(line.values).to.deep.equal({ workspace: '/w', param: ['x=1', 'y=2'], json: true, repeat: '3' });
        expect(line.positionals).to.deep.equal(['a.ts', '--not-an-option']);
        expect(parseCommandLine('run', ['-w', 'ws', '--repeat', '5'], OPTIONS).values).to.include({ workspace: 'ws', repeat: '5' });
        expect(parseCommandLine('run', ['--workspace', '-1'], OPTIONS).values.workspace, 'a negative number is a value').to.equal('-1');
    });

    it('refuses an unknown option, naming it, the options the command takes and its --help', () => {
        const e = failure(['a.ts', '--fast', '3']);
        expect(e.message).to.equal('--fast: unknown option; run takes --workspace, --param, --repeat, --json (see backtestr run --help)');
        expect(e).to.include({ argument: '--fast', problem: 'unknown-option' });
        expect(failure(['-x']).argument).to.equal('-x');
    });

    it('refuses a string option without a value: at the end, before another option or short flag, or empty after =', () => {
        for (const argv of [['--workspace'], ['--workspace', '--json'], ['--workspace', '-h'], ['--workspace=']]) {
            const e = failure(argv);
            expect(e.message, argv.join(' ')).to.equal('--workspace: needs a value (see backtestr run --help)');
            expect(e.problem).to.equal('missing-value');
        }
        expect(failure(['-w']).argument, 'named by its long name').to.equal('--workspace');
    });

    it('refuses a value given to a switch', () => {
        expect(failure(['--json=yes'])).to.include({ argument: '--json', problem: 'unexpected-value' });
    });

    it('withoutOptions drops the named options and their values, in either form', () => {
        const argv = ['a.ts', '--workspace', 'ws', '--json', '--workspace=other', 'b.ts'];
        expect(withoutOptions(argv, parseCommandLine('run', argv, OPTIONS), ['workspace'])).to.deep.equal(['a.ts', '--json', 'b.ts']);
    });
});
