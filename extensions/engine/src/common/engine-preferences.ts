// *****************************************************************************
// The engine's preferences. Bound in the frontend (Preferences UI) and in the backend, whose
// PreferenceService reads the user's settings when a run starts.
// *****************************************************************************

import { interfaces } from '@theia/core/shared/inversify';
import { PreferenceContribution, PreferenceSchema, PreferenceScope } from '@theia/core/lib/common/preferences';
import { DEFAULT_MEMORY_BUDGET } from './memory-budget';

export { DEFAULT_MEMORY_BUDGET, parseMemoryBudget } from './memory-budget';

export const PYTHON_INTERPRETER_PREFERENCE = 'backtestr.python';
export const MEMORY_BUDGET_PREFERENCE = 'backtestr.run.memoryBudget';
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
        },
        [MEMORY_BUDGET_PREFERENCE]: {
            type: 'string',
            default: DEFAULT_MEMORY_BUDGET,
            title: 'Memory budget of a run',
            description: 'The most memory a backtest\'s strategy may use (its JavaScript heap and its buffers), e.g. 2G, 512M or a number of MiB. '
                + 'A run that needs more fails with a message saying so; the workbench and other runs go on.',
            pattern: '^\\s*\\d+(\\.\\d+)?\\s*([kKmMgGtT](i?[bB])?)?\\s*$'
        }
    }
};

export function bindEnginePreferences(bind: interfaces.Bind): void {
    bind(PreferenceContribution).toConstantValue({ schema: enginePreferenceSchema });
}
