/**
 * Dollars in one format everywhere: cents (`$0.00`, `$12.35`). An amount above zero that would
 * read as `$0.00` reads `<$0.01`, so a small cost or limit is not shown as nothing.
 */
export function formatUsd(amount: number): string {
  if (amount > 0 && amount < 0.005) return '<$0.01';
  return `$${amount.toFixed(2)}`;
}
