// Session names: `YY-MM-DD-<slug>`, sortable by date; `--session foo` finds the newest `*-foo`.

const NAME = /^(\d{2})-(\d{2})-(\d{2})-([a-z0-9][a-z0-9-]*)$/;

export function slugify(text: string, maxLength = 40): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > maxLength / 2 ? cut.slice(0, lastDash) : cut).replace(/-+$/, '');
}

export function sessionName(
  date: { year: number; month: number; day: number },
  slug: string,
): string {
  const two = (n: number) => String(n % 100).padStart(2, '0');
  return `${two(date.year)}-${two(date.month)}-${two(date.day)}-${slug}`;
}

export function isSessionName(name: string): boolean {
  return NAME.test(name);
}

/** The newest session whose slug is `wanted`, or the exact name when `wanted` is a full name. */
export function findSession(names: readonly string[], wanted: string): string | undefined {
  if (isSessionName(wanted) && names.includes(wanted)) return wanted;
  return names
    .filter((name) => NAME.exec(name)?.[4] === wanted)
    .sort()
    .at(-1);
}

/** The slug of a session name (`26-11-25-add-login` → `add-login`); other names stay whole. */
export function slugOf(name: string): string {
  return NAME.exec(name)?.[4] ?? name;
}

/**
 * A CLI session's branch: `<prefix>/<slug>`, the prefix being GIT_BRANCH_PREFIX as in the
 * original tool (`samocode` when unset).
 */
export function sessionBranch(name: string, prefix: string): string {
  const clean = prefix.replace(/^\/+|\/+$/g, '');
  return clean ? `${clean}/${slugOf(name)}` : slugOf(name);
}
