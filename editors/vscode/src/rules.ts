// The rule list printed by `ddia rules --json`, and the parts of package.json that are
// generated from it. No `vscode` import: used by the tests and `npm run sync-rules`.

import { execFile } from 'node:child_process';

export interface Rule {
  code: string;
  category: string;
  severity: string;
  summary: string;
  fix: string;
  url: string;
}

function isRule(value: unknown): value is Rule {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const rule = value as Record<string, unknown>;
  return ['code', 'category', 'severity', 'summary', 'url'].every(
    (key) => typeof rule[key] === 'string' && rule[key] !== '',
  );
}

/** Parses `ddia rules --json`; throws with a readable message on anything else. */
export function parseRules(json: string): Rule[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`\`ddia rules --json\` printed no JSON: ${String(error)}`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error('`ddia rules --json` printed no list of rules');
  }
  return value.map((item, index) => {
    if (!isRule(item)) {
      throw new Error(`rule ${index} of \`ddia rules --json\` lacks a code, category, severity, summary or url`);
    }
    return {
      code: item.code,
      category: item.category,
      severity: item.severity,
      summary: item.summary,
      fix: typeof item.fix === 'string' ? item.fix : 'none',
      url: item.url,
    };
  });
}

/** Runs `<binary> rules --json` and parses its output. */
export function loadRules(binary: string, timeoutMs = 15_000): Promise<Rule[]> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['rules', '--json'], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = stderr.trim() === '' ? error.message : stderr.trim();
        reject(new Error(`\`${binary} rules --json\` failed: ${detail}`));
        return;
      }
      try {
        resolve(parseRules(stdout));
      } catch (parseError) {
        reject(parseError);
      }
    });
  });
}

/** A rule by code, or undefined. */
export function findRule(rules: readonly Rule[], code: string): Rule | undefined {
  return rules.find((rule) => rule.code === code.trim());
}

/**
 * What the settings accept wherever a rule is named (`ddia.select`, `ddia.ignore`,
 * the keys of `ddia.severity`): every rule code, then every category, as the server
 * takes a category for all of its rules. With one description for each.
 */
export function ruleSelectors(rules: readonly Rule[]): { enum: string[]; enumDescriptions: string[] } {
  const values: string[] = [];
  const descriptions: string[] = [];
  for (const rule of rules) {
    values.push(rule.code);
    descriptions.push(`${rule.summary} (${rule.category}, ${rule.severity} by default)`);
  }
  const categories: string[] = [];
  for (const rule of rules) {
    if (!categories.includes(rule.category)) {
      categories.push(rule.category);
    }
  }
  for (const category of categories) {
    const count = rules.filter((rule) => rule.category === category).length;
    values.push(category);
    descriptions.push(`Every rule of the ${category} category (${count} rule${count === 1 ? '' : 's'})`);
  }
  return { enum: values, enumDescriptions: descriptions };
}

/** The package.json manifest, as far as the generated settings go. */
export interface Manifest {
  contributes: {
    configuration: {
      properties: Record<string, Record<string, unknown>>;
    };
  };
}

/** The settings whose rule names are generated from the rule list. */
export const RULE_SETTINGS = ['ddia.select', 'ddia.ignore', 'ddia.severity'] as const;

/** The generated part of one setting: an item or key schema listing the selectors. */
export function generatedSchema(setting: (typeof RULE_SETTINGS)[number], rules: readonly Rule[]): Record<string, unknown> {
  const names = { type: 'string', ...ruleSelectors(rules) };
  return setting === 'ddia.severity' ? { propertyNames: names } : { items: names };
}

/** Writes the generated schemas into a manifest (in place); returns whether it changed. */
export function syncManifest(manifest: Manifest, rules: readonly Rule[]): boolean {
  let changed = false;
  for (const setting of RULE_SETTINGS) {
    const property = manifest.contributes.configuration.properties[setting];
    if (property === undefined) {
      throw new Error(`package.json does not contribute the setting ${setting}`);
    }
    for (const [key, value] of Object.entries(generatedSchema(setting, rules))) {
      if (JSON.stringify(property[key]) !== JSON.stringify(value)) {
        property[key] = value;
        changed = true;
      }
    }
  }
  return changed;
}
