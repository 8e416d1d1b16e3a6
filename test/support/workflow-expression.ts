// A small evaluator of GitHub Actions expressions, for testing the example workflow's `if:`,
// `concurrency` and `env:` against real webhook payloads. It follows GitHub's documented rules
// (docs.github.com, "Evaluate expressions in workflows and actions"): `||` and `&&` return an
// operand, falsy values are false, 0, -0, '', null and NaN, `==` compares loosely (other types
// become numbers) and strings without regard to case, a missing property is null, `.*` filters an
// object or array, and the functions contains, startsWith, endsWith, format, join, toJSON and
// fromJSON behave as documented. Anything else it does not know is an error, never a guess.

type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** An array made by `.*`: a property read on it reads that property of every element. */
class Filtered extends Array<Value> {}

type Token =
  | { kind: 'op'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'name'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|&&|\|\||[()!<>,.[\]*])/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0] });
      i += op[0].length;
      continue;
    }
    if (rest.startsWith("'")) {
      let value = '';
      let j = 1;
      for (;;) {
        if (j >= rest.length) throw new Error(`unterminated string in: ${source}`);
        if (rest[j] === "'") {
          if (rest[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += rest[j];
        j += 1;
      }
      tokens.push({ kind: 'string', value });
      i += j + 1;
      continue;
    }
    const number = /^-?(0x[0-9a-f]+|\d+(\.\d+)?(e[+-]?\d+)?)/i.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][\w-]*/.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    throw new Error(`unexpected "${rest.slice(0, 10)}" in: ${source}`);
  }
  return tokens;
}

const truthy = (v: Value): boolean =>
  !(v === null || v === false || v === 0 || v === '' || (typeof v === 'number' && isNaN(v)));

const toNumber = (v: Value): number => {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v.trim() === '') return 0;
    try {
      const parsed: unknown = JSON.parse(v);
      return typeof parsed === 'number' ? parsed : NaN;
    } catch {
      return NaN;
    }
  }
  return NaN;
};

export const toText = (v: Value): string => {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  return Array.isArray(v) ? 'Array' : 'Object';
};

function looselyEqual(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (a !== null && typeof a === 'object') return a === b;
  if (b !== null && typeof b === 'object') return false;
  if (typeof a === typeof b) return a === b;
  return toNumber(a) === toNumber(b);
}

