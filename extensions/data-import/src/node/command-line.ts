// *****************************************************************************
// The command lines of the `backtestr` commands, parsed by Node's util.parseArgs: each command declares
// its options once (type, short flag, default, repeatable); this adds the errors a user can act on, each
// naming the option and pointing to the command's --help, instead of parseArgs' wording.
// *****************************************************************************

import { parseArgs, ParseArgsConfig } from 'util';

/** The options of one command, as util.parseArgs takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** The parsed values of options `O`: strings (string[] for repeatable ones) and booleans; absent ones undefined unless they have a default. */
export type CommandValues<O extends CommandOptions> = {
    [K in keyof O]?: O[K]['type'] extends 'boolean' ? (O[K]['multiple'] extends true ? boolean[] : boolean) : (O[K]['multiple'] extends true ? string[] : string)
};

/** What is wrong with a command line: an unknown option, a missing value, a value given to a switch, or a bad value (named by the caller). */
export type CommandLineProblem = 'unknown-option' | 'missing-value' | 'unexpected-value' | 'bad-value';

/** A wrong command line; `argument` names the culprit (`--flag`, or `<name>` for a positional). */
export class CommandLineError extends Error {
    constructor(readonly argument: string, message: string, readonly problem: CommandLineProblem = 'bad-value') {
        super(`${argument}: ${message}`);
    }
}

/** One option as it was given: its declared name and where it is in the command line. */
export interface GivenOption {
    readonly name: string;
    /** Index of the option in argv; its value is at `index + 1` unless `inline` (`--flag=value`) or a switch. */
    readonly index: number;
    readonly value?: string;
    readonly inline: boolean;
}

export interface CommandLine<O extends CommandOptions> {
    readonly values: CommandValues<O>;
    readonly positionals: string[];
    /** The options in the order given (for a command line rewritten or passed on). */
    readonly given: GivenOption[];
}

/** The --help hint of `command` (`run`, or `backtestr run` in full). */
const helpHint = (command: string): string => `see ${command.startsWith('backtestr') ? command : `backtestr ${command}`} --help`;

/**
 * `argv` (the command's own arguments, without the command) parsed against `options`. Accepts `--flag value`,
 * `--flag=value`, short flags and `--` (what follows is positional). Throws CommandLineError for an option
 * `options` does not declare, a string option without a value (a following `--other` or declared short flag is
 * not a value, nor is an empty `--flag=`: `--seed=-1` gives a value starting with a dash), and a switch given a value.
 */
export function parseCommandLine<O extends CommandOptions>(command: string, argv: readonly string[], options: O): CommandLine<O> {
    // Not strict: the checks below word the errors (parseArgs' strict mode throws ERR_PARSE_ARGS_UNKNOWN_OPTION and
    // ERR_PARSE_ARGS_INVALID_OPTION_VALUE with messages that do not say where the usage is).
    const { values, positionals, tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
    const shorts = new Set(Object.values(options).map(o => o.short && `-${o.short}`).filter(Boolean));
    const given: GivenOption[] = [];
    for (const token of tokens) {
        if (token.kind !== 'option') {
            continue;
        }
        const option = Object.prototype.hasOwnProperty.call(options, token.name) ? options[token.name] : undefined;
        if (!option) {
            const names = Object.keys(options).filter(n => n !== 'help').map(n => `--${n}`).join(', ');
            throw new CommandLineError(token.rawName, `unknown option; ${command} takes ${names || 'no options'} (${helpHint(command)})`, 'unknown-option');
        }
        if (option.type === 'string' && (token.value === undefined || token.value === '' || (!token.inlineValue && (token.value.startsWith('--') || shorts.has(token.value))))) {
            throw new CommandLineError(`--${token.name}`, `needs a value (${helpHint(command)})`, 'missing-value');
        }
        if (option.type === 'boolean' && token.inlineValue) {
            throw new CommandLineError(`--${token.name}`, `takes no value (${helpHint(command)})`, 'unexpected-value');
        }
        given.push({ name: token.name, index: token.index, value: token.value, inline: token.inlineValue === true });
    }
    return { values: values as CommandValues<O>, positionals, given };
}

/** `argv` without the options named `names` (and their values), e.g. an option a caller handled before passing the line on. */
export function withoutOptions(argv: readonly string[], line: CommandLine<CommandOptions>, names: readonly string[]): string[] {
    const drop = new Set<number>();
    for (const g of line.given) {
        if (names.includes(g.name)) {
            drop.add(g.index);
            if (g.value !== undefined && !g.inline) {
                drop.add(g.index + 1);
            }
        }
    }
    return argv.filter((_, i) => !drop.has(i));
}

/** A number option's value, or undefined when absent; a CommandLineError naming `--flag` when it is not a number `check` accepts. */
export function numberOption(flag: string, text: string | undefined, what: string, check: (n: number) => boolean = n => n >= 0): number | undefined {
    if (text === undefined) {
        return undefined;
    }
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || !check(n)) {
        throw new CommandLineError(`--${flag}`, `'${text}' is not ${what}`);
    }
    return n;
}
