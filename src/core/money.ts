/** Dollars as people read them: cents for real amounts, four places for the small ones. */
export function formatUsd(amount: number): string {
  return `$${amount >= 1 || amount === 0 ? amount.toFixed(2) : amount.toFixed(4)}`;
}
