// In-memory implementations of the engine's ports, for app-level tests.
import type {
  Agent,
  AgentResult,
  AgentRun,
  Clock,
  Git,
  Notification,
  Notifier,
  SessionStore,
} from '../../src/app/ports.js';

export function memoryStore(): SessionStore & { files: Map<string, string> } {
  const files = new Map<string, string>();
  const key = (name: string, file: string) => `${name}/${file}`;
  return {
    files,
    async list() {
      return [...new Set([...files.keys()].map((k) => k.split('/')[0] as string))].sort();
    },
    dir: (name) => `/sessions/${name}`,
    async create(name, initial) {
      if ([...files.keys()].some((k) => k.startsWith(`${name}/`)))
        throw new Error(`EEXIST ${name}`);
      for (const [file, text] of Object.entries(initial)) files.set(key(name, file), text);
    },
    async read(name, file) {
      return files.get(key(name, file)) ?? null;
    },
    async write(name, file, text) {
      files.set(key(name, file), text);
    },
    async writeBytes(name, file, bytes) {
      files.set(key(name, file), Buffer.from(bytes).toString('latin1'));
    },
    async remove(name, file) {
      files.delete(key(name, file));
    },
    async listFiles(name) {
      return [...files.keys()]
        .filter((k) => k.startsWith(`${name}/`) && !k.slice(name.length + 1).includes('/'))
        .map((k) => k.slice(name.length + 1))
        .sort();
    },
    async append(name, file, text) {
      files.set(key(name, file), (files.get(key(name, file)) ?? '') + text);
    },
  };
}

/** Each call runs the next step: it may write session files (through the store) and returns a result. */
export type AgentStep = (
  run: AgentRun,
  write: (file: string, text: string) => Promise<void>,
) => Promise<Partial<AgentResult> | void>;

export function scriptedAgent(
  store: SessionStore,
  session: () => string,
  steps: AgentStep[],
): Agent & { runs: AgentRun[] } {
  const runs: AgentRun[] = [];
  return {
    name: 'scripted',
    runs,
    async run(run) {
      runs.push(run);
      const step = steps[runs.length - 1];
      if (!step) throw new Error(`the test gave no step ${runs.length}`);
      const outcome = await step(run, (file, text) => store.write(session(), file, text));
      return {
        ok: true,
        durationMs: 10,
        stats: { costUsd: 0.01, turns: 1 },
        ...(outcome ?? {}),
      } as AgentResult;
    },
  };
}

export const signal =
  (value: object): AgentStep =>
  async (_run, write) =>
    write('_signal.json', JSON.stringify(value));

export function recordingGit(): Git & {
  commits: Array<{ cwd: string; message: string }>;
  failWith?: string;
} {
  const git = {
    commits: [] as Array<{ cwd: string; message: string }>,
    failWith: undefined as string | undefined,
    async prepareWorktree() {
      return { created: true };
    },
    async commitAll(cwd: string, message: string) {
      if (git.failWith) throw new Error(git.failWith);
      git.commits.push({ cwd, message });
      return { committed: true, sha: String(git.commits.length) };
    },
  };
  return git;
}

export function manualClock(
  start = Date.parse('2026-11-25T10:00:00Z'),
): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
  };
}

export function recordingNotifier(fail = false): Notifier & { sent: Notification[] } {
  const sent: Notification[] = [];
  return {
    sent,
    async notify(notification) {
      sent.push(notification);
      if (fail) throw new Error('network down');
    },
  };
}
