// Which agent failures are worth another try, and how long to wait before it.

export interface AgentFailure {
  /** The agent never started or never reported a result (spawn error, crash, killed). */
  kind: 'spawn' | 'no-result' | 'api' | 'max-turns' | 'timeout' | 'stalled' | 'aborted' | 'other';
  apiStatus?: number;
}

export function isRetryable(failure: AgentFailure): boolean {
  switch (failure.kind) {
    case 'spawn':
    case 'no-result':
    case 'stalled':
      return true;
    case 'api':
      return isRetryableStatus(failure.apiStatus);
    case 'max-turns':
    case 'timeout':
    case 'aborted':
    case 'other':
      return false;
  }
}

/** Exponential backoff: base, 2×base, 4×base … capped at ten minutes. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 600_000);
}

/** Rate limits, overload (529) and server errors pass with time; other API errors do not. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return false;
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Failures another vendor's agent could get past: its API down or refusing this account (errors
 * that outlived the retries, authentication, quota), a stall, or a CLI that crashed or never
 * started. Not the work itself (turn limit, timeout, an error the agent reported about the task).
 */
export function isFailoverable(failure: AgentFailure): boolean {
  switch (failure.kind) {
    case 'spawn':
    case 'no-result':
    case 'stalled':
      return true;
    case 'api':
      return (
        failure.apiStatus === undefined ||
        isRetryableStatus(failure.apiStatus) ||
        [401, 402, 403].includes(failure.apiStatus)
      );
    case 'max-turns':
    case 'timeout':
    case 'aborted':
    case 'other':
      return false;
  }
}
