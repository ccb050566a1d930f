/**
 * Decimal text for a float32 value that parses back (Number, then
 * Math.fround) to exactly the same float32, using 6 to 9 significant digits
 * (9 always suffice for float32) rather than the 17 a float64 print of the
 * widened value would take.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Object.is(value, -0)) return '-0';
  for (let digits = 6; digits < 9; digits++) {
    const parsed = Number(value.toPrecision(digits));
    if (Math.fround(parsed) === value) return String(parsed);
  }
  return String(Number(value.toPrecision(9)));
}
