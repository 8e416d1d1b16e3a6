// Running the real Claude Code CLI offline: where its native binary is, the environment that points
// it at a fake Messages API, and a scripted "model" keyed on what our session context tells it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RequestInfo, ToolCall, Turn } from './fake-anthropic.js';

/** The native binary: the package's bin once its postinstall ran, else the platform package's. */
export function claudeBinary(): string {
  const wrapper = resolve('node_modules/@anthropic-ai/claude-code/bin/claude.exe');
  if ((statSync(wrapper, { throwIfNoEntry: false })?.size ?? 0) > 1_000_000) return wrapper;
  const scope = resolve('node_modules/@anthropic-ai');
  for (const dir of readdirSync(scope).filter((d) =>
    d.startsWith(`claude-code-${process.platform}-${process.arch}`),
  )) {
    const bin = join(scope, dir, 'claude');
    if (statSync(bin, { throwIfNoEntry: false })?.isFile()) return bin;
  }
  throw new Error('Claude Code is not installed: run npm ci (it is a devDependency)');
}

export function claudeEnv(apiUrl: string, home: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: apiUrl,
    ANTHROPIC_API_KEY: 'test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HOME: home,
    // As root, Claude Code refuses --dangerously-skip-permissions unless it is told it is sandboxed.
    IS_SANDBOX: '1',
  };
}

/** What our session context (appended to the system prompt) says about the iteration. */
export function contextOf(
  request: RequestInfo,
): { phase: string; phaseIteration: number; sessionDir: string; workDir: string } | undefined {
  const phase = /^Phase: (\w+) \(iteration (\d+) of at most/m.exec(request.system);
  const sessionDir = /^Session folder: (.+)$/m.exec(request.system)?.[1];
  const workDir = /^Working directory \(git worktree\): (.+)$/m.exec(request.system)?.[1];
  if (!phase || !sessionDir || !workDir) return undefined;
  return { phase: phase[1] as string, phaseIteration: Number(phase[2]), sessionDir, workDir };
}

export const write = (file_path: string, content: string): ToolCall => ({
  name: 'Write',
  input: { file_path, content },
});
export const bash = (command: string): ToolCall => ({
  name: 'Bash',
  input: { command, description: 'scripted step' },
});
export const signalCall = (dir: string, signal: object): ToolCall =>
  write(join(dir, '_signal.json'), JSON.stringify(signal));

/**
 * A model that, for each phase iteration, makes one turn of tool calls and then says it is done.
 * `plan[phase][n]` gives the calls for the n-th iteration of that phase (1-based, repeating the last).
 */
export function phaseScript(
  plan: Record<string, Array<(ctx: NonNullable<ReturnType<typeof contextOf>>) => ToolCall[]>>,
): (request: RequestInfo) => Turn {
  return (request) => {
    const ctx = contextOf(request);
    if (!ctx) return { text: 'no samocode context in the system prompt' };
    const steps = plan[ctx.phase];
    if (!steps || steps.length === 0) return { text: `no script for phase ${ctx.phase}` };
    if (request.step > 0)
      return { text: `iteration ${ctx.phaseIteration} of ${ctx.phase} finished` };
    const make = steps[Math.min(ctx.phaseIteration, steps.length) - 1];
    return { tools: make ? make(ctx) : [] };
  };
}

export function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
