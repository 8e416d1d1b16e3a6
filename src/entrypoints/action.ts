// The GitHub Action entrypoint. For now it runs the engine on the checked-out workspace from the
// `task` input (e.g. a workflow_dispatch) and reports the outcome as outputs and a job summary.
// The event-driven gates (labels, comments, reviews) build on this.
import * as core from '@actions/core';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { formatUsd } from '../core/money.js';
import { PHASE_ITERATION_CAPS } from '../core/phases.js';
import { bundledPrompts } from '../app/prompts.js';
import { runSession } from '../app/run-session.js';
import { findSessionName, startSession } from '../app/session-actions.js';
import { agentBaseEnv } from '../adapters/agent-env.js';
import { claudeCodeAgent } from '../adapters/claude-code-agent.js';
import { fsSessionStore } from '../adapters/fs-session-store.js';
import { gitCli } from '../adapters/git-cli.js';
import { systemClock } from '../adapters/system-clock.js';
import { fanOut } from '../adapters/telegram-notifier.js';
import { formatProgress } from './cli-output.js';

const number = (name: string, min: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `input "${name}" must be a number`)
    .transform(Number)
    .refine((n) => n >= min, `input "${name}" must be at least ${min}`);

function readInputs() {
  const raw = (name: string) => core.getInput(name);
  const parse = <T>(name: string, schema: z.ZodType<T>, fallback: string): T => {
    const value = raw(name) || fallback;
    const result = schema.safeParse(value);
    if (!result.success)
      throw new Error(
        `${result.error.issues[0]?.message ?? `input "${name}" is invalid`} (got "${value}")`,
      );
    return result.data;
  };
  return {
    task: raw('task'),
    dive: raw('dive'),
    session: raw('session'),
    sessionsDir: raw('sessions-dir') || '_sessions',
    claudePath: raw('claude-path') || 'claude',
    model: raw('model'),
    timeoutSeconds: parse('timeout', number('timeout', 1), '1800'),
    maxTurns: raw('max-turns') ? parse('max-turns', number('max-turns', 1), '') : undefined,
    maxIterations: parse('max-iterations-per-run', number('max-iterations-per-run', 1), '20'),
    maxRetries: parse('max-retries', number('max-retries', 0), '2'),
    maxCostUsd: raw('max-cost-usd')
      ? parse('max-cost-usd', number('max-cost-usd', 0), '')
      : undefined,
  };
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const workspace = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd());
    const store = fsSessionStore(join(workspace, inputs.sessionsDir));
    let name = inputs.session ? await findSessionName(store, inputs.session) : undefined;
    if (!name) {
      if (!inputs.task.trim())
        throw new Error(
          'input "task" is required to start a session (or give "session" to continue one)',
        );
      const state = await startSession(
        { store, clock: systemClock },
        {
          task: inputs.task,
          ...(inputs.dive ? { dive: inputs.dive } : {}),
          ...(inputs.session ? { slug: inputs.session } : {}),
        },
      );
      name = state.name;
      core.info(`Started session ${name}`);
    }
    const result = await runSession(
      {
        agent: claudeCodeAgent({
          command: inputs.claudePath,
          ...(inputs.model ? { model: inputs.model } : {}),
          ...(inputs.maxTurns ? { maxTurns: inputs.maxTurns } : {}),
          baseEnv: agentBaseEnv(process.env),
        }),
        store,
        git: gitCli,
        clock: systemClock,
        notifier: fanOut([]),
        prompts: bundledPrompts,
      },
      {
        session: name,
        workDir: workspace,
        timeoutMs: inputs.timeoutSeconds * 1000,
        maxRetries: inputs.maxRetries,
        retryDelayMs: 10_000,
        limits: {
          caps: PHASE_ITERATION_CAPS,
          ...(inputs.maxCostUsd !== undefined ? { maxCostUsd: inputs.maxCostUsd } : {}),
        },
        maxIterations: inputs.maxIterations,
        onProgress: (event) => core.info(formatProgress(event)),
      },
    );
    const s = result.state;
    core.setOutput('session', s.name);
    core.setOutput('phase', s.phase);
    core.setOutput('status', s.status);
    core.setOutput('iterations', String(s.iteration));
    core.setOutput('cost-usd', s.totals.costUsd.toFixed(4));
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addHeading(`Samocode · ${s.name}`, 3)
        .addTable([
          [
            { data: 'status', header: true },
            { data: 'phase', header: true },
            { data: 'iterations', header: true },
            { data: 'cost', header: true },
          ],
          [s.status, s.phase, String(s.iteration), formatUsd(s.totals.costUsd)],
        ])
        .write();
    }
    if (result.stop === 'blocked')
      core.setFailed(`session ${s.name} is blocked: ${s.blocked?.reason ?? ''}`);
  } catch (error) {
    core.setFailed((error as Error).message);
  }
}
