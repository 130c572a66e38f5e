import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { findRule, parseRules, ruleSelectors, syncManifest, type Manifest, type Rule } from '../src/rules';
import {
  COMMANDS,
  executableNames,
  initializationOptions,
  resolveServer,
  serverConfiguration,
  serverOnlyCommands,
  toServerSettings,
  type ResolveEnvironment,
} from '../src/server';

/** Bundled into out/, so the extension folder is one level up. */
const root = path.resolve(__dirname, '..');

function environment(overrides: Partial<ResolveEnvironment> & { files?: string[] }): ResolveEnvironment {
  const files = new Set(overrides.files ?? []);
  return {
    platform: 'linux',
    configuredPath: '',
    extensionPath: '/ext',
    workspaceFolder: '/work/project',
    homeDir: '/home/me',
    pathEnv: '/usr/local/bin:/usr/bin',
    pathExt: undefined,
    isExecutable: (file) => files.has(file),
    ...overrides,
  };
}

describe('resolveServer', () => {
  test('the setting wins over the bundled binary and PATH', () => {
    const env = environment({ configuredPath: '/opt/ddia/ddia', files: ['/opt/ddia/ddia', '/ext/bin/ddia', '/usr/bin/ddia'] });
    assert.deepEqual(resolveServer(env), { kind: 'found', path: '/opt/ddia/ddia', source: 'setting' });
  });

  test('a setting naming no file is an error, not a fallback', () => {
    const env = environment({ configuredPath: '/opt/nothing/ddia', files: ['/ext/bin/ddia', '/usr/bin/ddia'] });
    assert.deepEqual(resolveServer(env), { kind: 'configured-missing', path: '/opt/nothing/ddia' });
  });

  test('the setting expands ~ and is relative to the workspace folder', () => {
    assert.deepEqual(resolveServer(environment({ configuredPath: '~/bin/ddia', files: ['/home/me/bin/ddia'] })), {
      kind: 'found',
      path: '/home/me/bin/ddia',
      source: 'setting',
    });
    assert.deepEqual(resolveServer(environment({ configuredPath: ' ./target/debug/ddia ', files: ['/work/project/target/debug/ddia'] })), {
      kind: 'found',
      path: '/work/project/target/debug/ddia',
      source: 'setting',
    });
  });

  test('a blank setting is unset', () => {
    const env = environment({ configuredPath: '   ', files: ['/usr/bin/ddia'] });
    assert.deepEqual(resolveServer(env), { kind: 'found', path: '/usr/bin/ddia', source: 'path' });
  });

  test('fromEnvironment (the default): PATH comes before the bundled binary', () => {
    const env = environment({ files: ['/ext/bin/ddia', '/usr/local/bin/ddia'] });
    assert.deepEqual(resolveServer(env), { kind: 'found', path: '/usr/local/bin/ddia', source: 'path' });
    assert.deepEqual(resolveServer({ ...env, importStrategy: 'fromEnvironment' }), {
      kind: 'found',
      path: '/usr/local/bin/ddia',
      source: 'path',
    });
    assert.deepEqual(resolveServer(environment({ files: ['/ext/bin/ddia'] })), {
      kind: 'found',
      path: '/ext/bin/ddia',
      source: 'bundled',
    });
  });

  test('useBundled: the bundled binary comes before PATH', () => {
    const env = environment({ importStrategy: 'useBundled', files: ['/ext/bin/ddia', '/usr/local/bin/ddia'] });
    assert.deepEqual(resolveServer(env), { kind: 'found', path: '/ext/bin/ddia', source: 'bundled' });
    assert.deepEqual(resolveServer({ ...env, isExecutable: (file) => file === '/usr/local/bin/ddia' }), {
      kind: 'found',
      path: '/usr/local/bin/ddia',
      source: 'path',
    });
  });

  test('PATH is searched in order, skipping empty and relative entries', () => {
    const env = environment({ pathEnv: ':relative:/a:/b:/c', files: ['relative/ddia', '/b/ddia', '/c/ddia'] });
    assert.deepEqual(resolveServer(env), { kind: 'found', path: '/b/ddia', source: 'path' });
  });

  test('nothing found lists what was searched', () => {
    const env = environment({ pathEnv: '/a:/b' });
    assert.deepEqual(resolveServer(env), { kind: 'not-found', searched: ['/a/ddia', '/b/ddia', '/ext/bin/ddia'] });
  });

  test('an unset PATH only looks at the bundled binary', () => {
    assert.deepEqual(resolveServer(environment({ pathEnv: undefined })), { kind: 'not-found', searched: ['/ext/bin/ddia'] });
  });

  test('Windows: PATH with PATHEXT and quoted entries, then bin\\ddia.exe', () => {
    const base = {
      platform: 'win32' as const,
      extensionPath: 'C:\\ext',
      workspaceFolder: 'C:\\project',
      homeDir: 'C:\\Users\\me',
      pathEnv: 'C:\\Windows;"C:\\Program Files\\ddia";D:\\tools',
      pathExt: '.COM;.EXE;.CMD',
    };
    assert.deepEqual(resolveServer(environment({ ...base, files: ['C:\\ext\\bin\\ddia.exe'] })), {
      kind: 'found',
      path: 'C:\\ext\\bin\\ddia.exe',
      source: 'bundled',
    });
    assert.deepEqual(resolveServer(environment({ ...base, files: ['C:\\Program Files\\ddia\\ddia.exe', 'D:\\tools\\ddia.exe'] })), {
      kind: 'found',
      path: 'C:\\Program Files\\ddia\\ddia.exe',
      source: 'path',
    });
    assert.deepEqual(resolveServer(environment({ ...base, files: ['D:\\tools\\ddia.cmd'] })), {
      kind: 'found',
      path: 'D:\\tools\\ddia.cmd',
      source: 'path',
    });
    assert.deepEqual(resolveServer(environment({ ...base, configuredPath: '~\\bin\\ddia.exe', files: ['C:\\Users\\me\\bin\\ddia.exe'] })), {
      kind: 'found',
      path: 'C:\\Users\\me\\bin\\ddia.exe',
      source: 'setting',
    });
  });

  test('executable names', () => {
    assert.deepEqual(executableNames('darwin', '.EXE'), ['ddia']);
    assert.deepEqual(executableNames('win32', undefined), ['ddia.exe', 'ddia.com', 'ddia.bat', 'ddia.cmd']);
    assert.deepEqual(executableNames('win32', '.EXE;;.PS1'), ['ddia.exe', 'ddia.ps1']);
  });
});

