/** Faults of what a key's refusal says: the key echoed (in each place and each spelling SAFE-01 names), the reason given away, the 401 answer itself, and cookies a client must never send back. */
import { randomKey } from '../accounts';
import { unauthorized, type KeyFailure } from '../auth';
import { fail, json, type Data } from '../envelope';
import type { ProbeReply } from '../probe-client';
import { percentEncoded, refuseWith } from './api-key';
import type { Fault } from './fault';
import { bodyOf, dataOf, type Kit } from './probe-kit';

/** The presented key as an echoing server might spell it: raw, fully percent-encoded (once or twice), Base64, byte by byte in hex. */
const ECHO_SPELLINGS = {
  raw: (key: string) => key,
  percent: percentEncoded,
  /** As a proxy that re-encodes what it forwards spells an encoded key: each `%` becomes `%25`. */
  'double-percent': (key: string) => percentEncoded(key).replace(/%/g, '%25'),
  base64: (key: string) => Buffer.from(key, 'utf8').toString('base64'),
  /** As a debugging aid dumps bytes (OpenSSL, Wireshark): two hex digits each, joined by colons. */
  'hex-colons': (key: string) => Array.from(Buffer.from(key, 'utf8'), (b) => b.toString(16).padStart(2, '0')).join(':'),
  /** As a JSON serialiser that escapes some characters spells it inside a string: every third one as `\u00XX`. */
  'json-partial': (key: string) => key.replace(/./g, (c, i: number) => (i % 3 === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)),
};

/** A refusal that carries the presented key, spelt one way, in its message, WWW-Authenticate, an X-Debug-Key header or data. */
const echoIn = (place: 'message' | 'www-authenticate' | 'x-debug-key' | 'data', spelling: keyof typeof ECHO_SPELLINGS) =>
  refuseWith((_failure, presented) => {
    if (!presented) return unauthorized();
    const echoed = ECHO_SPELLINGS[spelling](presented);
    if (place === 'message') return fail(401, `Unauthorized: no account has the key ${echoed}`);
    if (place === 'www-authenticate')
      return fail(401, 'Unauthorized', {}, { 'www-authenticate': `ApiKey realm="cardpluspay", error="invalid_key", key="${echoed}"` });
    if (place === 'x-debug-key') return fail(401, 'Unauthorized', {}, { 'x-debug-key': echoed });
    return fail(401, 'Unauthorized', { presented_key: echoed });
  });

/** A never-issued key presented, and the given part of the answer holding it in the given spelling. */
const echoProbe =
  (part: (r: ProbeReply) => string, spelling: keyof typeof ECHO_SPELLINGS) =>
  async (k: Kit): Promise<boolean> => {
    const presented = randomKey();
    return part(await k.balance(presented)).includes(ECHO_SPELLINGS[spelling](presented));
  };

