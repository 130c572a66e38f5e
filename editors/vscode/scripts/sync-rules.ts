// `npm run sync-rules`: regenerates the rule names that package.json's settings accept
// (`ddia.select`, `ddia.ignore`, the keys of `ddia.severity`) from `ddia rules --json`.
// The binary is $DDIA_BIN, by default the repository's target/debug/ddia.
// test/settings.test.ts fails when package.json and the binary disagree.

import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadRules, syncManifest, type Manifest } from '../src/rules';

async function main(): Promise<void> {
  // Bundled into out/, so the extension folder is one level up.
  const root = path.resolve(__dirname, '..');
  const binary = process.env['DDIA_BIN'] ?? path.resolve(root, '..', '..', 'target', 'debug', 'ddia');
  const manifestPath = path.join(root, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const rules = await loadRules(binary);
  if (syncManifest(manifest, rules)) {
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`package.json: updated the settings from ${rules.length} rules of ${binary}`);
  } else {
    console.log(`package.json: already matches the ${rules.length} rules of ${binary}`);
  }
}

main().catch((error: unknown) => {
  console.error(String(error));
  process.exit(1);
});
