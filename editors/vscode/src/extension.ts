// The VS Code side of ddia: starts `ddia lsp` for YAML and Compose files. Everything
// the server does (diagnostics, fixes, hovers, completion, outline, rename) comes over
// the Language Server Protocol; this file only finds the binary, passes the settings
// and adds three commands.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  DynamicFeature,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';
import { findRule, loadRules, type Rule } from './rules';
import {
  COMMANDS,
  describeSource,
  IMPORT_STRATEGIES,
  INSTALL_GUIDE_URL,
  initializationOptions,
  resolveServer,
  serverConfiguration,
  serverOnlyCommands,
  type ImportStrategy,
  type RawSettings,
  type Resolution,
} from './server';

const SECTION = 'ddia';
const OPEN_INSTALL_GUIDE = 'Open install guide';
const OPEN_SETTINGS = 'Open settings';
const SHOW_OUTPUT = 'Show output';

/** A language client that leaves to the extension the commands it implements itself. */
class DdiaLanguageClient extends LanguageClient {
  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    if (DynamicFeature.is(feature) && feature.registrationType.method === ExecuteCommandRequest.method) {
      const register = feature.register.bind(feature);
      feature.register = (data) => {
        const options = data.registerOptions as { commands?: string[] };
        register({ ...data, registerOptions: { ...options, commands: serverOnlyCommands(options.commands) ?? [] } });
      };
    }
    super.registerFeature(feature);
  }
}

let client: DdiaLanguageClient | undefined;
let output: vscode.OutputChannel;
let extensionPath = '';
/** The rules of the last binary asked, by its path. */
let rulesCache: { binary: string; rules: Rule[] } | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('ddia');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand(COMMANDS.restartServer, () => restart()),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(COMMANDS.showRuleDocumentation, (code?: unknown) =>
      showRuleDocumentation(typeof code === 'string' ? code : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.showChecklist, () => showReport('review')),
    vscode.commands.registerCommand(COMMANDS.showGraph, () => showReport('graph')),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        event.affectsConfiguration(`${SECTION}.path`) ||
        event.affectsConfiguration(`${SECTION}.server.path`) ||
        event.affectsConfiguration(`${SECTION}.importStrategy`)
      ) {
        void restart();
      } else if (
        event.affectsConfiguration(`${SECTION}.select`) ||
        event.affectsConfiguration(`${SECTION}.ignore`) ||
        event.affectsConfiguration(`${SECTION}.severity`)
      ) {
        void sendSettings();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // A workspace's own `ddia.server.path` counts only once it is trusted.
      const config = vscode.workspace.getConfiguration(SECTION);
      const inWorkspace = ['path', 'server.path', 'importStrategy'].some(
        (key) => config.inspect(key)?.workspaceValue !== undefined,
      );
      if (inWorkspace) {
        void restart();
      }
    }),
  );
  await restart();
}

export async function deactivate(): Promise<void> {
  await stop();
}

function settings(): RawSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    select: config.get('select'),
    ignore: config.get('ignore'),
    severity: config.get('severity'),
    maxFileSize: config.get('maxFileSize'),
    configurationPreference: config.get('configurationPreference'),
  };
}

function findServer(): Resolution {
  return resolveServer({
    platform: process.platform,
    configuredPath: configuredPath(),
    importStrategy: importStrategy(),
    extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    homeDir: os.homedir(),
    pathEnv: process.env['PATH'] ?? process.env['Path'],
    pathExt: process.env['PATHEXT'],
    isExecutable,
  });
}

/** `ddia.path`, or its older name `ddia.server.path` when it is empty. */
function configuredPath(): string {
  const config = vscode.workspace.getConfiguration(SECTION);
  const path = config.get<string>('path', '');
  return path.trim() !== '' ? path : config.get<string>('server.path', '');
}

