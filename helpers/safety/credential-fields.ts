/**
 * The places credentials sit in HTTP text (header lines, query parameters, cookies), masked
 * whatever their value: the redactor's second half (redact.ts), which finds values it was never
 * told about (signatures made at run time, keys echoed by a broken server).
 */
const CREDENTIAL_HEADERS = ['x-api-key', 'x-api-signature', 'authorization', 'cookie', 'set-cookie', 'proxy-authorization'];
const CREDENTIAL_PARAMS = ['api_key', 'apikey', 'x-api-key', 'key', 'signature'];

/** `…abcd`: enough to tell two keys apart in a report, not enough to use one. */
export function mask(value: string): string {
  if (value.length < 24) return '[redacted]';
  return `[redacted …${value.slice(-4)}]`;
}

const HEADER_NAMES = `(?:${CREDENTIAL_HEADERS.join('|')})`;
/**
 * Where a credential header's value sits in free text, and where it ends; never past the line.
 * In a single-quoted shell word (a command's `-H 'X-API-Key: …'`) at the closing `'`, so the rest
 * of a one-line reproduction stays as it was and still runs; where the word goes on with a shell
 * expansion (`'Authorization: Bearer '"$CARDPLUSPAY_API_KEY"`), the expansion is the value and the
 * quoted text before it its scheme word or cookie name, left as written.
 */
const CREDENTIAL_HEADER_FORMS = [
  // A single-quoted shell word: a `"` inside it is literal.
  `('${HEADER_NAMES}[ \\t]*[:=][ \\t]*)([^\\r\\n']+)`,
  // A quoted name and value: a Python dict, a JavaScript object (`'X-API-Key': 'abc'`).
  `('${HEADER_NAMES}'[ \\t]*[:=][ \\t]*["']?)([^\\r\\n"']+)`,
  // A raw transcript, a log line, JSON: the value runs to the end of the line (`X-API-Key: abc def`) or a `"`.
  `((?:^|[\\s"{,\\[(])${HEADER_NAMES}"?[ \\t]*[:=][ \\t]*"?)([^\\r\\n"]+)`,
];
const CREDENTIAL_HEADER_LINES = new RegExp(CREDENTIAL_HEADER_FORMS.join('|'), 'gim');
const CREDENTIAL_QUERY_PARAMS = new RegExp(`([?&;](?:${CREDENTIAL_PARAMS.join('|')})=)([^&#\\s"']+)`, 'gi');

/** A closing quote, then a shell expansion in double quotes: as written, escaped in JSON, or in XML. */
const EXPANSION_AFTER_QUOTE = /^'(?:"|\\"|&quot;)\$/;

/** Masks credential header lines, query parameters and cookies in free text. */
export function redactCredentialFields(text: string): string {
  let out = text.replace(CREDENTIAL_HEADER_LINES, (m: string, ...args: unknown[]) => {
    // A head and a value per form, then where the match starts: the matched form's pair is the one set.
    const groups = args.slice(0, 2 * CREDENTIAL_HEADER_FORMS.length) as Array<string | undefined>;
    const at = args[groups.length] as number;
    const form = groups.findIndex((g) => g !== undefined);
    const [head, value] = [groups[form]!, groups[form + 1]!];
    // The same in the files that hold it escaped (JSON's \", XML's &quot;): a pass over those must leave what a pass over the text left.
    const prefixOfExpansion = form === 0 && EXPANSION_AFTER_QUOTE.test(text.slice(at + m.length, at + m.length + 8));
    // Already masked, or no value at all (a reproduction's `'X-API-Key: '"$CARDPLUSPAY_API_KEY"` quotes only).
    return prefixOfExpansion || value.startsWith('[redacted') || !/[A-Za-z0-9]/.test(value) ? `${head}${value}` : `${head}${mask(value.trim())}`;
  });
  out = out.replace(CREDENTIAL_QUERY_PARAMS, (_m, head: string, value: string) =>
    value.startsWith('%5Bredacted') || value.startsWith('[redacted') ? `${head}${value}` : `${head}${mask(value)}`,
  );
  return out;
}
