// A small fake of the `vscode` module: enough of the API for the bundled extension to
// activate and for vscode-languageclient to start the real `ddia lsp`. VS Code itself
// cannot be downloaded where the tests run; this checks the wiring (server found and
// started, settings accepted by the server, commands registered once), not the editor.
// Anything the fake does not define is a no-op returning a disposable.

import Module from 'node:module';

export interface FakeState {
  /** Values of the `ddia.*` settings, by key without the `ddia.` prefix. */
  config: Record<string, unknown>;
  /** Registered commands. */
  commands: Map<string, (...args: any[]) => unknown>;
  /** Notifications shown: [kind, message, buttons]. */
  messages: [string, string, string[]][];
  /** URLs opened with env.openExternal. */
  opened: string[];
  /** Everything written to output channels. */
  output: string[];
  /** The button a notification "clicks", by a substring of its message. */
  answers: Map<string, string>;
  /** The active editor's document (`window.activeTextEditor.document`). */
  activeDocument: { uri: Uri; isDirty: boolean } | undefined;
  /** Documents opened with workspace.openTextDocument({content, language}). */
  shown: { content: string; language: string }[];
  /** Listeners of workspace.onDidChangeConfiguration. */
  configurationListeners: ((event: { affectsConfiguration(section: string): boolean }) => void)[];
}

export const state: FakeState = {
  config: {},
  commands: new Map(),
  messages: [],
  opened: [],
  output: [],
  answers: new Map(),
  activeDocument: undefined,
  shown: [],
  configurationListeners: [],
};

export function reset(config: Record<string, unknown>): void {
  state.config = config;
  state.messages = [];
  state.opened = [];
  state.output = [];
  state.answers = new Map();
  state.activeDocument = undefined;
  state.shown = [];
}

/** Changes settings and tells the listeners, as VS Code does. */
export function changeConfiguration(changes: Record<string, unknown>): void {
  Object.assign(state.config, changes);
  const keys = Object.keys(changes).map((key) => `ddia.${key}`);
  const event = {
    affectsConfiguration: (section: string) => keys.some((key) => key === section || key.startsWith(`${section}.`)),
  };
  for (const listener of [...state.configurationListeners]) {
    listener(event);
  }
}

class Disposable {
  constructor(private readonly callback?: () => void) {}
  dispose(): void {
    this.callback?.();
  }
  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => disposables.forEach((disposable) => disposable.dispose()));
  }
}

class EventEmitter<T> {
  private listeners: ((value: T) => void)[] = [];
  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    });
  };
  fire(value: T): void {
    this.listeners.forEach((listener) => listener(value));
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  readonly scheme: string;
  readonly fsPath: string;
  constructor(private readonly text: string) {
    this.scheme = text.split(':')[0] ?? '';
    this.fsPath = text.replace(/^file:\/\//, '');
  }
  toString(): string {
    return this.text;
  }
  static parse(text: string): Uri {
    return new Uri(text);
  }
  static file(file: string): Uri {
    return new Uri(`file://${file}`);
  }
}

class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly Source = new CodeActionKind('source');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value === '' ? part : `${this.value}.${part}`);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
}

/** The `ddia` section as one object (`server.path` as `{server: {path}}`), as VS Code gives it. */
function nestedConfig(): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state.config)) {
    const parts = key.split('.');
    let target = result;
    for (const part of parts.slice(0, -1)) {
      target = (target[part] ??= {}) as Record<string, unknown>;
    }
    target[parts[parts.length - 1] ?? key] = value;
  }
  return result;
}

const noEvent = (): Disposable => new Disposable();

/** Any property, any call, any construction: a no-op that returns a disposable. */
const anything: any = new Proxy(function () {}, {
  get: (_target, property) => (property === 'then' ? undefined : property === 'dispose' ? () => {} : anything),
  apply: () => new Disposable(),
  construct: () => ({}),
});

function withDefault<T extends object>(target: T): T {
  return new Proxy(target, { get: (object, property) => (property in object ? (object as any)[property] : anything) });
}

