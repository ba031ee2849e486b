/**
 * Percent-decoding that never throws. Imports nothing, so the mock can share it without pulling
 * in the suite.
 */

/** `s` percent-decoded, or `s` as given when it is not valid percent-encoding (a lone "%"). */
export function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
