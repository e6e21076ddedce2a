// Lint runs without type information so that `npm test` stays fast; tsc --strict does the type checks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // CONVENTIONS: no function longer than a screen where stages can be named. 90 lines (blank lines and comments
    // not counted) is the ceiling for the service's code; aim for 60. Route plugins count their schemas too.
    files: ['src/**/*.ts', 'web/**/*.ts', 'web/**/*.tsx'],
    rules: { 'max-lines-per-function': ['error', { max: 90, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Install-time scripts run in Node.
    files: ['native/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The page runs in a browser: tsc -p web checks it against the DOM types.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', localStorage: 'readonly', fetch: 'readonly', console: 'readonly', crypto: 'readonly' } },
  },
);
