// `npm run docs` / `npm run check-docs` (scripts/action-docs.mjs) on a copy of the repository's
// action.yml, README.md and docs/: the grouped inputs table follows action.yml's groups, and the
// check fails whenever the docs, the groups or the inputs drift apart.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.js';

const SCRIPT = resolve('scripts/action-docs.mjs');

function copy(): string {
  const dir = tempDir('samocode-docs-');
  for (const path of ['action.yml', 'README.md', 'docs'])
    cpSync(resolve(path), join(dir, path), { recursive: true });
  return dir;
}

function docs(dir: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

function edit(dir: string, path: string, change: (text: string) => string): void {
  const file = join(dir, path);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
}

const NEW_INPUT = "  extra-knob:\n    description: A knob.\n    required: false\n    default: ''\n";

describe('the inputs and outputs tables', () => {
  it('match action.yml as committed, one section per group in the order of action.yml', () => {
    const dir = copy();
    expect(docs(dir, '--check')).toMatchObject({ code: 0 });
    const page = readFileSync(join(dir, 'docs/inputs.md'), 'utf8');
    const headings = [...page.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Trigger and access',
      'Agent',
      'Limits',
      'GitHub and CI',
      'Security',
      'Notifications',
    ]);
    // Every input of action.yml has a row, under the heading of its group.
    const source = readFileSync(join(dir, 'action.yml'), 'utf8');
    const inputs = source.slice(source.indexOf('inputs:'), source.indexOf('outputs:'));
    let group = '';
    for (const line of inputs.split('\n')) {
      const header = /^ {2}# === (.+?): .* ===$/.exec(line)?.[1];
      if (header) group = header;
      const name = /^ {2}([\w-]+):$/.exec(line)?.[1];
      if (!name) continue;
      const row = page.indexOf(`| \`${name}\` |`);
      expect(row, name).toBeGreaterThan(page.indexOf(`### ${group}\n`));
      const next = page.indexOf('\n### ', page.indexOf(`### ${group}\n`) + 1);
      if (next !== -1) expect(row, name).toBeLessThan(next);
    }
  });

  it('fail the check when an input stands in no group', () => {
    const dir = copy();
    edit(dir, 'action.yml', (t) => t.replace('inputs:\n', `inputs:\n${NEW_INPUT}`));
    const run = docs(dir, '--check');
    expect(run.code).toBe(1);
    expect(run.out).toContain('input "extra-knob" comes before the first group header');
  });

  it('fail the check when a group of action.yml is missing or renamed', () => {
    const dir = copy();
    edit(dir, 'action.yml', (t) => t.replace(/^ {2}# === Security:.*\n/m, ''));
    const run = docs(dir, '--check');
    expect(run.code).toBe(1);
    expect(run.out).toContain('the input groups must be, in this order');
    const renamed = copy();
    edit(renamed, 'action.yml', (t) => t.replace('# === Limits:', '# === Bounds:'));
    expect(docs(renamed, '--check').code).toBe(1);
  });

  it('fail the check when a group is missing from the docs, and npm run docs puts it back', () => {
    const dir = copy();
    edit(dir, 'docs/inputs.md', (t) =>
      t.replace(/### Security\n[\s\S]*?(?=### Notifications)/, ''),
    );
    const run = docs(dir, '--check');
    expect(run.code).toBe(1);
    expect(run.out).toContain('docs/inputs.md differ from action.yml');
    expect(docs(dir).code).toBe(0);
    expect(readFileSync(join(dir, 'docs/inputs.md'), 'utf8')).toContain('### Security');
    expect(docs(dir, '--check').code).toBe(0);
  });

  it('put a new input under its group, and fail the check until the docs are written', () => {
    const dir = copy();
    edit(dir, 'action.yml', (t) => t.replace('\noutputs:', `\n${NEW_INPUT.trimEnd()}\noutputs:`));
    expect(docs(dir, '--check').code).toBe(1);
    expect(docs(dir).code).toBe(0);
    const page = readFileSync(join(dir, 'docs/inputs.md'), 'utf8');
    expect(page.indexOf('| `extra-knob` |')).toBeGreaterThan(page.indexOf('### Notifications'));
  });

  it('must live in exactly one file of README.md and docs/', () => {
    const none = copy();
    edit(none, 'docs/inputs.md', (t) => t.replace('<!-- outputs-table:start -->', ''));
    expect(docs(none, '--check')).toMatchObject({ code: 1 });
    expect(docs(none, '--check').out).toContain('outputs-table');
    const twice = copy();
    edit(
      twice,
      'README.md',
      (t) => `${t}\n<!-- inputs-table:start -->\n<!-- inputs-table:end -->\n`,
    );
    const run = docs(twice, '--check');
    expect(run.code).toBe(1);
    expect(run.out).toContain('found in README.md, docs/inputs.md');
  });
});
