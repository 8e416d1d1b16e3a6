// The action's post step (dist/post.js, `post-if: always()`): after a run that was killed before its
// own `finally` could clean up, put the runner's workspace back as the run found it. Quick, and a
// no-op when the run cleaned up itself. A cleanup problem is a warning, never a failed job.
// A session branch the run left unpushed is pushed only after the same check as any push of the
// run: the step gets the same inputs and environment, so it knows the same secrets.
// It reads no session: a done session's folder is removed from its branch only after the folder is
// on origin under its record ref (app/flow/record.ts), so an unpushed removal is pushed like any
// other save, and the next run restores the folder from the record.
import * as core from '@actions/core';
import { GUARD_STATE, restoreFromState } from './adapters/workspace-guard.js';
import { actionGit } from './entrypoints/action-secrets.js';

try {
  const { remote, policy } = actionGit(core.getInput, process.env);
  const log = {
    info: (line: string) => core.info(line),
    warn: (line: string) => core.warning(line),
    remote,
    policy,
  };
  if (await restoreFromState(core.getState(GUARD_STATE), log))
    core.info('Samocode: the workspace is back as the interrupted run found it.');
} catch (error) {
  core.warning(`Samocode could not clean the workspace: ${(error as Error).message}`);
}
process.exitCode = 0;
