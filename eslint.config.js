import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// The house's floors (DESIGN.md): a room may import from its own floor's rooms and the floors below, never above.
const rooms = {
  ground: ['contract', 'store'],
  middle: ['dataset', 'engine', 'latent'],
  api: ['api'],
  doors: ['server', 'cli', 'electron'],
};
const dirs = (names) => names.map((name) => `./src-main/${name}`);
const above = { ground: [...rooms.middle, ...rooms.api, ...rooms.doors], middle: [...rooms.api, ...rooms.doors], api: rooms.doors };
const layerZones = [
  ...Object.entries(above).flatMap(([floor, higher]) =>
    rooms[floor].map((room) => ({ target: `./src-main/${room}`, from: dirs(higher), message: `${room}/ is on the ${floor} floor and may not import from a room above it.` })),
  ),
  { target: './src-main/contract', from: './src-main', except: ['./contract'], message: 'contract/ is the shared vocabulary: zod and types only, no other room.' },
  { target: './src-main/*.ts', from: dirs([...rooms.middle, ...rooms.api, ...rooms.doors, 'store']), message: 'the shared files beside the rooms sit on the ground floor.' },
  { target: './src-renderer', from: './src-main', except: ['./contract'], message: 'the renderer talks only to the typed API: import from src-main/contract/ alone.' },
];

// The store owns the SQL (DESIGN.md): other rooms call its typed query functions. better-sqlite3's statement-making
// methods are caught by name on any object; `exec` only on something called db, so RegExp#exec stays allowed.
const sqlOutsideStore = {
  selector: ":matches(CallExpression[callee.property.name=/^(prepare|pragma|transaction)$/], CallExpression[callee.property.name='exec'][callee.object.name=/^db$/i], CallExpression[callee.property.name='exec'][callee.object.property.name=/^db$/i])",
  message: 'SQL lives in src-main/store/: add a typed query function there (one module per table) and call it.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'src-renderer/**/*.vue', 'bench/output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly', fetch: 'readonly', structuredClone: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly' } },
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['src-main/**/*.ts'], ignores: ['src-main/store/**'], rules: { 'no-restricted-syntax': ['error', sqlOutsideStore] } },
);
