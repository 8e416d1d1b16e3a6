// Deciding, once per run, how agents start: in the sandbox (the default), outside it because the
// user said so, or not at all because the sandbox cannot start here. The entrypoints say what each
// means for the user (the action refuses to run; the CLI warns and goes on).
import { join } from 'node:path';
import { BASE_URL_VARIABLES, effectiveEgress } from '../core/egress.js';
import type { Egress } from '../core/egress.js';
import type { AgentKind } from '../core/phase-agents.js';
import { createSandbox, probeSandbox } from './sandbox.js';
import type { Launcher, SandboxProbe } from './sandbox.js';

export interface SandboxRequest {
  enabled: boolean;
  /** The allow-list as set (undefined: the default list). */
  egress: Egress | undefined;
  egressSetting: string;
  writable: readonly string[];
  readable: readonly string[];
  /** A folder of this run only: the sandbox's HOME, TMPDIR and own files go inside. */
  privateDir: string;
  tmpDir?: string;
  hide: readonly string[];
  secrets: readonly string[];
  agents: readonly AgentKind[];
  /** The environment agents start from (its base-URL variables name model API hosts). */
  agentEnv: Record<string, string>;
  forgeHosts: readonly string[];
  env: NodeJS.ProcessEnv;
}

export type SandboxChoice =
  | { kind: 'on'; launcher: Launcher; egress: Egress }
  | { kind: 'off' }
  | { kind: 'unavailable'; reason: string };

/** `probe`: a check started earlier, so that it overlaps the run's first network calls. */
export async function chooseSandbox(
  request: SandboxRequest,
  probe: Promise<SandboxProbe> | undefined = undefined,
): Promise<SandboxChoice> {
  if (!request.enabled) return { kind: 'off' };
  const found = await (probe ?? probeSandbox(request.env));
  if (!found.ok) return { kind: 'unavailable', reason: found.reason };
  return { kind: 'on', ...setUp(request, found.bwrap) };
}

function setUp(request: SandboxRequest, bwrap: string): { launcher: Launcher; egress: Egress } {
  const egress = effectiveEgress({
    configured: request.egress,
    agents: request.agents,
    baseUrls: BASE_URL_VARIABLES.flatMap((name) => request.agentEnv[name] ?? []),
    forgeHosts: request.forgeHosts,
  });
  const launcher = createSandbox({
    bwrap,
    homeDir: join(request.privateDir, 'home'),
    tmpDir: request.tmpDir ?? join(request.privateDir, 'tmp'),
    stateDir: join(request.privateDir, 'sandbox'),
    hide: request.hide,
    writable: request.writable,
    readable: request.readable,
    secrets: request.secrets,
    egress,
    egressSetting: request.egressSetting,
    nodePath: process.execPath,
  });
  return { launcher, egress };
}

/** One line for logs: what the agent may reach. */
export function describeEgress(egress: Egress): string {
  return egress.kind === 'any'
    ? 'any host (allowed-domains: *)'
    : `${egress.hosts.length} hosts (${egress.hosts.slice(0, 4).join(', ')}${egress.hosts.length > 4 ? ', …' : ''})`;
}
