/** An answer as a check reads it: what the egress read (wire.ts), with its header fields indexed and its body parsed when JSON. */
import type { WireAnswer } from './wire';

export interface Reply {
  status: number;
  /** Lower-case names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  /** Every field as received, names in the target's own spelling (an echo may hide in a name's case: AUTH-13, SAFE-01). */
  rawHeaders: Array<[string, string]>;
  /** Each Set-Cookie field on its own: joined with ", " they could not be split again (Expires holds a comma). */
  setCookies: string[];
  contentType: string;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  /** A command that sends this request again, holding no secret (helpers/cases/reproduce.ts); empty outside a run. */
  reproduction: string;
  url: string;
  ms: number;
}

/** The answer as a check reads it; its reproduction is the client's to add. */
export function toReply(answer: WireAnswer, url: string): Omit<Reply, 'reproduction'> {
  const headers: Record<string, string> = {};
  const rawHeaders: Array<[string, string]> = [];
  const setCookies: string[] = [];
  for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
    const key = answer.rawHeaders[i]!.toLowerCase();
    const value = answer.rawHeaders[i + 1]!;
    rawHeaders.push([answer.rawHeaders[i]!, value]);
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
    if (key === 'set-cookie') setCookies.push(value);
  }
  const text = answer.body.toString('utf8');
  let json: unknown;
  try {
    json = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { status: answer.status, headers, rawHeaders, setCookies, contentType: headers['content-type'] ?? '', text, json, url, ms: answer.ms };
}
