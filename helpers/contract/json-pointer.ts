/** RFC 6901 JSON pointers: where the challenge sits in a reply (a setting), and where ajv found an error. */

/** Whether `p` is a JSON pointer: empty, or "/"-led with "~" only in the escapes ~0 and ~1. */
export function isJsonPointer(p: string): boolean {
  return p === '' || (p.startsWith('/') && !/~[^01]|~$/.test(p));
}

/** RFC 6901: the value at `pointer` in `doc`, or undefined when the path does not exist. */
export function readJsonPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    // ~1 before ~0, so "~01" reads as "~1" and not "/" (RFC 6901 section 4).
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}
