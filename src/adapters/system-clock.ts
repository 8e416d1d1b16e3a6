import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../app/ports.js';

export const systemClock: Clock = {
  now: () => new Date(),
  async sleep(ms, signal) {
    try {
      await delay(ms, undefined, signal ? { signal } : {});
    } catch (error) {
      // An abort ends the wait early; the caller checks the signal itself.
      if ((error as Error).name !== 'AbortError') throw error;
    }
  },
};
