// The sandbox every agent process runs in (Linux, bubblewrap). What the agent gets:
// - its own PID namespace: /proc shows the sandbox's processes only, never the action's;
// - the machine's files read-only, with the job's hidden behind empty folders: the real HOME (git
//   credentials, tokens of other tools), the runner's folders (its temp with the file-command files
//   and the snapshot of .git/config, its diag logs and credentials), and whatever else it is told;
// - writable: the worktree, the session folder, a private HOME and TMPDIR, and declared paths;
// - the repository's git metadata read-only, with a .git/config that holds no credentials, so it
//   cannot plant hooks or config that the action's own git would run outside;
// - an environment without any value of the job's secrets, and its own credentials on purpose
//   (the API key variable, the agent's login files read-only in its private HOME);
// - with an allow-list: a network namespace of its own, whose only way out is the egress proxy.
// Why bubblewrap directly and not @anthropic-ai/sandbox-runtime: docs/sandbox.md.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve, sep } from 'node:path';
import type { Egress } from '../core/egress.js';
import { sanitizeGitConfig } from '../core/git-config-text.js';
import type { AgentRun } from '../app/ports.js';
import { startEgressProxy } from './egress-proxy.js';
import { findProgram } from './find-program.js';
import initScript from './sandbox-init.cjs?raw';

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Ends what the launch started beside the process (the egress proxy). */
  release(): Promise<void>;
}

/** Turns an agent's command into the process to start; `undefined`: the program does not exist. */
export interface Launcher {
  launch(
    command: string,
    args: readonly string[],
    env: Record<string, string>,
    run: AgentRun,
  ): Promise<Launch | undefined>;
}

export interface SandboxOptions {
  bwrap: string;
  /** The sandbox's private HOME and TMPDIR (created when missing; the caller deletes them). */
  homeDir: string;
  tmpDir: string;
  /** Where the sanitized git config copies and the proxy socket go: never shown to the agent. */
  stateDir: string;
  /** Folders and files the agent must not see, beyond the real HOME. */
  hide: readonly string[];
  /** Declared by the user: writable, or readable inside hidden folders. */
  writable: readonly string[];
  readable: readonly string[];
  /** Values that never reach the agent's environment or its copy of .git/config. */
  secrets: readonly string[];
  egress: Egress;
  /** The setting named in messages: `allowed-domains` or `SAMOCODE_ALLOWED_DOMAINS`. */
  egressSetting: string;
  /** The Node that runs the sandbox's init (the action's own). */
  nodePath: string;
}

/** Files of an agent's login, shown read-only in the private HOME. */
const LOGIN_FILES = [
  '.claude/.credentials.json',
  '.claude/settings.json',
  '.codex/auth.json',
  '.codex/config.toml',
  '.gemini/settings.json',
  '.gemini/oauth_creds.json',
  '.gemini/google_accounts.json',
  '.gemini/installation_id',
];
/** Files the agent rewrites as it runs: a private copy instead. */
const COPIED_FILES = ['.claude.json'];
/** Variables that name an agent's config folder, and where it is in the private HOME. */
const CONFIG_DIRS: Record<string, { dir: string; files: string[] }> = {
  CLAUDE_CONFIG_DIR: { dir: '.claude', files: ['.credentials.json', 'settings.json'] },
  CODEX_HOME: { dir: '.codex', files: ['auth.json', 'config.toml'] },
};
const DROPPED_VARIABLES = [
  'SSH_AUTH_SOCK',
  'GITHUB_ENV',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_PATH',
  'GITHUB_STEP_SUMMARY',
];
const PROXY_SOCKET = '/tmp/.samocode-egress.sock';

const inside = (path: string, folder: string) =>
  path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The environment the agent starts with: no secret value anywhere, its own HOME and TMPDIR. */
export function sandboxEnv(
  env: Record<string, string>,
  options: Pick<SandboxOptions, 'secrets' | 'homeDir' | 'tmpDir'>,
): Record<string, string> {
  const secrets = options.secrets.filter((s) => s.length >= 8);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (DROPPED_VARIABLES.includes(name)) continue;
    if (secrets.some((secret) => value.includes(secret))) continue;
    out[name] = value;
  }
  out.HOME = options.homeDir;
  out.TMPDIR = out.TMP = out.TEMP = options.tmpDir;
  for (const [name, { dir }] of Object.entries(CONFIG_DIRS))
    if (out[name]) out[name] = join(options.homeDir, dir);
  return out;
}

