/**
 * The secrets among the settings: which variables hold keys, what a key must look like, and the
 * values that must never appear in anything the run writes.
 */
import { FRAGMENT } from '../safety/encodings';
import { readable, type Env } from './parse';
import type { Settings } from './types';

export const KEY_NAMES = [
  'CARDPLUSPAY_API_KEY',
  'CARDPLUSPAY_INACTIVE_API_KEY',
  'CARDPLUSPAY_SECOND_API_KEY',
  'CARDPLUSPAY_SIGNING_API_KEY',
  'CARDPLUSPAY_SECOND_SIGNING_API_KEY',
] as const;

export function keyProblem(value: string | undefined): { why: string; fix: string } | undefined {
  if (value === undefined) return undefined;
  if (value === '') return { why: 'is set but empty', fix: 'Give the key, or unset the variable.' };
  if (/^\s*(["'`]).*\1\s*$/s.test(value) || /^\s*["'`]|["'`]\s*$/.test(value)) {
    return { why: 'has surrounding quotes', fix: 'Remove them: the key is the bare value, e.g. export NAME=abc123 (shell quotes are not part of it).' };
  }
  if (/[\r\n]$/.test(value)) return { why: 'ends with a newline', fix: 'Remove it (a copy-paste or `echo` without -n adds one).' };
  if (/^\s|\s$/.test(value)) return { why: 'has leading or trailing spaces', fix: 'Remove them: the key is the bare value.' };
  if (/[\s\x00-\x1f\x7f]/.test(value)) return { why: 'contains whitespace or control characters', fix: 'Copy the key again from the Dashboard.' };
  if (/^(bearer|basic)\s/i.test(value)) return { why: 'starts with an authorization scheme', fix: 'Give only the key, without "Bearer ".' };
  if (/[^\x21-\x7e]/.test(value)) return { why: 'contains non-ASCII characters', fix: 'Copy the key again from the Dashboard.' };
  // The redactor and the leak check work on 12-character pieces: a shorter key could not be kept out of reports.
  if (value.length < FRAGMENT)
    return {
      why: `is shorter than ${FRAGMENT} characters`,
      fix: 'Copy the whole key from the Dashboard; keys that short cannot be redacted reliably, so the suite refuses them.',
    };
  return undefined;
}

/** The values that must never appear in anything the run writes. */
export function secretsOf(settings: Settings): string[] {
  return [
    settings.apiKey,
    settings.inactiveApiKey,
    settings.secondApiKey,
    settings.signing?.apiKey,
    settings.signing?.privateKeyPem,
    settings.secondSigning?.apiKey,
    settings.secondSigning?.privateKeyPem,
  ].filter((s): s is string => !!s);
}

/**
 * The secrets named by the environment, without validating anything else: for processes that
 * only redact (the reporters, the runner's output filter), which must work even when the
 * settings are incomplete.
 */
export function secretsFromEnv(env: Env = process.env): string[] {
  const out: string[] = [];
  for (const name of KEY_NAMES) if (env[name]) out.push(env[name]);
  for (const name of ['CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE', 'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE']) {
    const file = env[name];
    const pem = file ? readable(file) : undefined;
    if (pem) out.push(pem);
  }
  return out;
}
