// package.json against the server: the rule names the settings accept must be exactly
// what `ddia rules --json` lists, so that the settings cannot drift from the server.
// The binary is $DDIA_BIN, by default the repository's target/debug/ddia (built by
// `cargo build`); `npm run sync-rules` rewrites package.json when this test fails.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { parseRules, RULE_SETTINGS, syncManifest, type Manifest, type Rule } from '../src/rules';

/** Bundled into out/, so the extension folder is one level up. */
const root = path.resolve(__dirname, '..');
const binary = process.env['DDIA_BIN'] ?? path.resolve(root, '..', '..', 'target', 'debug', 'ddia');

interface Schema {
  type?: string;
  enum?: string[];
  enumDescriptions?: string[];
  default?: unknown;
  items?: Schema;
  propertyNames?: Schema;
  additionalProperties?: Schema;
  markdownDeprecationMessage?: string;
}

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest & {
  name: string;
  publisher: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    yamlValidation: { fileMatch: string[]; url: string }[];
    tomlValidation: { fileMatch: string; url: string }[];
  };
};
const properties = manifest.contributes.configuration.properties as Record<string, Schema>;

function property(name: string): Schema {
  const schema = properties[name];
  assert.ok(schema, `package.json contributes no setting ${name}`);
  return schema;
}

describe(`package.json settings against \`${binary} rules --json\``, () => {
  let rules: Rule[] = [];

  before(() => {
    assert.ok(existsSync(binary), `no ddia binary at ${binary}: run \`cargo build\` or set DDIA_BIN`);
    rules = parseRules(execFileSync(binary, ['rules', '--json'], { encoding: 'utf8', timeout: 30_000 }));
  });

  test('ddia.severity accepts exactly the rule codes and categories as keys', () => {
    const severity = property('ddia.severity');
    assert.equal(severity.type, 'object');
    const names = severity.propertyNames?.enum;
    assert.ok(names, 'ddia.severity has no propertyNames enum');
    const codes = rules.map((rule) => rule.code);
    const categories = [...new Set(rules.map((rule) => rule.category))];
    assert.deepEqual(
      codes.filter((code) => !names.includes(code)),
      [],
      'rule codes missing from ddia.severity: run `npm run sync-rules`',
    );
    assert.deepEqual(
      names.filter((name) => !codes.includes(name) && !categories.includes(name)),
      [],
      'ddia.severity names codes the server does not know: run `npm run sync-rules`',
    );
    assert.deepEqual(new Set(names), new Set([...codes, ...categories]));
    assert.equal(names.length, new Set(names).size, 'duplicates in ddia.severity propertyNames');
    assert.deepEqual(severity.additionalProperties?.enum, ['error', 'warning', 'info']);
    const severities = new Set(rules.map((rule) => rule.severity));
    for (const value of severities) {
      assert.ok(severity.additionalProperties?.enum?.includes(value), `the server has a severity ${value} the setting lacks`);
    }
  });

  test('ddia.select and ddia.ignore accept the same names as ddia.severity', () => {
    const keys = property('ddia.severity').propertyNames?.enum;
    for (const name of ['ddia.select', 'ddia.ignore']) {
      const schema = property(name);
      assert.equal(schema.type, 'array');
      assert.deepEqual(schema.default, []);
      assert.deepEqual(schema.items?.enum, keys, name);
    }
  });

  test('every generated part (names and descriptions) is what sync-rules writes', () => {
    const copy = JSON.parse(JSON.stringify(manifest)) as Manifest;
    assert.equal(syncManifest(copy, rules), false, 'package.json is out of date: run `npm run sync-rules`');
    assert.deepEqual(RULE_SETTINGS, ['ddia.select', 'ddia.ignore', 'ddia.severity']);
  });

  test('rule documentation links are web pages', () => {
    for (const rule of rules) {
      assert.match(rule.url, /^https:\/\//, rule.code);
    }
  });
});

describe('package.json manifest', () => {
  test('identity, entry point and activation', () => {
    assert.equal(manifest.name, 'ddia');
    assert.equal(manifest.publisher, 'ddia-lint');
    assert.equal(manifest.main, './dist/extension.js');
    assert.equal(manifest.engines.vscode, '^1.90.0');
    assert.deepEqual(manifest.activationEvents, ['onLanguage:yaml', 'onLanguage:dockercompose']);
  });

  test('server path, import strategy and trace settings', () => {
    assert.equal(property('ddia.path').type, 'string');
    assert.equal(property('ddia.path').default, '');
    // The older name is still read, and marked as such.
    assert.equal(property('ddia.server.path').type, 'string');
    assert.ok(property('ddia.server.path').markdownDeprecationMessage);
    assert.deepEqual(property('ddia.importStrategy').enum, ['fromEnvironment', 'useBundled']);
    assert.equal(property('ddia.importStrategy').default, 'fromEnvironment');
    assert.deepEqual(property('ddia.trace.server').enum, ['off', 'messages', 'verbose']);
  });

  test('system specs and ddia.toml get the JSON Schemas the build copies from grammars/', () => {
    assert.deepEqual(manifest.contributes.yamlValidation, [
      { fileMatch: ['*.ddia.yaml', '*.ddia.yml', 'ddia.yaml', 'ddia.yml'], url: './schemas/system-spec.schema.json' },
    ]);
    assert.deepEqual(manifest.contributes.tomlValidation, [
      { fileMatch: 'ddia.toml', url: './schemas/ddia-toml.schema.json' },
    ]);
    for (const name of ['system-spec.schema.json', 'ddia-toml.schema.json']) {
      const source = path.resolve(root, '..', '..', 'grammars', name);
      assert.ok(existsSync(source), `no schema at ${source}`);
      const copied = path.join(root, 'schemas', name);
      if (existsSync(copied)) {
        assert.equal(readFileSync(copied, 'utf8'), readFileSync(source, 'utf8'), 'schemas/ is stale: run `npm run build`');
      }
    }
  });

});