/** The git folders of a worktree: its own and the repository's (they differ for linked worktrees). */
function gitDirs(cwd: string): string[] {
  const dotGit = join(cwd, '.git');
  if (isDir(dotGit)) return [dotGit];
  let gitdir: string;
  try {
    const line = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    if (!line) return [];
    gitdir = isAbsolute(line) ? line : resolve(cwd, line);
  } catch {
    return [];
  }
  let common = gitdir;
  try {
    const named = readFileSync(join(gitdir, 'commondir'), 'utf8').trim();
    common = isAbsolute(named) ? named : resolve(gitdir, named);
  } catch {
    // not a linked worktree
  }
  return [...new Set([common, gitdir])];
}

export function createSandbox(options: SandboxOptions): Launcher {
  mkdirSync(options.homeDir, { recursive: true });
  mkdirSync(options.tmpDir, { recursive: true });
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  return {
    async launch(command, args, env, run) {
      const program = findProgram(command, env, run.cwd);
      if (!program) return undefined;
      const agentEnv = sandboxEnv(env, options);
      const realHomes = [...new Set([env.HOME, homedir()].filter((h): h is string => !!h))];
      prepareHome(options.homeDir, env);
      const plan = mountPlan(options, run, realHomes, program, env.PATH ?? '');
      const bwrapArgs = [
        '--die-with-parent',
        '--unshare-pid',
        '--unshare-ipc',
        '--unshare-uts',
        '--unshare-cgroup-try',
        ...(options.egress.kind === 'list' ? ['--unshare-net'] : []),
        // As root, bubblewrap keeps every capability unless told: without them, no mount can be undone.
        ...(process.getuid?.() === 0 ? ['--cap-drop', 'ALL'] : []),
        ...plan,
        '--chdir',
        run.cwd,
      ];
      let release = async () => {};
      if (options.egress.kind === 'list') {
        const socketPath = join(options.stateDir, `egress-${randomBytes(6).toString('hex')}.sock`);
        const proxy = await startEgressProxy({
          socketPath,
          egress: options.egress,
          setting: options.egressSetting,
          onRefused: (host, port, message) => {
            try {
              appendFileSync(
                run.logFile,
                `${JSON.stringify({ type: 'samocode_sandbox', subtype: 'egress_refused', host, port, message })}\n`,
              );
            } catch {
              // the log folder is the session's: it exists while the agent runs
            }
            run.onActivity?.(`refused: ${host}:${port} is not in ${options.egressSetting}`);
          },
        });
        release = () => proxy.close();
        bwrapArgs.push('--bind', socketPath, PROXY_SOCKET);
        bwrapArgs.push(
          '--',
          options.nodePath,
          '-e',
          initScript,
          '--',
          PROXY_SOCKET,
          program,
          ...args,
        );
      } else {
        bwrapArgs.push('--', program, ...args);
      }
      return { command: options.bwrap, args: bwrapArgs, env: agentEnv, release };
    },
  };

  /** Sanitized copies of the git config files, written fresh for every launch. */
  function gitConfigCopies(dirs: readonly string[]): Array<[string, string]> {
    const copies: Array<[string, string]> = [];
    for (const dir of dirs) {
      for (const name of ['config', 'config.worktree']) {
        const file = join(dir, name);
        if (!existsSync(file)) continue;
        const copy = join(options.stateDir, `git-${copies.length}-${name}`);
        writeFileSync(copy, sanitizeGitConfig(readFileSync(file, 'utf8'), options.secrets), {
          mode: 0o600,
        });
        copies.push([copy, file]);
      }
    }
    return copies;
  }

  function mountPlan(
    opts: SandboxOptions,
    run: AgentRun,
    realHomes: string[],
    program: string,
    path: string,
  ): string[] {
    const hidden = [
      ...realHomes,
      ...opts.hide,
      ...(isDir('/run/user') ? ['/run/user'] : []),
    ].filter((p) => p !== '/' && existsSync(p));
    // The sandbox's /tmp is empty too: what runs the agent from there must be shown again.
    const hiddenDirs = [...hidden.filter(isDir), '/tmp'];
    const isHidden = (p: string) => hiddenDirs.some((h) => inside(p, h) && p !== h);
    const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
    for (const p of hidden) {
      if (isDir(p)) args.push('--tmpfs', p);
      else args.push('--ro-bind', '/dev/null', p);
    }
    // What runs the agent stays visible when it lives in a hidden folder (nvm in HOME, the runner's
    // own Node, a tool cache): read-only.
    const visible = new Set<string>();
    for (const dir of path.split(delimiter))
      if (dir && isAbsolute(dir) && isHidden(dir)) visible.add(dir);
    for (const p of [program, real(program), real(opts.nodePath)]) {
      if (!isHidden(p)) continue;
      // An npm package whole (its code beside its bin), else the program file alone.
      const pkg = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1];
      visible.add(pkg ?? p);
    }
    for (const p of opts.readable) visible.add(resolve(p));
    for (const p of visible) if (existsSync(p)) args.push('--ro-bind', p, p);
    const sessionDir = run.env.SAMOCODE_SESSION_DIR;
    for (const p of [opts.homeDir, opts.tmpDir, run.cwd, ...(sessionDir ? [sessionDir] : [])])
      args.push('--bind', p, p);
    for (const p of opts.writable) if (existsSync(p)) args.push('--bind', resolve(p), resolve(p));
    // The repository's metadata: readable, never writable (whatever folder above it is), never
    // with the job's credentials.
    const repoDirs = gitDirs(run.cwd);
    for (const dir of repoDirs) args.push('--ro-bind', dir, dir);
    for (const [copy, file] of gitConfigCopies(repoDirs)) args.push('--ro-bind', copy, file);
    for (const [source, target] of loginFiles(realHomes[0], opts.homeDir, run.env))
      args.push('--ro-bind', source, target);
    return args;
  }
}

