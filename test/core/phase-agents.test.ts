import { describe, expect, it } from 'vitest';
import { describePhaseAgents, parsePhaseAgents } from '../../src/core/phase-agents.js';

describe('parsePhaseAgents', () => {
  it('reads one phase per line or per ";", with model and turn limit', () => {
    const parsed = parsePhaseAgents(
      'implementation: claude model=claude-opus-4-5 max-turns=80\n' +
        '  # quality reviews run on another vendor\n' +
        'Quality: Codex model=gpt-5-codex; testing: gemini timeout=900',
    );
    expect(parsed).toEqual({
      ok: true,
      agents: {
        implementation: { kind: 'claude', model: 'claude-opus-4-5', maxTurns: 80 },
        quality: { kind: 'codex', model: 'gpt-5-codex' },
        testing: { kind: 'gemini', timeoutSeconds: 900 },
      },
    });
    if (parsed.ok)
      expect(describePhaseAgents(parsed.agents)).toBe(
        'implementation: claude model=claude-opus-4-5 max-turns=80; testing: gemini timeout=900; quality: codex model=gpt-5-codex',
      );
  });

  it('an empty setting maps nothing', () => {
    expect(parsePhaseAgents('')).toEqual({ ok: true, agents: {} });
    expect(parsePhaseAgents(' \n # none\n')).toEqual({ ok: true, agents: {} });
  });

  it.each([
    ['implementation claude', /is not "<phase>: <agent> \[options\]"/],
    ['coding: claude', /"coding" is not a phase \(phases: init, investigation/],
    [
      'quality: gpt',
      /"gpt" for phase quality is not an agent \(agents: claude, codex, gemini, command\)/,
    ],
    ['quality: codex\nquality: gemini', /phase quality is given an agent twice/],
    ['quality: codex temperature=1', /"temperature=1" for phase quality is not an option/],
    ['quality: claude max-turns=lots', /"max-turns=lots" for phase quality is not an option/],
    ['quality: codex max-turns=5', /only claude has a turn limit \(codex has none\)/],
    ['quality: claude model=', /"model=" for phase quality is not an option/],
    [
      'quality: claude timeout=soon',
      /use model=<name>, max-turns=<whole number>, timeout=<seconds> or args=/,
    ],
  ])('%j is refused, saying why', (text, error) => {
    const parsed = parsePhaseAgents(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });
});