export const REFUSAL_FAULTS = {
  // What a refusal gives away
  'key-echoed-in-body': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data echoes the presented key as presented_key',
    probe: async (k) => {
      const presented = randomKey();
      return (await k.balance(presented)).text.includes(presented);
    },
    bend: refuseWith((_failure, presented) => fail(401, 'Unauthorized', { presented_key: presented ?? null })),
  },
  'key-echoed-in-header': {
    breaks: ['AUTH-13'],
    summary: 'The 401 echoes the presented key in an X-Presented-Key header',
    probe: async (k) => {
      const presented = randomKey();
      return Object.values((await k.balance(presented)).headers).some((v) => String(v).includes(presented));
    },
    bend: refuseWith((_failure, presented) => (presented ? fail(401, 'Unauthorized', {}, { 'x-presented-key': presented }) : unauthorized())),
  },
  // The presented key echoed in each place and each spelling SAFE-01 names
  'key-echoed-in-message': {
    breaks: ['AUTH-13'],
    summary: 'The 401 message echoes the presented key ("Unauthorized: no account has the key KEY")',
    probe: echoProbe((r) => String(bodyOf(r).message), 'raw'),
    bend: echoIn('message', 'raw'),
  },
  'key-echoed-in-message-percent': {
    breaks: ['AUTH-13'],
    summary: 'The 401 message echoes the presented key fully percent-encoded (%63%70...)',
    probe: echoProbe((r) => String(bodyOf(r).message), 'percent'),
    bend: echoIn('message', 'percent'),
  },
  // In a header, not the message: a message that varies with the key already fails AUTH-13's
  // "indistinguishable answers", so only the echo check (holdsSecret) can catch it there.
  'key-echoed-double-percent': {
    breaks: ['AUTH-13'],
    summary:
      'The 401 echoes the presented key double-percent-encoded in its WWW-Authenticate challenge (key="%2563%2570...", as a proxy that re-encodes writes it)',
    probe: echoProbe((r) => String(r.headers['www-authenticate']), 'double-percent'),
    bend: echoIn('www-authenticate', 'double-percent'),
  },
  'key-echoed-hex-colons': {
    breaks: ['AUTH-13'],
    summary:
      'The 401 echoes the presented key as colon-separated hex in an X-Debug-Key header (X-Debug-Key: 63:70:70:5f:..., as OpenSSL and Wireshark dump bytes)',
    probe: echoProbe((r) => String(r.headers['x-debug-key']), 'hex-colons'),
    bend: echoIn('x-debug-key', 'hex-colons'),
  },
  'key-echoed-in-message-base64': {
    breaks: ['AUTH-13'],
    summary: 'The 401 message echoes the presented key in Base64',
    probe: echoProbe((r) => String(bodyOf(r).message), 'base64'),
    bend: echoIn('message', 'base64'),
  },
  'key-echoed-in-message-json-escaped': {
    breaks: ['AUTH-13'],
    summary: 'The 401 message echoes the presented key with some characters written as JSON \\u escapes (the parsed message holds the key itself)',
    probe: echoProbe((r) => r.text, 'json-partial'),
    bend: refuseWith((_failure, presented) => {
      if (!presented) return unauthorized();
      const reply = fail(401, `Unauthorized: no account has the key ${presented}`);
      return { ...reply, body: reply.body.replace(JSON.stringify(presented).slice(1, -1), ECHO_SPELLINGS['json-partial'](presented)) };
    }),
  },
  'key-echoed-in-www-authenticate': {
    breaks: ['AUTH-13'],
    summary: 'The 401 echoes the presented key in its WWW-Authenticate challenge (key="KEY")',
    probe: echoProbe((r) => String(r.headers['www-authenticate']), 'raw'),
    bend: echoIn('www-authenticate', 'raw'),
  },
  'key-echoed-in-www-authenticate-percent': {
    breaks: ['AUTH-13'],
    summary: 'The 401 echoes the presented key fully percent-encoded in its WWW-Authenticate challenge',
    probe: echoProbe((r) => String(r.headers['www-authenticate']), 'percent'),
    bend: echoIn('www-authenticate', 'percent'),
  },
  'key-echoed-in-www-authenticate-base64': {
    breaks: ['AUTH-13'],
    summary: 'The 401 echoes the presented key in Base64 in its WWW-Authenticate challenge',
    probe: echoProbe((r) => String(r.headers['www-authenticate']), 'base64'),
    bend: echoIn('www-authenticate', 'base64'),
  },
  'key-echoed-in-body-percent': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data echoes the presented key fully percent-encoded as presented_key',
    probe: echoProbe((r) => String(dataOf(r).presented_key), 'percent'),
    bend: echoIn('data', 'percent'),
  },
  'key-echoed-in-body-base64': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data echoes the presented key in Base64 as presented_key',
    probe: echoProbe((r) => String(dataOf(r).presented_key), 'base64'),
    bend: echoIn('data', 'base64'),
  },
  'reason-in-data': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data says why the key failed (reason: missing/unknown/malformed/revoked; revoked_at when revoked)',
    probe: async (k) => (await k.balance(k.inactive)).text !== (await k.balance(randomKey())).text,
    bend: refuseWith((failure) => fail(401, 'Unauthorized', reasonData(failure))),
  },
  'missing-key-distinct': {
    breaks: ['AUTH-02', 'AUTH-13', 'ENV-03'],
    summary: 'A missing key gets 401 with message "API key required"',
    probe: async (k) => bodyOf(await k.balance(undefined)).message !== 'Unauthorized',
    bend: refuseWith(
      () => fail(401, 'API key required'),
      (failure) => failure === 'missing',
    ),
  },
  // The key-failure answer itself
  'unauthorized-as-403': {
    breaks: ['AUTH-02', 'AUTH-03', 'AUTH-04', 'AUTH-08', 'AUTH-12'],
    summary: 'Every key failure answers 403 (same envelope)',
    probe: async (k) => (await k.balance(undefined)).status === 403,
    bend: refuseWith(() => fail(403, 'Unauthorized')),
  },
  'unauthorized-as-400': {
    breaks: ['AUTH-05'],
    summary: 'A key that does not look like a key (wrong format) gets 400',
    probe: async (k) => (await k.balance('not-a-key')).status === 400,
    bend: refuseWith(
      () => fail(400, 'Unauthorized'),
      (failure) => failure === 'malformed',
    ),
  },
  'unauthorized-plain-text': {
    breaks: ['ENV-01', 'AUTH-02'],
    summary: 'The 401 body is text/plain "Unauthorized"',
    probe: async (k) => (await k.balance(undefined)).json === undefined,
    bend: refuseWith(() => ({ status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Unauthorized' })),
  },
  'unauthorized-wrong-content-type': {
    breaks: ['ENV-01'],
    summary: 'The 401 body is the JSON envelope labelled text/html',
    probe: async (k) => !(await k.balance(undefined)).headers['content-type']?.startsWith('application/json'),
    bend: refuseWith(() => ({ ...unauthorized(), headers: { 'content-type': 'text/html; charset=utf-8' } })),
  },
  'unauthorized-success-true': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope says success: true',
    probe: async (k) => bodyOf(await k.balance(undefined)).success === true,
    bend: refuseWith(() => json(401, { success: true, message: 'Unauthorized', data: {} })),
  },
  'unauthorized-no-data': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope has no data member',
    probe: async (k) => !('data' in bodyOf(await k.balance(undefined))),
    bend: refuseWith(() => json(401, { success: false, message: 'Unauthorized' })),
  },
  'unauthorized-data-null': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope has data: null',
    probe: async (k) => bodyOf(await k.balance(undefined)).data === null,
    bend: refuseWith(() => json(401, { success: false, message: 'Unauthorized', data: null })),
  },
  'unauthorized-data-array': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope has data: []',
    probe: async (k) => Array.isArray(bodyOf(await k.balance(undefined)).data),
    bend: refuseWith(() => json(401, { success: false, message: 'Unauthorized', data: [] })),
  },
  'unauthorized-message-lowercase': {
    breaks: ['ENV-03', 'AUTH-02'],
    summary: 'The 401 message is "unauthorized"',
    probe: async (k) => bodyOf(await k.balance(undefined)).message === 'unauthorized',
    bend: refuseWith(() => fail(401, 'unauthorized')),
  },
  'unauthorized-message-detailed': {
    breaks: ['ENV-03', 'AUTH-04'],
    summary: 'The 401 message is "Invalid API key"',
    probe: async (k) => bodyOf(await k.balance(randomKey())).message === 'Invalid API key',
    bend: refuseWith(() => fail(401, 'Invalid API key')),
  },
  // Cookies: what a client must never send back (SAFE-06 is the suite's side of it)
  'sets-cookies': {
    breaks: ['AUTH-13'],
    summary: 'Every HTTPS answer sets cookies: a sticky load-balancer one, a session, and one holding the presented key (echoed, so a 401 carries it)',
    probe: async (k) => {
      const cookies = (await k.balance(k.active)).headers['set-cookie'] ?? [];
      return cookies.some((c) => c.startsWith(`cpp_key=${k.active};`)) && cookies.some((c) => c.startsWith('AWSALB='));
    },
    bend: (behaviour) => ({
      ...behaviour,
      cookies: (headers) => {
        const presented = headers['x-api-key'];
        const key = Array.isArray(presented) ? presented.join(', ') : presented;
        return [
          'AWSALB=conformance-sticky-0001; Path=/',
          'cpp_session=conformance-session-0002; Path=/; Secure; HttpOnly',
          ...(key ? [`cpp_key=${encodeURIComponent(key)}; Path=/; Secure`] : []),
        ];
      },
    }),
  },
} satisfies Record<string, Fault>;

/** A revoked key also gets a member the others lack, so even a keys-only comparison sees the leak. */
function reasonData(failure: KeyFailure): Data {
  return failure === 'revoked' ? { reason: failure, revoked_at: '2024-01-01T00:00:00Z' } : { reason: failure };
}