describe('settings for the server', () => {
  test('defaults send nothing: no initializationOptions, and {} on a change back', () => {
    assert.deepEqual(toServerSettings({ select: [], ignore: [], severity: {} }), {});
    assert.deepEqual(toServerSettings({ select: undefined, ignore: undefined, severity: undefined }), {});
    assert.equal(initializationOptions({ select: [], ignore: [], severity: {} }), undefined);
    assert.deepEqual(serverConfiguration({ select: [], ignore: [], severity: {} }), { ddia: {} });
    assert.deepEqual(initializationOptions({ select: [], ignore: [], severity: { storage: 'info' } }), {
      ddia: { severity: { storage: 'info' } },
    });
  });

  test('configurationPreference passes through unless it is the default or unknown', () => {
    const base = { select: [], ignore: [], severity: {} };
    assert.deepEqual(toServerSettings({ ...base, configurationPreference: 'editorFirst' }), {
      configurationPreference: 'editorFirst',
    });
    assert.deepEqual(toServerSettings({ ...base, configurationPreference: 'filesystemFirst' }), {});
    assert.deepEqual(toServerSettings({ ...base, configurationPreference: 'fileFirst' }), {});
  });

  test('maxFileSize passes through when set, and is omitted when empty or malformed', () => {
    assert.deepEqual(toServerSettings({ select: [], ignore: [], severity: {}, maxFileSize: ' 5MB ' }), {
      maxFileSize: '5MB',
    });
    assert.deepEqual(toServerSettings({ select: [], ignore: [], severity: {}, maxFileSize: 1024 }), {
      maxFileSize: 1024,
    });
    assert.deepEqual(toServerSettings({ select: [], ignore: [], severity: {}, maxFileSize: '' }), {});
    assert.deepEqual(toServerSettings({ select: [], ignore: [], severity: {}, maxFileSize: -3 }), {});
  });

  test('an empty select is omitted: the server reads [] as no rule at all', () => {
    const settings = toServerSettings({ select: ['  '], ignore: [], severity: {} });
    assert.equal('select' in settings, false);
  });

  test('values pass through, trimmed and deduplicated', () => {
    assert.deepEqual(
      serverConfiguration({
        select: ['replication', ' non-overlapping-quorums ', 'replication'],
        ignore: ['missing-tracing'],
        severity: { 'non-overlapping-quorums': 'error', operations: 'info' },
      }),
      {
        ddia: {
          select: ['replication', 'non-overlapping-quorums'],
          ignore: ['missing-tracing'],
          severity: { 'non-overlapping-quorums': 'error', operations: 'info' },
        },
      },
    );
  });

  test('malformed entries are dropped so the server keeps the rest', () => {
    assert.deepEqual(
      toServerSettings({
        select: 'replication',
        ignore: ['missing-tracing', 3, null, ''],
        severity: { 'last-write-wins': 'fatal', 'missing-backup': 'warning', '': 'error', x: 1 },
      }),
      { ignore: ['missing-tracing'], severity: { 'missing-backup': 'warning' } },
    );
    assert.deepEqual(toServerSettings({ select: null, ignore: {}, severity: ['error'] }), {});
  });

  test('only the keys the server accepts (it rejects unknown fields)', () => {
    const settings = serverConfiguration({ select: ['replication'], ignore: ['syntax'], severity: { storage: 'info' } });
    assert.deepEqual(Object.keys(settings), ['ddia']);
    for (const key of Object.keys(settings.ddia)) {
      assert.ok(['select', 'extend-select', 'ignore', 'severity'].includes(key), key);
    }
  });
});

