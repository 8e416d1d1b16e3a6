// Writes the README's inputs and outputs tables from action.yml; `--check` fails when they differ,
// so the documentation cannot drift from the action.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const action = parse(readFileSync('action.yml', 'utf8'));
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/\s+/g, ' ')
    .trim();

const inputs = [
  '| input | default | description |',
  '| --- | --- | --- |',
  ...Object.entries(action.inputs ?? {}).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.default ? `\`${cell(spec.default)}\`` : ''} | ${cell(spec.description)} |`,
  ),
].join('\n');
const outputs = [
  '| output | description |',
  '| --- | --- |',
  ...Object.entries(action.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`,
  ),
].join('\n');

const readme = readFileSync('README.md', 'utf8');
const replace = (text, name, table) => {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`README.md needs ${start} and ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`;
};
const next = replace(replace(readme, 'inputs-table', inputs), 'outputs-table', outputs);
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error(
      'README.md inputs/outputs tables differ from action.yml: run "npm run docs" and commit README.md',
    );
    process.exit(1);
  }
  console.log('README.md tables match action.yml');
} else {
  writeFileSync('README.md', next);
  console.log('README.md tables written from action.yml');
}
