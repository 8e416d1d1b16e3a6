// Session commits that GitHub makes itself, through its Git Database API (blobs, trees, commits,
// then the branch's ref): GitHub signs them as the token's owner and shows them as Verified, with
// no key to keep. Each local commit that origin lacks is made again on GitHub with the same files
// and message (so the same tree), oldest first; the branch then moves to the last one, fast-forward
// only, and the local branch follows it. The commits were checked like any push before this runs.
import { execa } from 'execa';
import type { GitHubClient, GitHubSettings } from './octokit-github.js';

/** What publishing the commits of `tip` to `branch` came to; `rejected`: the branch moved on. */
export type PublishOutcome = { kind: 'published'; sha: string } | { kind: 'rejected' };

export interface CommitPublisher {
  /** `remoteHead`: the branch on origin now, or undefined when it does not exist yet. */
  publish(
    cwd: string,
    branch: string,
    tip: string,
    remoteHead: string | undefined,
  ): Promise<PublishOutcome>;
}

async function gitText(cwd: string, args: readonly string[]): Promise<string> {
  const result = await execa('git', args, { cwd, stdin: 'ignore', stripFinalNewline: false });
  return result.stdout;
}

async function gitBytes(cwd: string, args: readonly string[]): Promise<Uint8Array> {
  const result = await execa('git', args, {
    cwd,
    stdin: 'ignore',
    encoding: 'buffer',
    stripFinalNewline: false,
  });
  return result.stdout;
}

type TreeMode = '100644' | '100755' | '040000' | '160000' | '120000';
type TreeEntry = {
  path: string;
  mode: TreeMode;
  type: 'blob' | 'commit';
} & ({ sha: string | null } | { content: string });

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a blob that is UTF-8 without NULs (sent inline in its tree), else undefined. */
function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The changes of `commit` against `parent` (`diff-tree -r -z`), as tree entries for the API. */
async function changes(
  cwd: string,
  parent: string,
  commit: string,
  blob: (bytes: Uint8Array) => Promise<string>,
): Promise<TreeEntry[]> {
  const fields = (
    await gitText(cwd, ['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', parent, commit])
  ).split('\0');
  const entries: TreeEntry[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode = '', newMode = '', , sha = '', status = ''] = (fields[i] ?? '')
      .slice(1)
      .split(' ');
    const path = fields[i + 1] ?? '';
    if (status === 'D') {
      const mode = oldMode as TreeMode;
      entries.push({ path, mode, type: mode === '160000' ? 'commit' : 'blob', sha: null });
    } else if (newMode === '160000') {
      entries.push({ path, mode: '160000', type: 'commit', sha });
    } else {
      // Text goes inside the tree request: one request per commit instead of one per file.
      const bytes = await gitBytes(cwd, ['cat-file', 'blob', sha]);
      const text = asText(bytes);
      const mode = newMode as TreeMode;
      entries.push(
        text === undefined
          ? { path, mode, type: 'blob', sha: await blob(bytes) }
          : { path, mode, type: 'blob', content: text },
      );
    }
  }
  return entries;
}

export function githubCommitPublisher(
  client: GitHubClient,
  settings: Pick<GitHubSettings, 'owner' | 'repo'>,
): CommitPublisher {
  const repo = { owner: settings.owner, repo: settings.repo };
  return {
    async publish(cwd, branch, tip, remoteHead) {
      const commits = (
        await gitText(cwd, [
          'rev-list',
          '--reverse',
          '--topo-order',
          tip,
          '--not',
          '--remotes=origin',
        ])
      )
        .split('\n')
        .filter(Boolean);
      const made = new Map<string, string>();
      const blob = async (bytes: Uint8Array) => {
        const created = await client.rest.git.createBlob({
          ...repo,
          content: Buffer.from(bytes).toString('base64'),
          encoding: 'base64',
        });
        return created.data.sha;
      };
      // Every commit's parent, before anything is made on GitHub: a merge stops it all.
      const parentOf = new Map<string, string>();
      for (const commit of commits) {
        const parents = (await gitText(cwd, ['rev-list', '--parents', '-n', '1', commit]))
          .trim()
          .split(' ')
          .slice(1);
        const parent = parents[0];
        if (parents.length !== 1 || !parent)
          throw new Error(
            `commit ${commit} has ${parents.length} parents: only commits with one parent can be made through the API (commit-signing: github-api); remove the merge from the session branch and resume`,
          );
        parentOf.set(commit, parent);
      }
      for (const commit of commits) {
        const parent = parentOf.get(commit) ?? '';
        const raw = await gitText(cwd, ['cat-file', 'commit', commit]);
        const message = raw.slice(raw.indexOf('\n\n') + 2);
        const entries = await changes(cwd, parent, commit, blob);
        const parentTree = (await gitText(cwd, ['rev-parse', `${parent}^{tree}`])).trim();
        const tree = entries.length
          ? (await client.rest.git.createTree({ ...repo, base_tree: parentTree, tree: entries }))
              .data.sha
          : parentTree;
        const created = await client.rest.git.createCommit({
          ...repo,
          message,
          tree,
          parents: [made.get(parent) ?? parent],
        });
        made.set(commit, created.data.sha);
      }
      const sha = made.get(tip) ?? tip;
      try {
        if (remoteHead)
          await client.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: false });
        else await client.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
      } catch (error) {
        // Not a fast-forward, or created meanwhile: someone pushed to the branch.
        if ((error as { status?: number }).status === 422) return { kind: 'rejected' };
        throw error;
      }
      return { kind: 'published', sha };
    },
  };
}
