// The Git Database API of the fake GitHub (blobs, trees, commits, refs), on the bare origin with
// git's own plumbing: objects are really written, refs really move, fast-forward only unless
// forced, as GitHub does. Commits made here are the ones GitHub would sign: they are recorded as
// verified, and their committer is GitHub's web-flow identity.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'openapi-backend';

type Json = Record<string, unknown>;
type Handler = (c: Context, body: Json) => { status: number; json?: unknown };

export interface GitDatabaseState {
  origin?: string;
  /** Commits created through the API, which GitHub signs and shows as verified. */
  apiCommits: Set<string>;
}

export function gitDatabaseHandlers(
  state: GitDatabaseState,
  url: () => string,
): Record<string, Handler> {
  const git = (args: string[], options: { input?: Buffer; env?: Json } = {}) => {
    if (!state.origin) throw new Error('the fake has no origin repository');
    return execFileSync('git', ['--git-dir', state.origin, ...args], {
      encoding: 'utf8',
      ...(options.input ? { input: options.input } : {}),
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    }).trim();
  };
  const exists = (sha: string, type: string) => {
    try {
      return git(['cat-file', '-t', sha]) === type;
    } catch {
      return false;
    }
  };
  const refSha = (ref: string) => {
    try {
      return git(['rev-parse', '--verify', '--quiet', ref]);
    } catch {
      return undefined;
    }
  };
  const refJson = (ref: string, sha: string) => ({
    ref,
    node_id: `REF_${sha.slice(0, 8)}`,
    url: `${url()}/git/${ref}`,
    object: { type: 'commit', sha, url: `${url()}/git/commits/${sha}` },
  });
  const invalid = (message: string) => ({ status: 422, json: { message } });

  return {
    'git/create-blob': (_c, body) => {
      const encoding = body.encoding === 'base64' ? 'base64' : 'utf8';
      const sha = git(['hash-object', '-w', '--stdin'], {
        input: Buffer.from(String(body.content), encoding),
      });
      return { status: 201, json: { sha, url: `${url()}/git/blobs/${sha}` } };
    },
    'git/create-tree': (_c, body) => {
      const index = mkdtempSync(join(tmpdir(), 'fake-tree-'));
      const env = { GIT_INDEX_FILE: join(index, 'index') };
      try {
        const baseTree = body.base_tree ? String(body.base_tree) : undefined;
        if (baseTree && !exists(baseTree, 'tree')) return invalid('base_tree is not a valid tree');
        git(baseTree ? ['read-tree', baseTree] : ['read-tree', '--empty'], { env });
        for (const entry of body.tree as Json[]) {
          const path = String(entry.path);
          // --index-info, not --force-remove: a bare repository has no work tree to check.
          if (entry.sha === null)
            git(['update-index', '--index-info'], {
              env,
              input: Buffer.from(`0 ${'0'.repeat(40)}\t${path}\n`),
            });
          else {
            // `content`: GitHub writes the blob itself, as UTF-8.
            const sha =
              typeof entry.content === 'string'
                ? git(['hash-object', '-w', '--stdin'], {
                    input: Buffer.from(entry.content, 'utf8'),
                  })
                : String(entry.sha);
            if (entry.type === 'blob' && !exists(sha, 'blob'))
              return invalid(`tree.sha ${sha} is not a valid blob`);
            git(['update-index', '--add', '--cacheinfo', `${String(entry.mode)},${sha},${path}`], {
              env,
            });
          }
        }
        const sha = git(['write-tree'], { env });
        return {
          status: 201,
          json: { sha, url: `${url()}/git/trees/${sha}`, tree: [], truncated: false },
        };
      } finally {
        rmSync(index, { recursive: true, force: true });
      }
    },
    'git/create-commit': (_c, body) => {
      const tree = String(body.tree);
      if (!exists(tree, 'tree')) return invalid('Tree SHA does not exist');
      const parents = (body.parents as string[]).map(String);
      for (const parent of parents)
        if (!exists(parent, 'commit'))
          return invalid('Parent SHA does not exist or is not a commit object');
      const time = '2026-11-25T12:00:00Z';
      const message = String(body.message);
      const sha = git(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message], {
        env: {
          GIT_AUTHOR_NAME: 'github-actions[bot]',
          GIT_AUTHOR_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
          GIT_AUTHOR_DATE: time,
          GIT_COMMITTER_NAME: 'GitHub',
          GIT_COMMITTER_EMAIL: 'noreply@github.com',
          GIT_COMMITTER_DATE: time,
        },
      });
      state.apiCommits.add(sha);
      const person = (name: string, email: string) => ({ name, email, date: time });
      return {
        status: 201,
        json: {
          sha,
          node_id: `C_${sha.slice(0, 8)}`,
          url: `${url()}/git/commits/${sha}`,
          html_url: `https://github.com/commit/${sha}`,
          author: person(
            'github-actions[bot]',
            '41898282+github-actions[bot]@users.noreply.github.com',
          ),
          committer: person('GitHub', 'noreply@github.com'),
          message,
          tree: { sha: tree, url: `${url()}/git/trees/${tree}` },
          parents: parents.map((p) => ({
            sha: p,
            url: `${url()}/git/commits/${p}`,
            html_url: `https://github.com/commit/${p}`,
          })),
          verification: {
            verified: true,
            reason: 'valid',
            signature: null,
            payload: null,
            verified_at: time,
          },
        },
      };
    },
    'git/create-ref': (_c, body) => {
      const ref = String(body.ref);
      const sha = String(body.sha);
      if (!/^refs\/heads\/./.test(ref))
        return invalid('Reference name must start with refs/heads/');
      if (refSha(ref)) return invalid('Reference already exists');
      if (!exists(sha, 'commit')) return invalid('Object does not exist');
      git(['update-ref', ref, sha, '']);
      return { status: 201, json: refJson(ref, sha) };
    },
    'git/update-ref': (c, body) => {
      const ref = `refs/${String(c.request.params.ref)}`;
      const sha = String(body.sha);
      const current = refSha(ref);
      if (!current) return invalid('Reference does not exist');
      if (!exists(sha, 'commit')) return invalid('Object does not exist');
      if (body.force !== true) {
        try {
          git(['merge-base', '--is-ancestor', current, sha]);
        } catch {
          return invalid('Update is not a fast forward');
        }
      }
      git(['update-ref', ref, sha, current]);
      return { status: 200, json: refJson(ref, sha) };
    },
  };
}
