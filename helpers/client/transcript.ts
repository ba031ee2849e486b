/**
 * The text of one exchange as the report shows it: what was sent, what came back (the body cut to
 * size: the target is untrusted and may answer with megabytes), and any closing notes. Callers
 * redact the result before it reaches a sink.
 */

import { cutText, MAX_SHOWN_CHARS } from '../bounded';

/** The received half: status line, header lines, a blank line, the body; each value cut to size (SAFE-08). */
export function answerLines(statusLine: string, headers: Record<string, string>, text: string): string[] {
  return [statusLine, ...Object.entries(headers).map(([n, v]) => `${n}: ${cutText(v, MAX_SHOWN_CHARS)}`), '', cutText(text)];
}

/** Sent lines, received lines and notes, each part separated by a blank line. */
export function exchangeText(sent: readonly string[], received: readonly string[], ...notes: string[]): string {
  return `${[sent.join('\n'), received.join('\n'), ...notes].join('\n\n')}\n`;
}
