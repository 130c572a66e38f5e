// Pure logic of the extension: where the `ddia` binary is, and what settings the
// server is given. No `vscode` import here, so the unit tests run under plain Node.

import * as path from 'node:path';

/** The VS Code commands this extension contributes (kept in sync with package.json by a test). */
export const COMMANDS = {
  restartServer: 'ddia.restartServer',
  showOutput: 'ddia.showOutput',
  showRuleDocumentation: 'ddia.showRuleDocumentation',
  showChecklist: 'ddia.showChecklist',
  showGraph: 'ddia.showGraph',
} as const;

/** Where users are sent when no server binary is found. */
export const INSTALL_GUIDE_URL = 'https://github.com/ddia-lint/ddia#install';

/** Commands the server advertises that the extension implements itself. */
const CLIENT_SIDE_COMMANDS: ReadonlySet<string> = new Set([COMMANDS.showRuleDocumentation]);

/**
 * The server's `executeCommandProvider.commands` less the ones registered by the
 * extension: VS Code refuses to register a command id twice, and the extension's own
 * version works without a running server (and from the command palette, without an
 * argument).
 */
export function serverOnlyCommands(commands: readonly string[] | undefined): string[] | undefined {
  return commands?.filter((command) => !CLIENT_SIDE_COMMANDS.has(command));
}

// ---------------------------------------------------------------------------------
// Finding the server.

/** What the server resolution looks at; functions so that tests can fake the system. */
export interface ResolveEnvironment {
  /** `process.platform`. */
  platform: NodeJS.Platform;
  /** The `ddia.path` setting, or its older name `ddia.server.path` ("" when unset). */
  configuredPath: string;
  /**
   * The `ddia.importStrategy` setting: `fromEnvironment` prefers a `ddia` on `PATH`
   * (the one the project's CI and pre-commit run) over the bundled binary;
   * `useBundled` prefers the bundled one.
   */
  importStrategy?: ImportStrategy;
  /** The extension's install folder (a bundled binary lives in `bin/`). */
  extensionPath: string;
  /** The first workspace folder, against which a relative `ddia.path` is resolved. */
  workspaceFolder: string | undefined;
  /** The user's home folder, for a `~` in `ddia.path`. */
  homeDir: string;
  /** `process.env.PATH` (or `Path` on Windows). */
  pathEnv: string | undefined;
  /** `process.env.PATHEXT` (Windows only). */
  pathExt: string | undefined;
  /** Whether `file` is an existing, executable file. */
  isExecutable(file: string): boolean;
}

export type ServerSource = 'setting' | 'bundled' | 'path';

export const IMPORT_STRATEGIES = ['fromEnvironment', 'useBundled'] as const;
export type ImportStrategy = (typeof IMPORT_STRATEGIES)[number];

/** Says where the binary came from, for the output channel. */
export function describeSource(source: ServerSource): string {
  switch (source) {
    case 'setting':
      return 'the ddia.path setting';
    case 'bundled':
      return 'the binary bundled with the extension';
    case 'path':
      return 'PATH';
  }
}

export type Resolution =
  | { kind: 'found'; path: string; source: ServerSource }
  /** `ddia.path` is set but names no executable file: an error, never a fallback. */
  | { kind: 'configured-missing'; path: string }
  | { kind: 'not-found'; searched: string[] };

function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** `ddia.path` as a path: `~` expanded, relative to the workspace folder. */
export function expandConfiguredPath(env: ResolveEnvironment): string {
  const p = pathFor(env.platform);
  let configured = env.configuredPath.trim();
  if (configured === '~') {
    configured = env.homeDir;
  } else if (configured.startsWith('~/') || (env.platform === 'win32' && configured.startsWith('~\\'))) {
    configured = p.join(env.homeDir, configured.slice(2));
  }
  if (!p.isAbsolute(configured) && env.workspaceFolder !== undefined) {
    configured = p.join(env.workspaceFolder, configured);
  }
  return p.normalize(configured);
}

