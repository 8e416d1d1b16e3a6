// `KEY=VALUE` files (`.samocode`, `.env`): comments, blank lines, `export `, single or double
// quotes. A line that is none of these is reported with its number instead of being guessed at.

export type DotenvParse =
  { ok: true; values: Record<string, string> } | { ok: false; line: number; error: string };

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

export function parseDotenv(text: string): DotenvParse {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const match = LINE.exec(line);
    if (!match) {
      return {
        ok: false,
        line: index + 1,
        error: `expected KEY=VALUE, got ${JSON.stringify(line.trim())}`,
      };
    }
    values[match[1] as string] = unquote(match[2] ?? '');
  }
  return { ok: true, values };
}

function unquote(raw: string): string {
  const quote = raw[0];
  if ((quote === '"' || quote === "'") && raw.endsWith(quote) && raw.length >= 2) {
    const inner = raw.slice(1, -1);
    return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"') : inner;
  }
  return raw.replace(/\s+#.*$/, '');
}
