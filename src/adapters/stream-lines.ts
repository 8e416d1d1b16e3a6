// Splits a byte stream into lines without ever holding more than one line (capped) in memory.

export function lineSplitter(onLine: (line: string) => void, maxLine = 4 * 1024 * 1024) {
  let pending = '';
  let skipping = false;
  return {
    push(chunk: Buffer | string): void {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      let start = 0;
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', start)) {
        const piece = text.slice(start, at);
        if (!skipping) onLine(pending + piece);
        pending = '';
        skipping = false;
        start = at + 1;
      }
      if (skipping) return;
      pending += text.slice(start);
      // A line longer than the cap (a huge tool result) is not needed for progress or the result
      // line; it still reaches the log file untouched.
      if (pending.length > maxLine) {
        pending = '';
        skipping = true;
      }
    },
    end(): void {
      if (!skipping && pending) onLine(pending);
      pending = '';
    },
  };
}
