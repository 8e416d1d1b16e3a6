// What a push may not carry, and how a refusal reads. A session commit must hold no secret (in any
// form of secret-forms.ts) and, unless allowed, must not touch the repository's CI definitions: a
// workflow added on a session branch pushed with a push-token would run with the repository's
// secrets. The messages name commits, paths and secret names, never a value.
import type { SecretForm } from './secret-forms.js';

export type PushFinding =
  | {
      kind: 'secret';
      /** Full sha of the commit that brings the value. */
      commit: string;
      /** The file that holds it; undefined when it is in the commit object (message, author). */
      path?: string;
      secret: string;
      form: SecretForm;
    }
  | {
      kind: 'ci';
      commit: string;
      path: string;
      change: 'adds' | 'changes' | 'deletes';
    };

/** The input that lets session commits change CI definitions. */
export const ALLOW_WORKFLOW_CHANGES = 'allow-workflow-changes';

/**
 * GitHub Actions workflows and local actions, and the folders themselves (a symlink or submodule
 * in their place). Compared without case: what is harmless on Linux may not be on another checkout.
 */
export function isCiDefinition(path: string): boolean {
  return /^\.github(\/(workflows|actions)(\/|$)|$)/i.test(path);
}

/** The change a raw diff status letter (A, M, D, T …; merges give one per parent) stands for. */
export function changeOf(status: string): 'adds' | 'changes' | 'deletes' {
  if (/^A+$/.test(status)) return 'adds';
  if (/^D+$/.test(status)) return 'deletes';
  return 'changes';
}

const SHOWN = 5;

/** Why a push of `branch` is refused, naming each commit, path and secret (the first few). */
export function describeRefusal(branch: string, findings: readonly PushFinding[]): string {
  const short = (sha: string) => sha.slice(0, 12);
  const parts = findings.slice(0, SHOWN).map((f) => {
    if (f.kind === 'ci') return `commit ${short(f.commit)} ${f.change} ${f.path}`;
    const form = f.form === 'raw' ? '' : ` (${f.form})`;
    const where = f.path === undefined ? 'its commit message' : f.path;
    return `commit ${short(f.commit)} puts the value of ${f.secret}${form} in ${where}`;
  });
  const more = findings.length > SHOWN ? `; and ${findings.length - SHOWN} more` : '';
  const ci = findings.some((f) => f.kind === 'ci')
    ? `; CI definitions (.github/workflows, .github/actions) change only with the input ${ALLOW_WORKFLOW_CHANGES}: true`
    : '';
  return (
    `refusing to push ${branch}: ${parts.join('; ')}${more}${ci}. Nothing was pushed; ` +
    'the next run starts again from the branch on origin'
  );
}