/** The agent's login, read-only, at its usual place in the private HOME. */
function loginFiles(
  realHome: string | undefined,
  home: string,
  env: Record<string, string>,
): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (realHome)
    for (const file of LOGIN_FILES)
      if (existsSync(join(realHome, file))) pairs.push([join(realHome, file), join(home, file)]);
  for (const [name, { dir, files }] of Object.entries(CONFIG_DIRS)) {
    const from = env[name];
    if (!from) continue;
    for (const file of files)
      if (existsSync(join(from, file))) pairs.push([join(from, file), join(home, dir, file)]);
  }
  return pairs;
}

/** Private copies of the files an agent rewrites as it runs, made once. */
function prepareHome(home: string, env: Record<string, string>): void {
  const realHome = env.HOME ?? homedir();
  for (const file of COPIED_FILES) {
    const from = join(realHome, file);
    const to = join(home, file);
    if (existsSync(from) && !existsSync(to)) copyFileSync(from, to);
  }
}

export type SandboxProbe = { ok: true; bwrap: string } | { ok: false; reason: string };

/** Whether bubblewrap runs here, and why not when it does not. */
export async function probeSandbox(env: NodeJS.ProcessEnv): Promise<SandboxProbe> {
  const bwrap = findProgram('bwrap', env, process.cwd());
  if (process.platform !== 'linux')
    return { ok: false, reason: `the sandbox needs Linux (this is ${process.platform})` };
  if (!bwrap)
    return {
      ok: false,
      reason: 'bubblewrap is not installed (install it: sudo apt-get install bubblewrap)',
    };
  const tried = await execa(
    bwrap,
    [
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--unshare-pid',
      '--unshare-net',
      'true',
    ],
    { reject: false, stdin: 'ignore', timeout: 10_000 },
  );
  if (tried.exitCode === 0) return { ok: true, bwrap };
  const detail =
    (String(tried.stderr ?? '') || tried.message || '').trim().split('\n').slice(-1)[0] ?? '';
  return {
    ok: false,
    reason:
      `bubblewrap cannot create namespaces here (${detail}); allow unprivileged user namespaces ` +
      '(Ubuntu 23.10+: an AppArmor profile for bwrap, or sysctl kernel.apparmor_restrict_unprivileged_userns=0)',
  };
}
