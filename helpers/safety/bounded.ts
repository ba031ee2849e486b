/**
 * Bounded work on what the target sends (SAFE-08). Playwright's diffs grow quadratically with the
 * size of what they compare (a 60,000-item array took 42 s in one assertion), and every message
 * passes through the redactor and into several reports: target values are cut to a few KiB before
 * they reach an assertion, and two target values are compared in linear time, never by a diff.
 */

/** The most characters of a target value any message, diff or transcript shows. */
export const MAX_SHOWN_CHARS = 4096;

/** A value as canonical JSON (object members sorted), or undefined when it cannot be serialised. */
function canonicalJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_key, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, (v as Record<string, unknown>)[k]]),
          )
        : v,
    );
  } catch {
    // Nested deeper than the stack allows, or cyclic: nothing from a JSON body is cyclic.
    return undefined;
  }
}

/** Deep equality in time linear in the size of both values (up to sorting each object's keys). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = canonicalJson(a);
  return x !== undefined && x === canonicalJson(b);
}

/** A string cut to `max` characters, saying how much was left out. */
export function cutText(text: string, max = MAX_SHOWN_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (cut: ${text.length} characters in all)`;
}

/**
 * A target value fit for an assertion: itself when its JSON is at most `max` characters, else a
 * cut JSON string (which equals no small expected value, so a check that should fail still does).
 */
export function bounded(value: unknown, max = MAX_SHOWN_CHARS): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return value;
  if (typeof value === 'string') return value.length <= max ? value : cutText(value, max);
  const json = canonicalJson(value);
  if (json === undefined) return '(a value too deeply nested to show)';
  return json.length <= max ? value : cutText(json, max);
}
