// The action's own git credentials. The checkout keeps none (actions/checkout with
// `persist-credentials: false`), so the agent, which works in that checkout, has nothing to push
// with; the action hands its token to each of its own git processes through their environment
// (never a command line, which other users of the machine can read, nor a file).
import { runGit } from './run-git.js';

export interface GitAuth {
  /** The server the token is for (GITHUB_SERVER_URL): only requests to it carry the header. */
  serverUrl: string;
  token: string;
}

/** Environment for a git process that talks to origin: one for reads, one for pushes. */
export interface RemoteAccess {
  fetchEnv: Record<string, string>;
  pushEnv: Record<string, string>;
}

/**
 * Git configuration as GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n (after any the
 * parent process already passes that way) that replaces the Authorization header for `serverUrl`:
 * an empty value first empties git's list of extra headers (a checkout's own included), then the
 * token's header is added. Nobody is there to type a password: git fails instead of asking.
 */
export function gitAuthEnv(
  auth: GitAuth,
  inherited: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const key = `http.${auth.serverUrl.replace(/\/+$/, '')}/.extraheader`;
  const basic = Buffer.from(`x-access-token:${auth.token}`).toString('base64');
  const first = Number(inherited.GIT_CONFIG_COUNT) || 0;
  return {
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_COUNT: String(first + 2),
    [`GIT_CONFIG_KEY_${first}`]: key,
    [`GIT_CONFIG_VALUE_${first}`]: '',
    [`GIT_CONFIG_KEY_${first + 1}`]: key,
    [`GIT_CONFIG_VALUE_${first + 1}`]: `AUTHORIZATION: basic ${basic}`,
  };
}

/** Reads with `githubToken`; pushes with `pushToken` when there is one (its pushes start CI). */
export function remoteAccess(
  serverUrl: string,
  githubToken: string,
  pushToken?: string,
): RemoteAccess {
  const fetchEnv = githubToken ? gitAuthEnv({ serverUrl, token: githubToken }) : {};
  return {
    fetchEnv,
    pushEnv: pushToken ? gitAuthEnv({ serverUrl, token: pushToken }) : fetchEnv,
  };
}

/**
 * Whether the checkout keeps an Authorization header for git (actions/checkout's default,
 * `persist-credentials: true`, writes one into .git/config or a file it includes). The values are
 * read here only to tell an empty one; they are never returned.
 */
export async function hasPersistedCredentials(workspace: string): Promise<boolean> {
  const found = await runGit(workspace, [
    'config',
    '--local',
    '--includes',
    '--get-regexp',
    '^http\\..*\\.extraheader$',
  ]);
  if (found.code !== 0) return false;
  return found.stdout
    .split('\n')
    .some((line) => line.includes(' ') && line.slice(line.indexOf(' ') + 1).trim() !== '');
}