describe('commands', () => {
  test('the server keeps its commands except those the extension implements', () => {
    assert.deepEqual(serverOnlyCommands(['ddia.showRuleDocumentation', 'ddia.other']), ['ddia.other']);
    assert.deepEqual(serverOnlyCommands(['ddia.showRuleDocumentation']), []);
    assert.equal(serverOnlyCommands(undefined), undefined);
  });

  test('package.json contributes exactly the commands the extension registers', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string; title: string; category: string }[] };
    };
    const contributed = manifest.contributes.commands.map((command) => command.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
    const titles = manifest.contributes.commands.map((command) => `${command.category}: ${command.title}`).sort();
    assert.deepEqual(titles, [
      'ddia: Restart Server',
      'ddia: Show Dependency Graph',
      'ddia: Show Design Checklist',
      'ddia: Show Rule Documentation',
      'ddia: Show Server Logs',
    ]);
  });
});

const SAMPLE: Rule[] = [
  { code: 'a-rule', category: 'replication', severity: 'warning', summary: 'A', fix: 'none', url: 'https://example.org/a' },
  { code: 'b-rule', category: 'storage', severity: 'error', summary: 'B', fix: 'safe', url: 'https://example.org/b' },
  { code: 'c-rule', category: 'replication', severity: 'info', summary: 'C', fix: 'none', url: 'https://example.org/c' },
];

describe('rules', () => {
  test('parses `ddia rules --json`', () => {
    assert.deepEqual(parseRules(JSON.stringify(SAMPLE)), SAMPLE);
    assert.equal(findRule(SAMPLE, ' b-rule')?.url, 'https://example.org/b');
    assert.equal(findRule(SAMPLE, 'z-rule'), undefined);
  });

  test('rejects what is not a rule list, readably', () => {
    assert.throws(() => parseRules('error: no such command'), /printed no JSON/);
    assert.throws(() => parseRules('[]'), /no list of rules/);
    assert.throws(() => parseRules('[{"code": "x"}]'), /rule 0/);
  });

  test('selectors: codes, then categories', () => {
    assert.deepEqual(ruleSelectors(SAMPLE).enum, ['a-rule', 'b-rule', 'c-rule', 'replication', 'storage']);
    assert.equal(ruleSelectors(SAMPLE).enumDescriptions.length, 5);
    assert.match(ruleSelectors(SAMPLE).enumDescriptions[3] ?? '', /2 rules/);
  });

  test('syncManifest writes the generated schemas once', () => {
    const manifest: Manifest = {
      contributes: { configuration: { properties: { 'ddia.select': {}, 'ddia.ignore': {}, 'ddia.severity': { type: 'object' } } } },
    };
    assert.equal(syncManifest(manifest, SAMPLE), true);
    assert.equal(syncManifest(manifest, SAMPLE), false);
    const severity = manifest.contributes.configuration.properties['ddia.severity'];
    assert.deepEqual((severity?.['propertyNames'] as { enum: string[] }).enum, ruleSelectors(SAMPLE).enum);
    assert.equal(severity?.['type'], 'object');
    assert.throws(() => syncManifest({ contributes: { configuration: { properties: {} } } }, SAMPLE), /ddia.select/);
  });
});
