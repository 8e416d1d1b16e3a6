// The agent instructions, bundled as text so the action and the CLI carry them with them.
import { artifactStamp, logTime } from '../core/artifact-stamp.js';
import type { Phase } from '../core/phases.js';
import workflow from '../../prompts/workflow.md?raw';
import init from '../../prompts/init.md?raw';
import investigation from '../../prompts/investigation.md?raw';
import requirements from '../../prompts/requirements.md?raw';
import planning from '../../prompts/planning.md?raw';
import implementation from '../../prompts/implementation.md?raw';
import testing from '../../prompts/testing.md?raw';
import quality from '../../prompts/quality.md?raw';
import done from '../../prompts/done.md?raw';

export interface Prompts {
  workflow: string;
  phases: Readonly<Record<Phase, string>>;
}

export const bundledPrompts: Prompts = {
  workflow,
  phases: { init, investigation, requirements, planning, implementation, testing, quality, done },
};

/**
 * The values the engine puts into the prompts' placeholders: `{{timestamp}}` (the artifact-name
 * stamp) and `{{now}}` (the Flow Log time), both from the engine's clock at the iteration's start.
 */
export function promptValues(now: Date): Readonly<Record<string, string>> {
  return { timestamp: artifactStamp(now), now: logTime(now) };
}

/** Fills the known `{{name}}` placeholders; any other braces are the prompt's own text. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * The prompt of one iteration: the workflow, the phase's instructions, the orchestrator's notes and
 * the iteration's time stamps. `now` comes from the engine's clock; this function reads none.
 */
export function iterationPrompt(
  prompts: Prompts,
  phase: Phase,
  notes: readonly string[],
  now: Date,
): string {
  const values = promptValues(now);
  const parts = [prompts.workflow.trim(), prompts.phases[phase].trim()].map((text) =>
    fillPlaceholders(text, values),
  );
  if (notes.length > 0)
    parts.push(`## Notes from the orchestrator\n${notes.map((n) => `- ${n}`).join('\n')}`);
  parts.push(
    [
      '## This iteration',
      `- Timestamp for artifact names: \`${values.timestamp}\` (UTC) — name new session files \`${values.timestamp}-<kind>-<slug>.md\`.`,
      `- Time for Flow Log lines: \`${values.now}\`.`,
      'Use these as given; do not run `date` for them.',
    ].join('\n'),
  );
  parts.push(
    'Begin: read `_overview.md` in the session folder, do the next piece of work for this phase, ' +
      'update the overview, and write `_signal.json`.',
  );
  return parts.join('\n\n');
}

export const PROMPT_DIR = '.github/samocode/prompts';

/**
 * A project's own prompts, without a fork: in the prompts folder, `<name>.md` replaces the bundled
 * prompt of that name (`workflow`, or a phase) and `<name>.append.md` adds to it — the common case,
 * project conventions on top of the protocol. Any other file is a mistake worth stopping for.
 */
export function withOverrides(
  base: Prompts,
  files: Readonly<Record<string, string>>,
  folder: string,
): { prompts: Prompts; applied: string[] } {
  const names = ['workflow', ...Object.keys(base.phases)];
  const replaced = new Map<string, string>();
  const appended = new Map<string, string>();
  for (const [file, text] of Object.entries(files)) {
    const match = /^([a-z]+)(\.append)?\.md$/.exec(file);
    const name = match?.[1];
    if (!name || !names.includes(name)) {
      throw new Error(
        `${folder}/${file} is not a prompt: name files ${names.map((n) => `${n}.md`).join(', ')} ` +
          '(to replace) or <name>.append.md (to add)',
      );
    }
    if (!text.trim()) throw new Error(`${folder}/${file} is empty`);
    (match?.[2] ? appended : replaced).set(name, text.trim());
  }
  const pick = (name: string, bundled: string) => {
    const own = replaced.get(name) ?? bundled.trim();
    const more = appended.get(name);
    return more ? `${own}\n\n## Project instructions\n${more}` : own;
  };
  const phases = Object.fromEntries(
    Object.entries(base.phases).map(([phase, text]) => [phase, pick(phase, text)]),
  ) as unknown as Prompts['phases'];
  return {
    prompts: { workflow: pick('workflow', base.workflow), phases },
    applied: Object.keys(files).sort(),
  };
}