function notify(kind: string) {
  return async (message: string, ...rest: unknown[]): Promise<string | undefined> => {
    const buttons = rest.filter((item): item is string => typeof item === 'string');
    state.messages.push([kind, message, buttons]);
    for (const [substring, answer] of state.answers) {
      if (message.includes(substring) && buttons.includes(answer)) {
        return answer;
      }
    }
    return undefined;
  };
}

function outputChannel(name: string): object {
  return {
    name,
    append: (text: string) => state.output.push(text),
    appendLine: (text: string) => state.output.push(`${text}\n`),
    show() {},
    hide() {},
    clear() {},
    replace() {},
    dispose() {},
  };
}

const vscode = withDefault({
  version: '1.90.0',
  Disposable,
  EventEmitter,
  Uri,
  CodeActionKind,
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
  commands: withDefault({
    registerCommand(id: string, callback: (...args: any[]) => unknown): Disposable {
      // As VS Code: one command id, one handler.
      if (state.commands.has(id)) {
        throw new Error(`command '${id}' already exists`);
      }
      state.commands.set(id, callback);
      return new Disposable(() => state.commands.delete(id));
    },
    async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
      const command = state.commands.get(id);
      if (command === undefined) {
        throw new Error(`command '${id}' not found`);
      }
      return command(...args);
    },
  }),
  window: withDefault({
    createOutputChannel: outputChannel,
    showErrorMessage: notify('error'),
    showWarningMessage: notify('warning'),
    showInformationMessage: notify('info'),
    showQuickPick: async <T>(items: T[] | Promise<T[]>): Promise<T | undefined> => (await items)[0],
    visibleTextEditors: [],
    get activeTextEditor() {
      return state.activeDocument === undefined ? undefined : { document: state.activeDocument };
    },
    showTextDocument: async () => undefined,
    onDidChangeActiveTextEditor: noEvent,
    onDidChangeVisibleTextEditors: noEvent,
    tabGroups: { all: [], onDidChangeTabs: noEvent, onDidChangeTabGroups: noEvent },
  }),
  workspace: withDefault({
    getConfiguration: (section?: string) => ({
      get: (key: string, fallback?: unknown) => {
        if (section === undefined && key === 'ddia') {
          return nestedConfig();
        }
        return section === 'ddia' && key in state.config ? state.config[key] : fallback;
      },
      inspect: () => undefined,
      has: (key: string) => section === 'ddia' && key in state.config,
      update: async () => {},
    }),
    onDidChangeConfiguration: (listener: FakeState['configurationListeners'][number]) => {
      state.configurationListeners.push(listener);
      return new Disposable(() => {
        state.configurationListeners = state.configurationListeners.filter((other) => other !== listener);
      });
    },
    openTextDocument: async (options: { content: string; language: string }) => {
      state.shown.push({ content: options.content, language: options.language });
      return options;
    },
    textDocuments: [],
    notebookDocuments: [],
    workspaceFolders: undefined,
    isTrusted: true,
    createFileSystemWatcher: () => ({ onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose() {} }),
  }),
  languages: withDefault({
    match: () => 0,
    createDiagnosticCollection: () => ({ set() {}, delete() {}, clear() {}, forEach() {}, get() {}, has: () => false, dispose() {} }),
  }),
  env: withDefault({
    appName: 'fake VS Code',
    language: 'en',
    machineId: 'fake',
    sessionId: 'fake',
    openExternal: async (uri: Uri) => {
      state.opened.push(uri.toString());
      return true;
    },
  }),
});

const FAKE_ID = '\0fake-vscode';

/** Makes `require('vscode')` return the fake, from any module loaded after this. */
export function install(): void {
  const loader = Module as unknown as {
    _resolveFilename(request: string, ...rest: unknown[]): string;
    _cache: Record<string, unknown>;
  };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return request === 'vscode' ? FAKE_ID : resolve.call(this, request, ...rest);
  };
  loader._cache[FAKE_ID] = { id: FAKE_ID, filename: FAKE_ID, loaded: true, exports: vscode, children: [], paths: [] };
}
