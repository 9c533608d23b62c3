// Lint holds the process boundaries that the architecture depends on, and keeps warnings at zero.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'child_process', 'crypto', 'net', 'tls', 'os', 'http', 'https', 'path', 'module', 'worker_threads'];
const nodeImportPatterns = nodeBuiltins.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-results/**', 'out/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The bin is CommonJS on purpose (it starts faster than an ES module entry): require() is its import.
    files: ['bin/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The core, the IPC handlers, the CLI and shared/ run without Electron (CLI, tests, test host).
    files: ['electron/core/**', 'electron/ipc/**', 'electron/cli/**', 'shared/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/main and electron/preload may import electron.' }] }],
    },
  },
  {
    // shared/ is types and pure functions used by both processes: no Node, no DOM side effects.
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: nodeImportPatterns }],
    },
  },
  {
    // The renderer talks only to the typed bridge: no Node, no Electron, no keychain.
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron', 'keytar', '@napi-rs/keyring', '@napi-rs/keyring/keytar'], patterns: [...nodeImportPatterns, '**/electron/core/**', '**/electron/ipc/**'] },
      ],
    },
  },
);
