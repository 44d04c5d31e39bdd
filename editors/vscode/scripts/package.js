// Packs the extension: node scripts/package.js TARGET [BINARY]
// TARGET is a vsce platform (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64) or
// `universal` (no binary: the `vnetlint.path` setting or PATH). Writes LICENSE from the
// repository's licence texts, bundles with esbuild, puts BINARY at server/vnetlint[.exe], and
// runs `vsce package` into vnetlint-TARGET.vsix.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const [target, binary] = process.argv.slice(2);
if (!target) throw new Error('usage: node scripts/package.js TARGET [BINARY]');
const here = path.join(__dirname, '..');
const root = path.join(here, '..', '..');
const read = (f) => fs.readFileSync(path.join(root, f), 'utf8');
fs.writeFileSync(
  path.join(here, 'LICENSE'),
  `vnetlint is licensed under either of the MIT license or the Apache License, Version 2.0, at your option.\n\n${read('LICENSE-MIT')}\n\n${read('LICENSE-APACHE')}`,
);
const server = path.join(here, 'server');
fs.rmSync(server, { recursive: true, force: true });
if (target !== 'universal') {
  if (!binary) throw new Error(`a ${target} package needs its vnetlint binary`);
  fs.mkdirSync(server);
  const name = target.startsWith('win32') ? 'vnetlint.exe' : 'vnetlint';
  fs.copyFileSync(binary, path.join(server, name));
  fs.chmodSync(path.join(server, name), 0o755);
}
const bin = (name) => path.join(here, 'node_modules', '.bin', name);
execFileSync(bin('esbuild'), ['src/extension.js', '--bundle', '--platform=node', '--target=node18', '--format=cjs',
  '--external:vscode', '--outfile=dist/extension.js', '--minify-syntax', '--log-level=warning'], { cwd: here, stdio: 'inherit' });
const out = `vnetlint-${target}.vsix`;
const args = ['package', '--no-dependencies', '--out', out];
if (target !== 'universal') args.push('--target', target);
execFileSync(bin('vsce'), args, { cwd: here, stdio: 'inherit' });
console.log(path.join(here, out));
