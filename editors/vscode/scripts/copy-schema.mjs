// Copies the JSON Schemas from the repository into schemas/, where package.json's
// `yamlValidation` (system specs, for yaml-language-server) and `tomlValidation`
// (ddia.toml, for TOML extensions such as Even Better TOML) contributions point.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const name of ['system-spec.schema.json', 'ddia-toml.schema.json']) {
  const source = join(root, '..', '..', 'grammars', name);
  const target = join(root, 'schemas', name);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  console.log(`copied ${source} -> ${target}`);
}
