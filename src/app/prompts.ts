// The agent instructions, bundled as text so the action and the CLI carry them with them.
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

export function iterationPrompt(prompts: Prompts, phase: Phase, notes: readonly string[]): string {
  const parts = [prompts.workflow.trim(), prompts.phases[phase].trim()];
  if (notes.length > 0)
    parts.push(`## Notes from the orchestrator\n${notes.map((n) => `- ${n}`).join('\n')}`);
  parts.push(
    'Begin: read `_overview.md` in the session folder, do the next piece of work for this phase, ' +
      'update the overview, and write `_signal.json`.',
  );
  return parts.join('\n\n');
}
