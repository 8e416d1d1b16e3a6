// The repository's workflows and the example workflows: third-party actions pinned to a commit,
// least privilege, and a release workflow that publishes only release tags.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    { permissions?: Record<string, string>; steps?: Array<{ uses?: string; run?: string }> }
  >;
}

const files = ['.github/workflows', 'examples'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(dir, f)),
);
const read = (file: string) => parse(readFileSync(file, 'utf8')) as Workflow;

describe('workflow files', () => {
  it.each(files)('%s pins every third-party action to a full commit SHA', (file) => {
    const text = readFileSync(file, 'utf8');
    const uses = [...text.matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, comment] of uses) {
      // The action itself: examples name it by its major tag (README: which version `uses:` runs).
      if (ref?.startsWith('samocode/samocode@')) continue;
      expect(ref, `${file}: ${ref}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(comment, `${file}: ${ref} says which version the SHA is`).toMatch(/#\s*v\d/);
    }
  });

  it.each(files)('%s declares the permissions of the job token at the top', (file) => {
    const workflow = read(file);
    expect(workflow.permissions, `${file}: top-level permissions`).toBeDefined();
    expect(Object.values(workflow.permissions ?? {})).not.toContain('write-all');
  });

  it('release.yml runs for release tags and by hand only, with contents: write for its job alone', () => {
    const release = read('.github/workflows/release.yml');
    expect(Object.keys(release.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(release.on.push).toEqual({ tags: ['v*.*.*'] });
    expect(release.permissions).toEqual({ contents: 'read' });
    const jobs = Object.values(release.jobs);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.permissions).toEqual({ contents: 'write' });
    const runs = (jobs[0]?.steps ?? []).map((s) => s.run ?? '').join('\n');
    // Every check CI runs, dist/ freshness included, before anything is published.
    expect(runs).toContain('.ci/run');
    expect(runs.indexOf('.ci/run')).toBeLessThan(runs.indexOf('gh release create'));
    expect(runs).toContain('git/refs/tags/$MAJOR');
  });
});
