// The forms in which a secret's value can hide in a file: as it is, base64 (alone or inside a
// longer base64 stream), base64url, URL-encoded, hex. Pushes are searched for all of them
// (adapters/push-check.ts); this part only computes the strings to look for and looks.

export type SecretForm = 'raw' | 'base64' | 'base64url' | 'url-encoded' | 'hex';

/** One string to look for: `name` is what a refusal says, `text` is never shown. */
export interface SecretNeedle {
  name: string;
  form: SecretForm;
  text: string;
}

/** Shorter values (an empty variable, "true", a port) would match everywhere and protect nothing. */
export const MIN_SECRET_LENGTH = 8;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL = `${BASE64.slice(0, 62)}-_`;

/**
 * The base64 characters of `bytes` when they start `offset` (0, 1 or 2) bytes into a 3-byte group
 * of a longer stream: only the characters whose 6 bits all come from `bytes`, so the result is in
 * any base64 text that encodes `bytes` at that alignment, whatever bytes surround them.
 */
export function alignedBase64(bytes: Uint8Array, offset: 0 | 1 | 2, alphabet = BASE64): string {
  const firstBit = 8 * offset;
  const endBit = 8 * (offset + bytes.length);
  let out = '';
  for (let i = Math.ceil(firstBit / 6); 6 * i + 6 <= endBit; i++) {
    let value = 0;
    for (let bit = 6 * i; bit < 6 * i + 6; bit++) {
      const byte = bytes[Math.floor(bit / 8) - offset] ?? 0;
      value = (value << 1) | ((byte >> (7 - (bit % 8))) & 1);
    }
    out += alphabet[value];
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Every string that betrays one of `secrets` (name → value); values under 8 characters are skipped. */
export function secretNeedles(secrets: Readonly<Record<string, string>>): SecretNeedle[] {
  const needles: SecretNeedle[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    const bytes = new TextEncoder().encode(value);
    const seen = new Set<string>();
    const add = (form: SecretForm, text: string) => {
      if (text.length < MIN_SECRET_LENGTH || seen.has(text)) return;
      seen.add(text);
      needles.push({ name, form, text });
    };
    add('raw', value);
    for (const offset of [0, 1, 2] as const) add('base64', alignedBase64(bytes, offset));
    for (const offset of [0, 1, 2] as const)
      add('base64url', alignedBase64(bytes, offset, BASE64URL));
    add('url-encoded', encodeURIComponent(value));
    add('hex', hex(bytes));
    add('hex', hex(bytes).toUpperCase());
  }
  return needles;
}

/** The needles found in `text`, at most one per secret name (the first form that matches). */
export function findSecrets(text: string, needles: readonly SecretNeedle[]): SecretNeedle[] {
  const found: SecretNeedle[] = [];
  for (const needle of needles) {
    if (found.some((f) => f.name === needle.name)) continue;
    if (text.includes(needle.text)) found.push(needle);
  }
  return found;
}
