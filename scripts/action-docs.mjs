// Writes the inputs and outputs tables from action.yml into the Markdown files that hold their
// markers (README.md and docs/*.md); `--check` fails when they differ, so the documentation cannot
// drift from the action. Inputs are documented by group: each group starts in action.yml with a
// `# === <Group>: <what it is about> ===` comment, and the groups, in this order, are:
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const GROUPS = [
  'Trigger and access',
  'Agent',
  'Limits',
  'GitHub and CI',
  'Security',
  'Notifications',
];

const fail = (message) => {
  console.error(`action-docs: ${message}`);
  process.exit(1);
};

const source = readFileSync('action.yml', 'utf8');
const action = parse(source);
const names = Object.keys(action.inputs ?? {});

// Read the group headers and the input names in file order from the inputs block itself.
const lines = source.split('\n');
const first = lines.indexOf('inputs:');
const last = lines.findIndex((line, i) => i > first && /^\S/.test(line));
const groups = [];
const placed = [];
for (const line of lines.slice(first + 1, last === -1 ? undefined : last)) {
  const header = /^ {2}# === (.+?)(?::.*)? ===\s*$/.exec(line);
  if (header) {
    groups.push({ name: header[1], why: /: (.*) ===/.exec(line)?.[1] ?? '', inputs: [] });
    continue;
  }
  const input = /^ {2}([\w-]+):\s*$/.exec(line);
  if (!input) continue;
  if (groups.length === 0)
    fail(
      `action.yml: input "${input[1]}" comes before the first group header; put it under one of: ${GROUPS.join(', ')}`,
    );
  groups.at(-1).inputs.push(input[1]);
  placed.push(input[1]);
}
if (placed.join() !== names.join())
  fail(
    `action.yml: could not read the inputs block line by line (found ${placed.join(', ')}; the YAML holds ${names.join(', ')}); keep each input's name on a line of its own at two spaces`,
  );
const found = groups.map((g) => g.name);
if (found.join('\n') !== GROUPS.join('\n'))
  fail(
    `action.yml: the input groups must be, in this order: ${GROUPS.join(', ')} (found ${found.join(', ') || 'none'}); a new group goes into GROUPS in scripts/action-docs.mjs too`,
  );
const empty = groups.find((g) => g.inputs.length === 0);
if (empty) fail(`action.yml: the group "${empty.name}" has no inputs`);

const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/\s+/g, ' ')
    .trim();

const inputs = groups
  .map((group) =>
    [
      `### ${group.name}`,
      '',
      `${group.why.charAt(0).toUpperCase()}${group.why.slice(1)}.`,
      '',
      '| input | default | description |',
      '| --- | --- | --- |',
      ...group.inputs.map((name) => {
        const spec = action.inputs[name];
        return `| \`${name}\` | ${spec.default ? `\`${cell(spec.default)}\`` : ''} | ${cell(spec.description)} |`;
      }),
    ].join('\n'),
  )
  .join('\n\n');
const outputs = [
  '| output | description |',
  '| --- | --- |',
  ...Object.entries(action.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`,
  ),
].join('\n');
const tables = { 'inputs-table': inputs, 'outputs-table': outputs };

// Every marker pair lives in exactly one of README.md and docs/*.md.
const files = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];
const homes = Object.fromEntries(Object.keys(tables).map((name) => [name, []]));
const changed = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  let next = text;
  for (const [name, table] of Object.entries(tables)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = next.indexOf(start);
    if (from === -1) continue;
    const to = next.indexOf(end, from);
    if (to === -1) fail(`${file} has ${start} but no ${end} after it`);
    homes[name].push(file);
    next = `${next.slice(0, from + start.length)}\n${table}\n${next.slice(to)}`;
  }
  if (next !== text) changed.push([file, next]);
}
for (const [name, where] of Object.entries(homes)) {
  if (where.length !== 1)
    fail(
      `<!-- ${name}:start --> / <!-- ${name}:end --> must appear in exactly one of README.md and docs/*.md (found in ${where.join(', ') || 'none'})`,
    );
}

const where = [...new Set(Object.values(homes).flat())].join(' and ');
if (process.argv.includes('--check')) {
  if (changed.length) {
    fail(
      `the tables in ${changed.map(([file]) => file).join(', ')} differ from action.yml: run "npm run docs" and commit the result`,
    );
  }
  console.log(`the tables in ${where} match action.yml`);
} else {
  for (const [file, text] of changed) writeFileSync(file, text);
  console.log(`the tables in ${where} are written from action.yml`);
}
