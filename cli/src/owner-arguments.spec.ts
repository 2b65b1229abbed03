import { expect } from 'chai';
import * as path from 'path';
import { ownerArguments } from './owner-arguments';

describe('ownerArguments: a command line made fit for the workspace owner', () => {
    const cwd = path.resolve('/home/me/work');

    it('makes every path absolute against the client\'s folder: positionals of run, import and export, and --workspace, --plugins, --out, --data (also as --flag=value)', () => {
        expect(ownerArguments(['run', 's.ts', '--symbol', 'SPY', '--param', 'fast=5', '--plugins=p', '--no-save', '--json'], cwd, {}).argv).to.deep.equal(
            ['run', path.join(cwd, 's.ts'), '--symbol', 'SPY', '--param', 'fast=5', '--plugins', path.join(cwd, 'p'), '--no-save', '--json', '--workspace', cwd]);
        expect(ownerArguments(['import', 'a.csv', '../b.zip', '--symbol', 'X', '--workspace', 'ws'], cwd, {}).argv).to.deep.equal(
            ['import', path.join(cwd, 'a.csv'), path.resolve(cwd, '../b.zip'), '--symbol', 'X', '--workspace', path.join(cwd, 'ws')]);
        expect(ownerArguments(['export', 'SPY', 'trades', 'csv', 'out.csv'], cwd, {}).argv).to.deep.equal(
            ['export', 'SPY', 'trades', 'csv', path.join(cwd, 'out.csv'), '--workspace', cwd]);
        expect(ownerArguments(['report', 'latest', '--format', 'csv', '--out=dir'], cwd, {}).argv).to.deep.equal(
            ['report', 'latest', '--format', 'csv', '--out', path.join(cwd, 'dir'), '--workspace', cwd]);
        expect(ownerArguments(['quality', 'SPY', 'trades', '--python', 'venv/bin/python'], cwd, {}).argv).to.deep.equal(
            ['quality', 'SPY', 'trades', '--python', path.join(cwd, 'venv/bin/python'), '--workspace', cwd]);
    });

    it('names the workspace and the plugin folder of the client\'s environment, which the owner does not share', () => {
        const env = { BACKTESTR_WORKSPACE: 'ws', BACKTESTR_PLUGIN_DIR: '/opt/plugins' };
        expect(ownerArguments(['runs', '--json'], cwd, env)).to.deep.equal({ argv: ['runs', '--json', '--workspace', path.join(cwd, 'ws')], workspace: path.join(cwd, 'ws') });
        expect(ownerArguments(['run', '/s.ts'], cwd, env).argv).to.deep.equal(['run', '/s.ts', '--plugins', '/opt/plugins', '--workspace', path.join(cwd, 'ws')]);
        expect(ownerArguments(['run', '/s.ts', '--plugins', 'mine', '--workspace', '/w'], cwd, env)).to.deep.equal(
            { argv: ['run', '/s.ts', '--plugins', path.join(cwd, 'mine'), '--workspace', '/w'], workspace: '/w' });
        expect(ownerArguments(['datasets'], cwd, env).argv).to.deep.equal(['datasets', '--workspace', path.join(cwd, 'ws')]);
    });
});
