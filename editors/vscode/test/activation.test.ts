// The bundled extension (dist/extension.js, built by `npm run bundle`) activated in a
// fake VS Code (test/vscode-fake.ts) against the real `ddia` binary ($DDIA_BIN, by
// default the repository's target/debug/ddia): the server is found and started, the
// server accepts the settings, the commands work and are registered once. Every wait
// is bounded.

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { COMMANDS, INSTALL_GUIDE_URL } from '../src/server';
import { changeConfiguration, install, reset, state, Uri } from './vscode-fake';

/** The extension's own commands, and the one the server runs (the checklist lens). */
const EXPECTED_COMMANDS = [...Object.values(COMMANDS), 'ddia.showDesignChecklist'].sort();

/** Bundled into out/, so the extension folder is one level up. */
const root = path.resolve(__dirname, '..');
const binary = path.resolve(process.env['DDIA_BIN'] ?? path.join(root, '..', '..', 'target', 'debug', 'ddia'));
const bundle = path.join(root, 'dist', 'extension.js');

interface Extension {
  activate(context: { subscriptions: { dispose(): unknown }[]; extensionPath: string }): Promise<void>;
  deactivate(): Promise<void>;
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
async function eventually(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}; output:\n${state.output.join('').slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function problems(): [string, string, string[]][] {
  return state.messages.filter(([kind]) => kind === 'error' || kind === 'warning');
}

/** A hung server fails its test instead of hanging the run. */
const bounded = { timeout: 60_000 };

describe('the extension in a fake VS Code', bounded, () => {
  let extension: Extension;
  let folder: string;
  let savedPath: string | undefined;
  let context: { subscriptions: { dispose(): unknown }[]; extensionPath: string };

  before(() => {
    assert.ok(existsSync(bundle), `no ${bundle}: run \`npm run bundle\``);
    assert.ok(existsSync(binary), `no ddia binary at ${binary}: run \`cargo build\` or set DDIA_BIN`);
    folder = mkdtempSync(path.join(os.tmpdir(), 'ddia-vscode-'));
    // A PATH whose only `ddia` is the binary under test.
    symlinkSync(binary, path.join(folder, 'ddia'));
    savedPath = process.env['PATH'];
    install();
    extension = createRequire(__filename)(bundle) as Extension;
  });

  after(() => {
    process.env['PATH'] = savedPath;
    rmSync(folder, { recursive: true, force: true });
  });

  async function activate(config: Record<string, unknown>, pathEnv: string, answers: [string, string][] = []): Promise<void> {
    reset({ 'server.path': '', 'trace.server': 'verbose', select: [], ignore: [], severity: {}, ...config });
    answers.forEach(([message, button]) => state.answers.set(message, button));
    process.env['PATH'] = pathEnv;
    context = { subscriptions: [], extensionPath: path.join(folder, 'extension') };
    await extension.activate(context);
  }

  afterEach(async () => {
    await extension.deactivate();
    context.subscriptions.forEach((disposable) => disposable.dispose());
    assert.deepEqual([...state.commands.keys()], [], 'commands left registered after deactivation');
  }, bounded);

  test('starts `ddia lsp` from PATH with the settings as initializationOptions', bounded, async () => {
    await activate({ ignore: ['missing-tracing'], severity: { 'non-overlapping-quorums': 'info' } }, folder);
    await eventually('the server to say it is ready', () => state.output.join('').includes('language server ready'));
    const output = state.output.join('');
    assert.ok(output.includes(`starting ${path.join(folder, 'ddia')} lsp`), output.slice(0, 2000));
    assert.match(output, /"initializationOptions": \{\s*"ddia": \{\s*"ignore": \[\s*"missing-tracing"\s*\],\s*"severity": \{\s*"non-overlapping-quorums": "info"/);
    assert.deepEqual([...state.commands.keys()].sort(), EXPECTED_COMMANDS);
    assert.deepEqual(problems(), []);
  });

  test('setting changes reach the server, which accepts them (and warns of unknown codes)', bounded, async () => {
    await activate({}, folder);
    // Nothing set: nothing sent, so the server may use the project's ddia.toml.
    assert.ok(!state.output.join('').includes('"initializationOptions"'), 'initializationOptions sent for default settings');
    changeConfiguration({ select: ['replication'], severity: { storage: 'error' } });
    await eventually('the settings to be sent', () => state.output.join('').includes("'workspace/didChangeConfiguration'"));
    changeConfiguration({ ignore: ['no-such-rule'] });
    await eventually('the server to warn of the unknown code', () => problems().length > 0);
    assert.deepEqual(
      problems().map(([kind, message]) => [kind, message]),
      [['warning', 'ddia: unknown rule codes or categories in the settings: no-such-rule']],
    );
  });

  test('restarting leaves one server and the same commands', bounded, async () => {
    await activate({}, folder);
    await state.commands.get(COMMANDS.restartServer)?.();
    const starts = state.output.join('').split('\n').filter((line) => line.startsWith('ddia: starting'));
    assert.equal(starts.length, 2);
    assert.deepEqual([...state.commands.keys()].sort(), EXPECTED_COMMANDS);
    assert.deepEqual(problems(), []);
  });

  test('rule documentation: by code (as the server\'s code action sends it) and from a pick', bounded, async () => {
    await activate({}, folder);
    await state.commands.get(COMMANDS.showRuleDocumentation)?.('last-write-wins');
    await state.commands.get(COMMANDS.showRuleDocumentation)?.();
    assert.deepEqual(state.opened, [
      'https://github.com/ddia-lint/ddia/blob/main/server/docs/rules/last-write-wins.md',
      // The fake quick pick takes the first rule.
      'https://github.com/ddia-lint/ddia/blob/main/server/docs/rules/syntax-error.md',
    ]);
    await state.commands.get(COMMANDS.showRuleDocumentation)?.('no-such-rule');
    assert.deepEqual(problems(), [['error', 'ddia: no rule has the code `no-such-rule`.', []]]);
  });

  test('the checklist and the graph of the active file open beside it', bounded, async () => {
    await activate({}, folder);
    const compose = path.join(folder, 'compose.yaml');
    writeFileSync(compose, 'services:\n  db:\n    image: postgres:16\n');
    state.activeDocument = { uri: Uri.file(compose), isDirty: false };
    await state.commands.get(COMMANDS.showChecklist)?.();
    await state.commands.get(COMMANDS.showGraph)?.();
    assert.equal(state.shown.length, 2, JSON.stringify(state.shown));
    const [checklist, graph] = state.shown;
    assert.equal(checklist?.language, 'plaintext');
    assert.match(checklist?.content ?? '', /^Design checklist for .*compose\.yaml: 0 of \d+ covered/);
    assert.equal(graph?.language, 'markdown');
    assert.match(graph?.content ?? '', /```mermaid\nflowchart LR\n {2}ds_db\[\("db<br>postgres/);
    assert.deepEqual(problems(), []);
    // Without an active file, a message says what to do.
    state.activeDocument = undefined;
    await state.commands.get(COMMANDS.showGraph)?.();
    assert.deepEqual(problems(), [['error', 'ddia: open a YAML file saved on disk first.', []]]);
  });

  test('importStrategy picks PATH or the bundled binary, and the output names it', bounded, async () => {
    // An extension folder with a bundled binary (as the platform-specific .vsix has).
    const withBundle = mkdtempSync(path.join(folder, 'bundled-'));
    mkdirSync(path.join(withBundle, 'extension', 'bin'), { recursive: true });
    const bundled = path.join(withBundle, 'extension', 'bin', 'ddia');
    copyFileSync(binary, bundled);
    const start = async (config: Record<string, unknown>): Promise<string> => {
      reset({ 'server.path': '', 'trace.server': 'off', select: [], ignore: [], severity: {}, ...config });
      process.env['PATH'] = folder;
      context = { subscriptions: [], extensionPath: path.join(withBundle, 'extension') };
      await extension.activate(context);
      return state.output.join('');
    };
    const fromEnvironment = await start({});
    assert.ok(fromEnvironment.includes(`ddia: using ${path.join(folder, 'ddia')} (from PATH)`), fromEnvironment);
    await extension.deactivate();
    context.subscriptions.forEach((disposable) => disposable.dispose());
    const useBundled = await start({ importStrategy: 'useBundled' });
    assert.ok(useBundled.includes(`ddia: using ${bundled} (from the binary bundled with the extension)`), useBundled);
    assert.ok(useBundled.includes(`starting ${bundled} lsp`), useBundled);
  });

  test('no binary: an error with a button to the install guide', bounded, async () => {
    const empty = mkdtempSync(path.join(folder, 'empty-'));
    await activate({}, empty, [['was not found', 'Open install guide']]);
    await eventually('the install guide to open', () => state.opened.length > 0);
    assert.deepEqual(state.opened, [INSTALL_GUIDE_URL]);
    const [[kind, message, buttons] = ['', '', []]] = problems();
    assert.equal(kind, 'error');
    assert.match(message, /`ddia` binary was not found/);
    assert.deepEqual(buttons, ['Open install guide', 'Open settings']);
    // The extension's own commands are there all the same (no server, no server command).
    assert.deepEqual([...state.commands.keys()].sort(), Object.values(COMMANDS).sort());
    await state.commands.get(COMMANDS.showOutput)?.();
  });

  test('ddia.path wins over its older name ddia.server.path', bounded, async () => {
    await activate({ path: path.join(folder, 'ddia'), 'server.path': path.join(folder, 'no-such-ddia') }, '');
    assert.ok(
      state.output.join('').includes(`ddia: using ${path.join(folder, 'ddia')} (from the ddia.path setting)`),
      state.output.join('').slice(0, 2000),
    );
    assert.deepEqual(problems(), []);
  });

  test('a ddia.server.path naming no file is reported, not replaced by PATH', bounded, async () => {
    const missing = path.join(folder, 'missing', 'ddia');
    await activate({ 'server.path': missing }, folder);
    await eventually('the error', () => problems().length > 0);
    const [[kind, message] = ['', '']] = problems();
    assert.equal(kind, 'error');
    assert.ok(message.includes(missing), message);
    assert.ok(!state.output.join('').includes('ddia: starting'));
  });
});