function property(target: Value, key: string): Value {
  if (target instanceof Filtered) {
    const out = new Filtered();
    for (const item of target) {
      const v = property(item, key);
      if (v !== null) out.push(v);
    }
    return out;
  }
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return null;
  const found = Object.keys(target).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? null : (target[found] ?? null);
}

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  contains: (search, item) =>
    Array.isArray(search)
      ? search.some((v) => looselyEqual(v, item ?? null))
      : toText(search ?? null)
          .toLowerCase()
          .includes(toText(item ?? null).toLowerCase()),
  startsWith: (text, start) =>
    toText(text ?? null)
      .toLowerCase()
      .startsWith(toText(start ?? null).toLowerCase()),
  endsWith: (text, end) =>
    toText(text ?? null)
      .toLowerCase()
      .endsWith(toText(end ?? null).toLowerCase()),
  format: (template, ...args) =>
    toText(template ?? null).replace(/\{\{|\}\}|\{(\d+)\}/g, (match, n?: string) => {
      if (match === '{{') return '{';
      if (match === '}}') return '}';
      const index = Number(n);
      if (index >= args.length) throw new Error(`format: no argument {${index}}`);
      return toText(args[index] ?? null);
    }),
  join: (array, separator = ',') =>
    Array.isArray(array)
      ? array.map((v) => toText(v)).join(toText(separator))
      : toText(array ?? null),
  toJSON: (value) => JSON.stringify(value ?? null, null, 2),
  fromJSON: (text) => JSON.parse(toText(text ?? null)) as Value,
};

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly contexts: Record<string, Value>,
    private readonly source: string,
  ) {}

  parse(): Value {
    const value = this.or();
    if (this.at !== this.tokens.length)
      throw new Error(
        `unexpected token ${JSON.stringify(this.tokens[this.at])} in: ${this.source}`,
      );
    return value;
  }

  private peek(text: string): boolean {
    const t = this.tokens[this.at];
    return t?.kind === 'op' && t.text === text;
  }

  private expect(text: string): void {
    if (!this.peek(text)) throw new Error(`expected "${text}" in: ${this.source}`);
    this.at += 1;
  }

  private or(): Value {
    let left = this.and();
    while (this.peek('||')) {
      this.at += 1;
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  private and(): Value {
    let left = this.comparison();
    while (this.peek('&&')) {
      this.at += 1;
      const right = this.comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }

  private comparison(): Value {
    const left = this.unary();
    for (const op of ['==', '!=', '<', '>', '<=', '>=']) {
      if (!this.peek(op)) continue;
      this.at += 1;
      const right = this.unary();
      if (op === '==') return looselyEqual(left, right);
      if (op === '!=') return !looselyEqual(left, right);
      const [a, b] = [toNumber(left), toNumber(right)];
      return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
    }
    return left;
  }

  private unary(): Value {
    if (this.peek('!')) {
      this.at += 1;
      return !truthy(this.unary());
    }
    return this.postfix();
  }

  private postfix(): Value {
    let value = this.primary();
    for (;;) {
      if (this.peek('.')) {
        this.at += 1;
        const next = this.tokens[this.at];
        this.at += 1;
        if (next?.kind === 'op' && next.text === '*') value = filter(value);
        else if (next?.kind === 'name') value = property(value, next.text);
        else throw new Error(`expected a property name after "." in: ${this.source}`);
      } else if (this.peek('[')) {
        this.at += 1;
        const key = this.or();
        this.expect(']');
        value =
          Array.isArray(value) && typeof key === 'number'
            ? (value[key] ?? null)
            : property(value, toText(key));
      } else {
        return value;
      }
    }
  }

  private primary(): Value {
    const t = this.tokens[this.at];
    this.at += 1;
    if (!t) throw new Error(`unexpected end of: ${this.source}`);
    if (t.kind === 'string' || t.kind === 'number') return t.value;
    if (t.kind === 'op' && t.text === '(') {
      const value = this.or();
      this.expect(')');
      return value;
    }
    if (t.kind === 'name') {
      if (t.text === 'true') return true;
      if (t.text === 'false') return false;
      if (t.text === 'null') return null;
      if (this.peek('(')) {
        const fn = Object.entries(FUNCTIONS).find(
          ([name]) => name.toLowerCase() === t.text.toLowerCase(),
        )?.[1];
        if (!fn) throw new Error(`unknown function ${t.text} in: ${this.source}`);
        this.at += 1;
        const args: Value[] = [];
        while (!this.peek(')')) {
          args.push(this.or());
          if (!this.peek(')')) this.expect(',');
        }
        this.at += 1;
        return fn(...args);
      }
      if (!(t.text in this.contexts))
        throw new Error(`the context "${t.text}" is not available here: ${this.source}`);
      return this.contexts[t.text] ?? null;
    }
    throw new Error(`unexpected "${t.text}" in: ${this.source}`);
  }
}

function filter(value: Value): Value {
  const out = new Filtered();
  if (Array.isArray(value)) out.push(...value);
  else if (value !== null && typeof value === 'object') out.push(...Object.values(value));
  return out;
}

/**
 * Evaluates one expression (without `${{ }}`) with the given contexts; a context not given is an
 * error, so a test names exactly the contexts GitHub allows where the expression stands.
 */
export function evaluate(expression: string, contexts: Record<string, unknown>): Value {
  return new Parser(tokenize(expression), contexts as Record<string, Value>, expression).parse();
}

/** A value as the workflow file writes it: `${{ … }}` parts evaluated and turned into text. */
export function interpolate(text: string, contexts: Record<string, unknown>): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = text.indexOf('${{', i);
    if (open === -1) return out + text.slice(i);
    // The expression ends at the first `}}` outside a string literal.
    let j = open + 3;
    let quoted = false;
    while (j < text.length && (quoted || !text.startsWith('}}', j))) {
      if (text[j] === "'") quoted = !quoted;
      j += 1;
    }
    if (j >= text.length) throw new Error(`unterminated \${{ in: ${text}`);
    out += text.slice(i, open) + toText(evaluate(text.slice(open + 3, j), contexts));
    i = j + 2;
  }
}

/** An `if:` as GitHub reads it: a bare expression, or one wrapped in `${{ }}`. */
export function condition(text: string, contexts: Record<string, unknown>): boolean {
  const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)?.[1] ?? text;
  return truthy(evaluate(bare, contexts));
}
