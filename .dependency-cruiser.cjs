// The floors of docs/architecture.md as rules: a file may import its own floor and the
// floors listed for it, nothing else of ours. `npm run arrows` prints every import that
// breaks one. The list has no exceptions: an arrow that must point another way is a
// change to this table and to docs/architecture.md, made together.
//
// Floors, lowest first: base → core → {store, qr, drivers} → sync → profiles → config →
// {api, compat, fleet} → engine → {doctor, shells, hall, report} → commands → the entries
// (src/cli.ts, src/electron-main.ts). The screens (renderer, hall/web) run in a
// browser and take only types from below.

const ours = '^(src|drivers)/';

/** From-path pattern → the to-path patterns it may import besides its own floor. */
const floors = {
  '^src/base/': [],
  '^src/core/': ['^src/base/'], // types only: core-base-types-only
  '^drivers/': ['^src/core/', '^src/base/'],
  '^src/store/': ['^src/core/', '^src/base/'],
  '^src/qr/': ['^src/core/', '^src/base/'],
  '^src/sync/': ['^src/core/', '^src/base/', '^src/store/outbox\\.ts$'], // the outbox's types only
  '^src/profiles/': ['^src/core/', '^src/base/', '^src/sync/'],
  '^src/config/': ['^src/core/', '^src/base/', '^src/profiles/'],
  '^src/api/': ['^src/core/', '^src/base/', '^src/qr/', '^src/config/'], // config's types only
  '^src/compat/': ['^src/core/', '^src/base/', '^src/config/'], // config's types only
  '^src/fleet/': ['^src/core/', '^src/base/', '^src/config/'], // config's types only
  '^src/engine/': ['^src/(core|base|store|qr|sync|profiles|config|api|compat|fleet)/', '^drivers/'],
  '^src/doctor/': ['^src/(core|base|config|profiles|store|sync)/', '^drivers/', '^src/fleet/probe\\.ts$'],
  '^src/hall/(?!web/)': ['^src/(core|base|config)/', '^src/store/open\\.ts$', '^src/store/migrations/'],
  '^src/report/': ['^src/(core|base|config)/', '^src/store/(open|stats-queries)\\.ts$'],
  '^src/shells/': ['^src/(engine|config|core|base)/'],
  '^src/renderer/': ['^src/core/'], // types only: renderer-types-only
  '^src/hall/web/': ['^src/hall/wire/page-types\\.d\\.ts$'], // types only: renderer-types-only
  '^src/commands/': ['^src/(shells|doctor|hall|report|compat|config|core|base)/'],
  '^src/electron-main\\.ts$': [
    '^src/commands/(usage|all)\\.ts$', // the command table only for a technician's command line
    '^src/shells/electron/(kiosk|app-protocol)\\.ts$',
  ],
  '^src/cli\\.ts$': ['^src/commands/all\\.ts$', '^src/base/'],
};

/**
 * Inside a floor, a folder's own files and one of its subfolders import each other one way
 * only. dependency-cruiser counts a folder with everything below it, so no-folder-cycles
 * cannot see a cycle between a folder and its own subfolder: this table says which way
 * each such pair points. 'up': the subfolder imports its parent's files (adapters
 * implement sync/adapter.ts), never the reverse. 'down': the parent's files import the
 * subfolder, never the reverse. A new subfolder gets a line here.
 */
const nested = [
  ['src/sync', 'adapters', 'up'],
  ['src/sync/adapters', 'fujian', 'up'],
  ['src/sync', 'crypto', 'down'],
  ['src/store', 'migrations', 'down'],
  ['src/hall', 'db', 'down'],
  ['src/hall', 'wire', 'down'],
  ['src/hall/db', 'migrations', 'down'],
  ['src/hall', 'web', 'up'],
  ['src/compat', 'gwq', 'up'],
  ['src/shells', 'serve', 'up'],
  ['src/shells', 'electron', 'up'],
];
const esc = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ownFiles = (folder) => `^${esc(folder)}/[^/]+$`;
const below = (folder, child) => `^${esc(folder)}/${esc(child)}/`;

module.exports = {
  forbidden: [
    ...Object.entries(floors).map(([from, allowed]) => ({
      name: `floor:${from}`,
      comment: `${from} may import only ${allowed.length ? allowed.join(', ') : 'node: and npm'} besides itself`,
      severity: 'error',
      from: { path: from },
      to: { path: ours, pathNot: [from, ...allowed] },
    })),
    ...nested.map(([folder, child, way]) => ({
      name: `nested:${folder}/${child}`,
      comment:
        way === 'up'
          ? `${folder}/${child}/ imports ${folder}'s files, never the reverse`
          : `${folder}'s files import ${folder}/${child}/, never the reverse`,
      severity: 'error',
      from: { path: way === 'up' ? ownFiles(folder) : below(folder, child) },
      to: { path: way === 'up' ? below(folder, child) : ownFiles(folder) },
    })),
    {
      name: 'no-folder-cycles',
      comment: 'two folders that import each other are one folder with two names',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-no-io',
      comment: 'src/core is pure: no node: module, no npm package',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
      },
    },
    {
      name: 'core-base-types-only',
      comment: 'the core takes only types from base (a Clock, a Logger), never their workings',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/base/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-types-only',
      comment: 'the screens run in a browser: they take only types from the rest of the program',
      severity: 'error',
      from: { path: '^src/(renderer|hall/web)/' },
      to: { path: ours, pathNot: '^src/(renderer|hall/web)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'sync-outbox-types-only',
      comment: 'the forwarder is handed an outbox; it never opens the store',
      severity: 'error',
      from: { path: '^src/sync/' },
      to: { path: '^src/store/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'config-types-only-for-api-compat-fleet',
      comment:
        'api, compat and fleet are handed their resolved section; they never load or check configuration',
      severity: 'error',
      from: { path: '^src/(api|compat|fleet)/' },
      to: { path: '^src/config/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nobody-imports-entries',
      comment:
        'src/cli.ts, src/commands/ and src/electron-main.ts start a process: nothing else imports them',
      severity: 'error',
      from: { pathNot: '^src/(cli\\.ts|commands/|electron-main\\.ts)' },
      to: { path: '^src/(cli\\.ts|commands/|electron-main\\.ts)' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import the checker cannot resolve would pass every floor rule unseen',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // No includeOnly: it would hide the node: and npm edges that core-no-io looks at.
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // NodeNext's './x.js' for x.ts (and './x.cjs' for x.cts) is resolved the way tsc does;
    // not-to-unresolvable fails should it ever not be.
  },
};
