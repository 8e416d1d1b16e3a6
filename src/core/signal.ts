// `_signal.json`: the one thing the agent writes to steer the loop. Parsed strictly; every way it
// can be wrong becomes a message that names the field and the expected form.
import { z } from 'zod';
import { PHASES, SIGNAL_STATUSES, WAIT_REASONS } from './phases.js';
import type { Phase, SignalStatus, WaitReason } from './phases.js';

export interface Signal {
  status: SignalStatus;
  phase?: Phase;
  summary?: string;
  reason?: string;
  needs?: string;
  for?: WaitReason;
}

const lowercase = (value: unknown): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

// No length limit: the whole text is kept in the session folder (`_state.json`, history); only
// what goes to places with limits (comments, notifications) is cut, saying so (core/clip.ts).
const optionalText = z.string().optional();

/** Optional fields a signal may send as JSON `null` (the original tool's signal writer does). */
const OPTIONAL_FIELDS = ['phase', 'summary', 'reason', 'needs', 'for'] as const;

const signalSchema = z
  .object({
    status: z.preprocess(lowercase, z.enum(SIGNAL_STATUSES)),
    phase: z.preprocess(lowercase, z.enum(PHASES)).optional(),
    summary: optionalText,
    reason: optionalText,
    needs: optionalText,
    for: z.preprocess(lowercase, z.enum(WAIT_REASONS)).optional(),
  })
  .superRefine((signal, ctx) => {
    if (signal.status === 'waiting' && signal.for === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['for'],
        message: `a "waiting" signal needs "for": one of ${WAIT_REASONS.join(', ')}`,
      });
    }
  });

export type SignalParse = { ok: true; signal: Signal } | { ok: false; error: string };

/** Parses the text of `_signal.json`. Never throws. */
export function parseSignal(text: string): SignalParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `_signal.json is not valid JSON (${detail})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: '_signal.json must hold a JSON object like {"status": "continue"}' };
  }
  const parsed = signalSchema.safeParse(withoutNulls(raw));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'signal';
      const got = issue.path.length > 0 ? describeValue(raw, issue.path[0]) : '';
      return `${field}: ${explain(issue)}${got}`;
    });
    return { ok: false, error: `_signal.json is invalid: ${problems.join('; ')}` };
  }
  return { ok: true, signal: dropUndefined(parsed.data) };
}

/** An optional field sent as `null` is read as absent; `status: null` stays an error. */
function withoutNulls(raw: object): object {
  const copy: Record<string, unknown> = { ...raw };
  for (const field of OPTIONAL_FIELDS) if (copy[field] === null) delete copy[field];
  return copy;
}

function explain(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `expected one of ${issue.values.map(String).join(', ')}`;
  }
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  return issue.message;
}

function describeValue(raw: object, key: PropertyKey | undefined): string {
  if (typeof key !== 'string' || !(key in raw)) return '';
  const value = (raw as Record<string, unknown>)[key];
  return ` (got ${JSON.stringify(value)?.slice(0, 80) ?? String(value)})`;
}

function dropUndefined(signal: Signal): Signal {
  return Object.fromEntries(
    Object.entries(signal).filter(([, value]) => value !== undefined),
  ) as unknown as Signal;
}
