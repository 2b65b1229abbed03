import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ApplicationError } from '@theia/core/lib/common/application-error';
import { PluginErrors } from '../common/plugin-protocol';
import { readPluginPackage, sdkVersion, validateManifest } from './plugin-manifest-reader';
import { examplesDir, tempDir } from './test-support/plugin-test-support';

const good = {
    name: 'acme-keltner',
    version: '1.2.3',
    backtestr: { id: 'acme.keltner', publisher: 'Acme', sdk: '^0.1.0', contributes: { indicators: ['acme.keltner'] }, engine: 'index.js' }
};

function problemsOf(packageJson: unknown): string[] {
    return validateManifest(packageJson).problems.map(p => `${p.field}: ${p.message}`);
}

function errorOf(task: () => unknown): ApplicationError<number, unknown> {
    try {
        task();
    } catch (error) {
        expect(ApplicationError.is(error as object), String(error)).to.equal(true);
        return error as ApplicationError<number, unknown>;
    }
    throw new Error('expected an error');
}

describe('plugin manifest', () => {

    it('accepts a complete manifest, taking the version from the package', () => {
        const { manifest, problems } = validateManifest(good);
        expect(problems).to.deep.equal([]);
        expect(manifest).to.include({ id: 'acme.keltner', version: '1.2.3', publisher: 'Acme', sdk: '^0.1.0', engine: 'index.js', displayName: 'acme-keltner' });
        expect(manifest?.contributes).to.deep.equal({ indicators: ['acme.keltner'] });
    });

    it('names each missing or wrong field and says what to do', () => {
        expect(problemsOf({ name: 'x', version: '1.0.0' })).to.deep.equal([
            'backtestr: missing: add a "backtestr" object to package.json with id, publisher, sdk, contributes and engine.'
        ]);
        const problems = problemsOf({ name: 'x', version: 'one', backtestr: { id: 'Acme Keltner', contributes: { charts: ['a'] } } });
        expect(problems.map(p => p.split(':')[0])).to.deep.equal([
            'backtestr.id', 'backtestr.version', 'backtestr.publisher', 'backtestr.sdk', 'backtestr.contributes.charts', 'backtestr.engine'
        ]);
        expect(problems[0]).to.contain("'Acme Keltner' is invalid").and.to.contain('e.g. "acme.keltner"');
        expect(problems[4]).to.contain('unknown kind: use indicators, dataSources, strategies, reportSections');
    });

    it('refuses a version range that is not semver, an empty contribution list and an engine outside the package', () => {
        const bad = { ...good, backtestr: { ...good.backtestr, sdk: 'latest-ish', contributes: { indicators: [] }, engine: '../outside.js' } };
        const problems = problemsOf(bad);
        expect(problems).to.have.length(3);
        expect(problems[0]).to.equal("backtestr.sdk: 'latest-ish' is not a semver range: use e.g. \"^0.1.0\".");
        expect(problems[1]).to.contain('backtestr.contributes: lists nothing');
        expect(problems[2]).to.contain("backtestr.engine: '../outside.js' points outside the package");
    });

    it('reads the Keltner example, and refuses it as unbuilt when its engine module is missing', () => {
        const folder = tempDir('manifest');
        try {
            const pkg = JSON.parse(fs.readFileSync(path.join(examplesDir, 'keltner-channels', 'package.json'), 'utf8'));
            fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify(pkg));
            const error = errorOf(() => readPluginPackage(folder));
            expect(PluginErrors.InvalidManifest.is(error)).to.equal(true);
            expect(error.message).to.contain("backtestr.engine: 'lib/index.js' does not exist in the package: build the plugin");
            fs.mkdirSync(path.join(folder, 'lib'));
            fs.writeFileSync(path.join(folder, 'lib', 'index.js'), 'module.exports = {};');
            const read = readPluginPackage(folder);
            expect(read.manifest.id).to.equal('examples.keltner-channels');
            expect(read.engineEntry).to.equal(path.join(folder, 'lib', 'index.js'));
        } finally {
            fs.rmSync(folder, { recursive: true, force: true });
        }
    });

    it('checks the SDK range against the @backtestr/plugins-sdk version and refuses a mismatch with a clear message', () => {
        const sdk = JSON.parse(fs.readFileSync(require.resolve('@backtestr/plugins-sdk/package.json'), 'utf8')).version;
        expect(sdkVersion()).to.equal(sdk);
        const folder = tempDir('sdk');
        try {
            fs.writeFileSync(path.join(folder, 'index.js'), 'module.exports = {};');
            fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ ...good, backtestr: { ...good.backtestr, sdk: '^2.0.0' } }));
            const error = errorOf(() => readPluginPackage(folder));
            expect(PluginErrors.SdkMismatch.is(error)).to.equal(true);
            expect(error.message).to.equal(`Plugin acme.keltner needs @backtestr/plugins-sdk ^2.0.0, but this BackTestr provides ${sdk}: `
                + `install a version of the plugin built for SDK ${sdk}, or a BackTestr whose SDK matches ^2.0.0.`);
            // ^0.1.0 excludes 0.2.0 (a 0.x minor is a breaking change) and accepts 0.1.9.
            fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify(good));
            expect(PluginErrors.SdkMismatch.is(errorOf(() => readPluginPackage(folder, '0.2.0')))).to.equal(true);
            expect(readPluginPackage(folder, '0.1.9').manifest.id).to.equal('acme.keltner');
        } finally {
            fs.rmSync(folder, { recursive: true, force: true });
        }
    });
});
