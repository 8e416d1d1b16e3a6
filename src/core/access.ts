// Who may steer a session: people with enough permission on the repository (checked through the
// API when their event arrives), optionally narrowed to a list; never bots.
import type { Actor } from './github-event.js';

export const PERMISSIONS = ['admin', 'maintain', 'write', 'triage', 'read', 'none'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface AccessPolicy {
  allowedPermissions: readonly Permission[];
  /** When not empty, only these logins (case-insensitive), and only with an allowed permission. */
  allowedUsers: readonly string[];
}

export const DEFAULT_POLICY: AccessPolicy = {
  allowedPermissions: ['admin', 'maintain', 'write'],
  allowedUsers: [],
};

export type AccessDecision = { ok: true } | { ok: false; reason: string };

export function decideAccess(
  actor: Actor,
  permission: Permission,
  policy: AccessPolicy,
): AccessDecision {
  if (actor.isBot) return { ok: false, reason: `@${actor.login} is a bot` };
  if (
    policy.allowedUsers.length > 0 &&
    !policy.allowedUsers.some((u) => u.toLowerCase() === actor.login.toLowerCase())
  ) {
    return { ok: false, reason: `@${actor.login} is not in allowed-users` };
  }
  if (!policy.allowedPermissions.includes(permission)) {
    return {
      ok: false,
      reason: `@${actor.login} has ${permission} permission (needs ${policy.allowedPermissions.join(', ')})`,
    };
  }
  return { ok: true };
}

export function parsePermissionList(text: string): Permission[] | { error: string } {
  const items = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());
  const unknown = items.filter((i) => !(PERMISSIONS as readonly string[]).includes(i));
  if (unknown.length > 0 || items.length === 0) {
    return {
      error: `expected a comma-separated list of ${PERMISSIONS.join(', ')} (got "${text}")`,
    };
  }
  return items as Permission[];
}
