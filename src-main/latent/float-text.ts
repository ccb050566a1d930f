/**
 * Decimal text for a float32 value that parses back (Number, then
 * Math.fround) to exactly the same float32: 8 significant digits when they
 * suffice (most values), else 9 (always enough for float32), trailing zeros
 * dropped; rather than the 17 digits a float64 print of the widened value takes.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Object.is(value, -0)) return '-0';
  const parsed = Number(value.toPrecision(8));
  return String(Math.fround(parsed) === value ? parsed : Number(value.toPrecision(9)));
}
