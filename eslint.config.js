import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'web/dist/**',
      'test-output/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      'clients/typescript/generated/**',
      '*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // The web app runs in the browser.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        sessionStorage: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        atob: 'readonly',
        escape: 'readonly',
        HTMLElement: 'readonly',
        SVGElement: 'readonly',
        Event: 'readonly',
      },
    },
  },
  {
    // The domain is pure and fully typed: no `any` at all.
    files: ['src/domain/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: [
      'src/infrastructure/**/*.ts',
      'src/application/**/*.ts',
      'src/projections/**/*.ts',
      'src/main.ts',
      'src/app.module.ts',
    ],
    // Nest resolves constructor parameter types at runtime through decorator metadata; type-only imports would erase them.
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
);
