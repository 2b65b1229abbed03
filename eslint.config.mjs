// ESLint flat config of the whole repository (`npm run lint`; part of `npm test`).
import tseslint from 'typescript-eslint';
import backtestr from './eslint-rules/index.js';

export default tseslint.config(
    {
        ignores: ['**/node_modules/**', '**/lib/**', '**/src-gen/**', '**/gen-webpack*.js', '**/webpack.config.js',
            'native/target/**', 'native/build/**', 'tests/output/**', 'app/*/plugins/**', '**/*.d.ts', 'sample-workspace/.backtestr/**']
    },
    {
        files: ['**/*.ts', '**/*.tsx'],
        languageOptions: { parser: tseslint.parser },
        plugins: { backtestr, '@typescript-eslint': tseslint.plugin },
        rules: {
            'backtestr/runtime-folders': 'error',
            '@typescript-eslint/no-explicit-any': 'error',
            'no-console': 'off'
        }
    },
    {
        files: ['extensions/*/src/**/*.ts', 'extensions/*/src/**/*.tsx'],
        ignores: ['**/*.spec.ts', '**/*.slow-spec.ts', '**/test-support/**', '**/cli/**'],
        rules: {
            'no-console': 'error'
        }
    },
    {
        files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
        plugins: { backtestr },
        rules: {
            'backtestr/runtime-folders': 'error'
        }
    }
);
