import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './renderer/svelte.config.js';

// Process boundaries, enforced: only the Electron shell (main/shell, preload) may import
// `electron`; the renderer may import nothing from main/ or preload/ (types come from common/).
const electronOnlyInShell = {
  name: 'electron',
  message: 'Only main/shell/ and preload/ may import electron; keep everything else plain Node.',
};
const electronUpdaterOnlyInShell = {
  name: 'electron-updater',
  message:
    'electron-updater imports electron: only main/shell/ may use it (main/shell/updates.ts).',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'test/e2e/screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { paths: [electronOnlyInShell, electronUpdaterOnlyInShell] },
      ],
    },
  },
  {
    files: ['main/shell/**', 'preload/**', 'test/unit/shell/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell, electronUpdaterOnlyInShell],
          patterns: [
            {
              group: ['**/main/**', '**/preload/**', 'node:*'],
              message:
                'The renderer talks to main only through window.api; import types from common/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        extraFileExtensions: ['.svelte'],
        parser: tseslint.parser,
        svelteConfig,
      },
    },
  },
);
