// Copies the system spec JSON Schema from the repository into schemas/, where the
// package.json `yamlValidation` contribution points (yaml-language-server then offers
// completion and validation from it in *.ddia.yaml files).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, '..', '..', 'grammars', 'system-spec.schema.json');
const target = join(root, 'schemas', 'system-spec.schema.json');
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`copied ${source} -> ${target}`);
