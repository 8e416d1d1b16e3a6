// Lint rules, including the import direction of the layers: core ← app ← adapters ← entrypoints.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, patterns, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
  },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results.json', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs', 'test/fixtures/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  layer(
    ['src/core/**'],
    [
      '../app/*',
      '../adapters/*',
      '../entrypoints/*',
      'node:*',
      'execa',
      '@actions/*',
      '@octokit/*',
    ],
    'core is pure: it imports only core/* and zod',
  ),
  layer(
    ['src/app/**'],
    [
      '../adapters/*',
      '../entrypoints/*',
      '../../adapters/*',
      '../../entrypoints/*',
      'execa',
      '@actions/*',
      '@octokit/*',
      'node:*',
    ],
    'app talks to the world only through ports',
  ),
  layer(['src/adapters/**'], ['../entrypoints/*'], 'adapters do not know the entrypoints'),
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs', 'test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      // Plain JavaScript is not type-checked: no project service for it either.
      parserOptions: { projectService: false, project: null, program: null },
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
        fetch: 'readonly',
      },
    },
  },
);
