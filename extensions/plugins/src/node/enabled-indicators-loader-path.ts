import * as fs from 'fs';
import * as path from 'path';

/**
 * The compiled `load-enabled-indicators` module, which a strategy worker loads by path to get the
 * enabled plugins' indicators: beside this file when run from `lib/node`, else through the package
 * (bundled backends, where `__dirname` is the bundle's folder).
 */
export function enabledIndicatorsLoaderPath(): string {
    const beside = path.join(__dirname, 'load-enabled-indicators.js');
    return fs.existsSync(beside) ? beside : require.resolve('@backtestr/plugins/lib/node/load-enabled-indicators.js');
}
