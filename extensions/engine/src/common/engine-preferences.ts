// *****************************************************************************
// The engine's preferences. Bound in the frontend (Preferences UI) and in the backend, whose
// PreferenceService reads the user's settings when a run starts.
// *****************************************************************************

import { interfaces } from '@theia/core/shared/inversify';
import { PreferenceContribution, PreferenceSchema, PreferenceScope } from '@theia/core/lib/common/preferences';

export const PYTHON_INTERPRETER_PREFERENCE = 'backtestr.python';

export const enginePreferenceSchema: PreferenceSchema = {
    scope: PreferenceScope.User,
    properties: {
        [PYTHON_INTERPRETER_PREFERENCE]: {
            type: 'string',
            default: '',
            title: 'Python interpreter for strategies',
            description: 'The Python 3 interpreter that runs .py strategies (it needs the msgpack module, Debian: python3-msgpack). '
                + 'A command on the PATH or an absolute path, e.g. /usr/bin/python3 or a virtual environment\'s bin/python. '
                + 'Empty: the BACKTESTR_PYTHON environment variable, else python3.'
        }
    }
};

export function bindEnginePreferences(bind: interfaces.Bind): void {
    bind(PreferenceContribution).toConstantValue({ schema: enginePreferenceSchema });
}