function importStrategy(): ImportStrategy {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>('importStrategy', 'fromEnvironment');
  return (IMPORT_STRATEGIES as readonly string[]).includes(value) ? (value as ImportStrategy) : 'fromEnvironment';
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** The binary's path, or undefined after telling the user why there is none. */
function serverBinary(): string | undefined {
  const resolution = findServer();
  switch (resolution.kind) {
    case 'found':
      output.appendLine(`ddia: using ${resolution.path} (from ${describeSource(resolution.source)})`);
      return resolution.path;
    case 'configured-missing': {
      const message = `ddia: the ddia.path setting names ${resolution.path}, which is not an executable file.`;
      output.appendLine(message);
      void vscode.window.showErrorMessage(message, OPEN_SETTINGS, OPEN_INSTALL_GUIDE).then(onNotFoundChoice);
      return undefined;
    }
    case 'not-found': {
      output.appendLine(`ddia: no server binary found; looked at:\n  ${resolution.searched.join('\n  ')}`);
      void vscode.window
        .showErrorMessage(
          'ddia: the `ddia` binary was not found (set ddia.path, or put `ddia` on PATH). Linting of YAML designs is off.',
          OPEN_INSTALL_GUIDE,
          OPEN_SETTINGS,
        )
        .then(onNotFoundChoice);
      return undefined;
    }
  }
}

function onNotFoundChoice(choice: string | undefined): void {
  if (choice === OPEN_INSTALL_GUIDE) {
    void vscode.env.openExternal(vscode.Uri.parse(INSTALL_GUIDE_URL));
  } else if (choice === OPEN_SETTINGS) {
    void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.path`);
  }
}

async function start(): Promise<void> {
  const binary = serverBinary();
  if (binary === undefined) {
    return;
  }
  output.appendLine(`ddia: starting ${binary} lsp`);
  const serverOptions: ServerOptions = { command: binary, args: ['lsp'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'file', language: 'dockercompose' },
      { scheme: 'untitled', language: 'dockercompose' },
    ],
    initializationOptions: initializationOptions(settings()),
    outputChannel: output,
  };
  // The id `ddia` makes the client read `ddia.trace.server`.
  const started = new DdiaLanguageClient('ddia', 'ddia', serverOptions, clientOptions);
  client = started;
  try {
    await started.start();
  } catch (error) {
    output.appendLine(`ddia: the server did not start: ${String(error)}`);
    void vscode.window
      .showErrorMessage(`ddia: the language server (${binary}) did not start.`, SHOW_OUTPUT)
      .then((choice) => {
        if (choice === SHOW_OUTPUT) {
          output.show(true);
        }
      });
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) {
    return;
  }
  const wasRunning = running.isRunning();
  try {
    await running.dispose();
  } catch (error) {
    // A client whose server never started cannot be stopped, and need not be.
    if (wasRunning) {
      output.appendLine(`ddia: stopping the server: ${String(error)}`);
    }
  }
}

/** Restarts one after the other, so that quick setting changes leave one server. */
let restarting: Promise<void> = Promise.resolve();

function restart(): Promise<void> {
  restarting = restarting.then(async () => {
    // A rebuilt binary at the same path may know other rules.
    rulesCache = undefined;
    await stop();
    await start();
  });
  return restarting;
}

async function sendSettings(): Promise<void> {
  if (client === undefined || !client.isRunning()) {
    return;
  }
  await client.sendNotification(DidChangeConfigurationNotification.type, { settings: serverConfiguration(settings()) });
}

async function rules(): Promise<Rule[] | undefined> {
  const binary = serverBinary();
  if (binary === undefined) {
    return undefined;
  }
  if (rulesCache?.binary !== binary) {
    try {
      rulesCache = { binary, rules: await loadRules(binary) };
    } catch (error) {
      output.appendLine(String(error));
      void vscode.window.showErrorMessage(`ddia: could not list the rules: ${String(error)}`);
      return undefined;
    }
  }
  return rulesCache.rules;
}

/** Opens a rule's page; without a code (from the command palette), asks which rule. */
async function showRuleDocumentation(code: string | undefined): Promise<void> {
  const all = await rules();
  if (all === undefined) {
    return;
  }
  let rule: Rule | undefined;
  if (code !== undefined && code.trim() !== '') {
    rule = findRule(all, code);
    if (rule === undefined) {
      void vscode.window.showErrorMessage(`ddia: no rule has the code \`${code}\`.`);
      return;
    }
  } else {
    const picked = await vscode.window.showQuickPick(
      all.map((candidate) => ({
        label: candidate.code,
        description: `${candidate.category} · ${candidate.severity}`,
        detail: candidate.summary,
        rule: candidate,
      })),
      { placeHolder: 'Rule to show the documentation of', matchOnDescription: true, matchOnDetail: true },
    );
    rule = picked?.rule;
  }
  if (rule !== undefined) {
    await vscode.env.openExternal(vscode.Uri.parse(rule.url));
  }
}

/**
 * Shows the design-review checklist (`ddia review`) or the dependency graph (`ddia
 * graph`, Mermaid in a Markdown fence) of the active file, as saved on disk, in a new
 * editor beside it.
 */
async function showReport(kind: 'review' | 'graph'): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (document === undefined || document.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('ddia: open a YAML file saved on disk first.');
    return;
  }
  const binary = serverBinary();
  if (binary === undefined) {
    return;
  }
  if (document.isDirty) {
    void vscode.window.showWarningMessage('ddia: the file has unsaved changes; this shows it as saved on disk.');
  }
  const file = document.uri.fsPath;
  let text: string;
  try {
    text = await new Promise<string>((resolve, reject) => {
      execFile(binary, [kind, file], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error !== null && stdout === '') {
          reject(new Error(stderr.trim() || String(error)));
        } else {
          resolve(stdout);
        }
      });
    });
  } catch (error) {
    output.appendLine(`ddia ${kind} ${file}: ${String(error)}`);
    void vscode.window.showErrorMessage(`ddia ${kind}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const content = kind === 'graph' ? `# Dependency graph of ${file}\n\n\`\`\`mermaid\n${text}\`\`\`\n` : text;
  const shown = await vscode.workspace.openTextDocument({
    content,
    language: kind === 'graph' ? 'markdown' : 'plaintext',
  });
  await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}
