// `_github.json`: what ties a session to GitHub — its issue, branch, status comment and pull
// request, and the comments and reviews already applied (so each is applied once).
import { z } from 'zod';

export interface GithubRecord {
  version: 1;
  issue: number;
  branch: string;
  base: string;
  statusCommentId?: number;
  pr?: { number: number; nodeId: string };
  /** Comment and review ids already applied, newest last (bounded). */
  handled: number[];
  /** The newest comment time considered; the next run reads comments from here on. */
  seenCommentsUntil?: string;
  /** The `_qa.md` questions round already posted, so a re-run does not post it twice. */
  questionsPosted?: string;
  /** The plan the open plan gate asks about: an approval counts only for this version. */
  plan?: PlanVersion;
  /** The last steering command applied, shown in the status comment as its acknowledgement. */
  lastCommand?: string;
  /** The newest review submission time considered; older reviews are never applied again. */
  seenReviewsUntil?: string;
  /**
   * The review that opened the plan gate, and the session's iteration then: dismissing that review
   * before an iteration ran since closes the gate again.
   */
  approval?: { review: number; iteration: number };
}

export interface PlanVersion {
  /** The plan file, relative to the repository root. */
  path: string;
  /** Fingerprint of the plan's text (trailing whitespace ignored). */
  hash: string;
  /** The session commit the gate showed when it opened for this version. */
  commit: string;
  /**
   * The newest issue comment when the gate opened for this version: an approving comment at or
   * below it was written before this version existed. (GitHub's ids only grow; clocks may skew.)
   */
  afterComment: number;
}

const HANDLED_LIMIT = 500;

const schema = z.object({
  version: z.literal(1),
  issue: z.number().int().positive(),
  branch: z.string().min(1),
  base: z.string().min(1),
  statusCommentId: z.number().int().optional(),
  pr: z.object({ number: z.number().int(), nodeId: z.string() }).optional(),
  handled: z.array(z.number().int()),
  seenCommentsUntil: z.string().optional(),
  questionsPosted: z.string().optional(),
  plan: z
    .object({
      path: z.string(),
      hash: z.string(),
      commit: z.string(),
      afterComment: z.number().int(),
    })
    .optional(),
  lastCommand: z.string().optional(),
  seenReviewsUntil: z.string().optional(),
  approval: z.object({ review: z.number().int(), iteration: z.number().int() }).optional(),
});

export function parseGithubRecord(
  text: string,
): { ok: true; record: GithubRecord } | { ok: false; error: string } {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { ok: true, record: parsed.data };
    const issue = parsed.error.issues[0];
    return { ok: false, error: `"${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}` };
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
}

/**
 * The record's text, its keys always in the schema's order (the order parsing gives them): a record
 * read and written back unchanged is the same text, so a replayed event makes no commit.
 */
export function serializeGithubRecord(record: GithubRecord): string {
  return `${JSON.stringify(schema.parse(record), null, 2)}\n`;
}

export function wasHandled(record: GithubRecord, id: number): boolean {
  return record.handled.includes(id);
}

export function markHandled(record: GithubRecord, id: number): GithubRecord {
  if (record.handled.includes(id)) return record;
  return { ...record, handled: [...record.handled, id].slice(-HANDLED_LIMIT) };
}
