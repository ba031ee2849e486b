/**
 * The text of one exchange as the report shows it: what was sent, what came back (the body cut to
 * size: the target is untrusted and may answer with megabytes), and any closing notes. Callers
 * redact the result before it reaches a sink.
 */

/** Longest body a transcript shows. */
const TRANSCRIPT_BODY_LIMIT = 4000;

/** The received half: status line, header lines, a blank line, the body cut to size. */
export function answerLines(statusLine: string, headers: Record<string, string>, text: string): string[] {
  const body = text.length > TRANSCRIPT_BODY_LIMIT ? `${text.slice(0, TRANSCRIPT_BODY_LIMIT)}…` : text;
  return [statusLine, ...Object.entries(headers).map(([n, v]) => `${n}: ${v}`), '', body];
}

/** Sent lines, received lines and notes, each part separated by a blank line. */
export function exchangeText(sent: readonly string[], received: readonly string[], ...notes: string[]): string {
  return `${[sent.join('\n'), received.join('\n'), ...notes].join('\n\n')}\n`;
}
