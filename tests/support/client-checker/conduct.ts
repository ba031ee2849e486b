/**
 * What the clients of clients.ts do, in a few words each: the headers a conforming client sends,
 * 429 honoured, a challenge obtained and signed, the basics every client gets right, and the whole
 * conforming flow that faces every trap.
 */
import crypto from 'node:crypto';
import type { ClientEnv } from './session';
import { nodeWire, type Got, type Wire } from './wire';

export const ACCEPT = { Accept: 'application/json' };
export const keyed = (key: string): Record<string, string> => ({ 'X-API-Key': key, ...ACCEPT });
export const JSON_BODY = { 'Content-Type': 'application/json' };
export const STOCK = JSON.stringify({ item_id: 'AMZ-US-25', quantity: 1 });

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function using(wire: Wire | Promise<Wire>, body: (w: Wire) => Promise<void>): Promise<void> {
  const w = await wire;
  try {
    await body(w);
  } finally {
    await w.close();
  }
}

export const node = (env: ClientEnv, options: { insecure?: boolean; follow?: boolean } = {}): Wire => nodeWire({ ca: env.ca, ...options });

/** Sends, and on a 429 waits its Retry-After before sending again (a fresh request each time: a signed one needs a fresh challenge). */
async function polite(send: () => Promise<Got>, seen?: { tooMany: number }): Promise<Got> {
  for (let attempt = 0; ; attempt += 1) {
    const got = await send();
    if (got.status !== 429 || attempt === 5) return got;
    if (seen) seen.tooMany += 1;
    await sleep(Number(got.headers['retry-after'] ?? '1') * 1000);
  }
}

type Signer = (challenge: string, pem: string) => string;
const pkcs1: Signer = (challenge, pem) => crypto.sign('sha256', Buffer.from(challenge, 'utf8'), pem).toString('base64');
export const pss: Signer = (challenge, pem) =>
  crypto.sign('sha256', Buffer.from(challenge, 'utf8'), { key: pem, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');

export async function challengeOf(w: Wire, env: ClientEnv): Promise<string> {
  const got = await polite(() => w.send({ method: 'POST', url: `${env.base}auth/challenge`, headers: keyed(env.signingKey) }));
  return (JSON.parse(got.text) as { data: { challenge: string } }).data.challenge;
}

export function signedGet(w: Wire, env: ClientEnv, path: string, challenge: string, sign: Signer = pkcs1): Promise<Got> {
  return w.send({
    url: `${env.base}${path}`,
    headers: { ...keyed(env.signingKey), 'X-API-Challenge': challenge, 'X-API-Signature': sign(challenge, env.signingPem) },
  });
}

/** What every client does right: a read, a JSON POST, a signed request. */
export async function basics(w: Wire, env: ClientEnv): Promise<void> {
  await polite(() => w.send({ url: `${env.base}balance`, headers: keyed(env.key) }));
  await polite(() => w.send({ method: 'POST', url: `${env.base}orders/check`, headers: { ...keyed(env.key), ...JSON_BODY }, body: STOCK }));
  await polite(async () => signedGet(w, env, 'balance', await challengeOf(w, env)));
}

/** Everything right, every trap faced: a 401 not retried, the impostor refused, no redirect followed, 429 honoured. */
export async function conforming(w: Wire, env: ClientEnv): Promise<void> {
  await basics(w, env);
  await polite(async () => signedGet(w, env, 'orders', await challengeOf(w, env)));
  await polite(() => w.send({ url: `${env.base}balance`, headers: keyed(env.revokedKey) }));
  const impostor = await w.send({ url: `${env.impostor}balance`, headers: keyed(env.key) }).then(
    (got) => `answered ${got.status}`,
    () => 'refused',
  );
  if (impostor !== 'refused') throw new Error(`the good client did not refuse the impostor: ${impostor}`);
  for (let i = 0; i < 2; i += 1) await w.send({ url: `${env.trap}balance`, headers: keyed(env.key) });
  const seen = { tooMany: 0 };
  for (let i = 0; i < env.rateLimit * 4 && seen.tooMany === 0; i += 1) await polite(() => w.send({ url: `${env.base}catalog`, headers: keyed(env.key) }), seen);
}