/** File names the binary may have in a folder: `ddia`, or `ddia.exe` etc. on Windows. */
export function executableNames(platform: NodeJS.Platform, pathExt: string | undefined): string[] {
  if (platform !== 'win32') {
    return ['ddia'];
  }
  const extensions = (pathExt ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .map((extension) => extension.trim().toLowerCase())
    .filter((extension) => extension.startsWith('.'));
  const names = ['ddia.exe', ...extensions.map((extension) => `ddia${extension}`)];
  return [...new Set(names)];
}

/**
 * Finds the server: the `ddia.path` setting; else, by `ddia.importStrategy`,
 * `ddia` on `PATH` then the binary bundled in the extension (`bin/ddia`, `bin/ddia.exe`;
 * `fromEnvironment`, the default), or the bundled binary then `PATH` (`useBundled`).
 */
export function resolveServer(env: ResolveEnvironment): Resolution {
  const p = pathFor(env.platform);
  if (env.configuredPath.trim() !== '') {
    const configured = expandConfiguredPath(env);
    return env.isExecutable(configured)
      ? { kind: 'found', path: configured, source: 'setting' }
      : { kind: 'configured-missing', path: configured };
  }
  const searched: string[] = [];
  const bundled = (): Resolution | undefined => {
    const candidate = p.join(env.extensionPath, 'bin', env.platform === 'win32' ? 'ddia.exe' : 'ddia');
    searched.push(candidate);
    return env.isExecutable(candidate) ? { kind: 'found', path: candidate, source: 'bundled' } : undefined;
  };
  const onPath = (): Resolution | undefined => {
    const delimiter = env.platform === 'win32' ? ';' : ':';
    const names = executableNames(env.platform, env.pathExt);
    for (const entry of (env.pathEnv ?? '').split(delimiter)) {
      // Windows allows quoted PATH entries; an empty entry is not the current folder here.
      const folder = entry.trim().replace(/^"(.*)"$/, '$1');
      if (folder === '' || !p.isAbsolute(folder)) {
        continue;
      }
      for (const name of names) {
        const candidate = p.join(folder, name);
        searched.push(candidate);
        if (env.isExecutable(candidate)) {
          return { kind: 'found', path: candidate, source: 'path' };
        }
      }
    }
    return undefined;
  };
  const order = env.importStrategy === 'useBundled' ? [bundled, onPath] : [onPath, bundled];
  for (const look of order) {
    const found = look();
    if (found !== undefined) {
      return found;
    }
  }
  return { kind: 'not-found', searched };
}

// ---------------------------------------------------------------------------------
// Settings.

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type SeverityName = (typeof SEVERITIES)[number];

/**
 * What the server accepts (its settings reject unknown fields). A setting left at its
 * default is omitted, so that a user who set nothing sends nothing (`{}`), and the
 * server may fall back to the project's own configuration (`ddia.toml`).
 */
export interface ServerSettings {
  /** Only these rules run; omitted (every rule runs) when the setting is empty. */
  select?: string[];
  ignore?: string[];
  severity?: Record<string, SeverityName>;
  /** Files above this size (`"20MB"`, or bytes) are not analysed. */
  maxFileSize?: string | number;
  /** How these settings and `ddia.toml` combine (omitted for the default, `filesystemFirst`). */
  configurationPreference?: ConfigurationPreference;
}

export const PREFERENCES = ['filesystemFirst', 'editorFirst', 'editorOnly'] as const;
export type ConfigurationPreference = (typeof PREFERENCES)[number];

/** The `ddia.*` settings as read from VS Code (any shape: users edit JSON by hand). */
export interface RawSettings {
  select: unknown;
  ignore: unknown;
  severity: unknown;
  maxFileSize?: unknown;
  configurationPreference?: unknown;
}

function selectors(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const result: string[] = [];
  for (const item of value) {
    if (typeof item === 'string' && item.trim() !== '' && !result.includes(item.trim())) {
      result.push(item.trim());
    }
  }
  return result;
}

function isSeverity(value: unknown): value is SeverityName {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/**
 * The server's settings from VS Code's: an empty `select` means every rule (the
 * server reads `select: []` as "no rule"), and entries of the wrong type are dropped
 * rather than making the server refuse the whole configuration.
 */
export function toServerSettings(raw: RawSettings): ServerSettings {
  const settings: ServerSettings = {};
  const select = selectors(raw.select);
  if (select.length > 0) {
    settings.select = select;
  }
  const ignore = selectors(raw.ignore);
  if (ignore.length > 0) {
    settings.ignore = ignore;
  }
  if (raw.severity !== null && typeof raw.severity === 'object' && !Array.isArray(raw.severity)) {
    const severity: Record<string, SeverityName> = {};
    for (const [code, value] of Object.entries(raw.severity as Record<string, unknown>)) {
      if (code.trim() !== '' && isSeverity(value)) {
        severity[code.trim()] = value;
      }
    }
    if (Object.keys(severity).length > 0) {
      settings.severity = severity;
    }
  }
  if (typeof raw.maxFileSize === 'string' && raw.maxFileSize.trim() !== '') {
    settings.maxFileSize = raw.maxFileSize.trim();
  } else if (typeof raw.maxFileSize === 'number' && Number.isInteger(raw.maxFileSize) && raw.maxFileSize > 0) {
    settings.maxFileSize = raw.maxFileSize;
  }
  const preference = raw.configurationPreference;
  if (typeof preference === 'string' && preference !== 'filesystemFirst' && (PREFERENCES as readonly string[]).includes(preference)) {
    settings.configurationPreference = preference as ConfigurationPreference;
  }
  return settings;
}

/** The `workspace/didChangeConfiguration` settings (`{"ddia": {}}` when nothing is set). */
export function serverConfiguration(raw: RawSettings): { ddia: ServerSettings } {
  return { ddia: toServerSettings(raw) };
}

/** The `initializationOptions`: none at all when every setting is at its default. */
export function initializationOptions(raw: RawSettings): { ddia: ServerSettings } | undefined {
  const configuration = serverConfiguration(raw);
  return Object.keys(configuration.ddia).length > 0 ? configuration : undefined;
}
