import { PreferenceSchema } from '@theia/core/lib/common/preferences/preference-schema';
import { PreferenceScope } from '@theia/core/lib/common/preferences/preference-scope';

export const PLUGIN_DIRECTORY_PREFERENCE = 'backtestr.plugins.directory';
/** Environment variable that overrides the plugin directory (tests, CI, portable installs). */
export const PLUGIN_DIRECTORY_ENV = 'BACKTESTR_PLUGIN_DIR';

export const pluginPreferenceSchema: PreferenceSchema = {
    properties: {
        [PLUGIN_DIRECTORY_PREFERENCE]: {
            type: 'string',
            default: '',
            scope: PreferenceScope.User,
            description: 'Folder run-time plugins are installed into (empty: ~/.backtestr/plugins). '
                + `The ${PLUGIN_DIRECTORY_ENV} environment variable overrides it. Takes effect after a restart.`
        }
    }
};
