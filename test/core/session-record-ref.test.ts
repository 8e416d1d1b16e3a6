import { describe, expect, it } from 'vitest';
import { recordRef, recordsOfIssue, restoreCommand } from '../../src/core/session-record-ref.js';

describe('session record refs', () => {
  it('names the record of a session and the commands that bring its folder back', () => {
    expect(recordRef('26-11-28-7-add-x')).toBe('refs/samocode/sessions/26-11-28-7-add-x');
    expect(restoreCommand('26-11-28-7-add-x', '_sessions/26-11-28-7-add-x')).toBe(
      'git fetch origin refs/samocode/sessions/26-11-28-7-add-x && git restore --source=FETCH_HEAD -- _sessions/26-11-28-7-add-x',
    );
  });

  it('narrows the records to those named after the issue, newest first', () => {
    const refs = [
      'refs/samocode/sessions/26-11-20-7-add-x',
      'refs/samocode/sessions/26-11-28-7-add-x',
      'refs/samocode/sessions/26-11-28-17-other',
      'refs/samocode/sessions/26-11-28-7',
      'refs/samocode/locks/issue-7',
      'refs/samocode/sessions/notes-7-x',
    ];
    expect(recordsOfIssue(refs, 7)).toEqual(['26-11-28-7-add-x', '26-11-28-7', '26-11-20-7-add-x']);
    expect(recordsOfIssue(refs, 8)).toEqual([]);
  });
});
