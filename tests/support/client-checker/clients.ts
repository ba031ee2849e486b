/**
 * The clients `npm test` points at the client checker (issue 21): two that do everything right, one
 * with each library, and for every CLIENT requirement at least one that breaks exactly it, in a
 * few lines, with the library whose default or whose common misuse makes the mistake. Each must get
 * its verdict with exactly its ids failed; a signing client's evidence must name the step it got
 * wrong. Cases are data; tests/steps/client-check.ts runs them (through run-clients.ts).
 */
import crypto from 'node:crypto';
import type { ClientRequirementId } from '../../../helpers/contract/requirements';
import type { Verdict } from '../../../helpers/contract/verdict';
import type { ClientEnv, Setup } from './session';
import { nodeWire, playwrightWire, type Got, type Library, type Wire } from './wire';

export interface ClientCase {
  name: string;
  library: Library;
  setup: Setup;
  /** The CLIENT ids it breaks: exactly these must fail. */
  breaks: ClientRequirementId[];
  expect: Verdict;
  /** What the evidence of its broken requirement must say. */
  says?: RegExp;
  /** A conforming client that faced every trap: every CLIENT requirement must have held. */
  holdsAll?: boolean;
  run(env: ClientEnv): Promise<void>;
}

const ACCEPT = { Accept: 'application/json' };
const keyed = (key: string): Record<string, string> => ({ 'X-API-Key': key, ...ACCEPT });
const JSON_BODY = { 'Content-Type': 'application/json' };
const STOCK = JSON.stringify({ item_id: 'AMZ-US-25', quantity: 1 });
const ALL_TRAPS: Setup = { impostor: true, redirectTrap: true, rateLimit: 5 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function using(wire: Wire | Promise<Wire>, body: (w: Wire) => Promise<void>): Promise<void> {
  const w = await wire;
  try {
    await body(w);
  } finally {
    await w.close();
  }
}

const node = (env: ClientEnv, options: { insecure?: boolean; follow?: boolean } = {}): Wire => nodeWire({ ca: env.ca, ...options });

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
const pss: Signer = (challenge, pem) =>
  crypto.sign('sha256', Buffer.from(challenge, 'utf8'), { key: pem, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');

async function challengeOf(w: Wire, env: ClientEnv): Promise<string> {
  const got = await polite(() => w.send({ method: 'POST', url: `${env.base}auth/challenge`, headers: keyed(env.signingKey) }));
  return (JSON.parse(got.text) as { data: { challenge: string } }).data.challenge;
}

function signedGet(w: Wire, env: ClientEnv, path: string, challenge: string, sign: Signer = pkcs1): Promise<Got> {
  return w.send({
    url: `${env.base}${path}`,
    headers: { ...keyed(env.signingKey), 'X-API-Challenge': challenge, 'X-API-Signature': sign(challenge, env.signingPem) },
  });
}

/** What every client does right: a read, a JSON POST, a signed request. */
async function basics(w: Wire, env: ClientEnv): Promise<void> {
  await polite(() => w.send({ url: `${env.base}balance`, headers: keyed(env.key) }));
  await polite(() => w.send({ method: 'POST', url: `${env.base}orders/check`, headers: { ...keyed(env.key), ...JSON_BODY }, body: STOCK }));
  await polite(async () => signedGet(w, env, 'balance', await challengeOf(w, env)));
}

/** Everything right, every trap faced: a 401 not retried, the impostor refused, no redirect followed, 429 honoured. */
async function conforming(w: Wire, env: ClientEnv): Promise<void> {
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

export const CLIENT_CASES: readonly ClientCase[] = [
  {
    name: 'a conforming client (node:https)',
    library: 'node:https',
    setup: ALL_TRAPS,
    breaks: [],
    expect: 'conforms',
    holdsAll: true,
    run: (env) => using(node(env), (w) => conforming(w, env)),
  },
  {
    name: "a conforming client (Playwright's request: Accept set, maxRedirects 0)",
    library: "Playwright's request",
    setup: ALL_TRAPS,
    breaks: [],
    expect: 'conforms',
    holdsAll: true,
    run: (env) => using(playwrightWire({ maxRedirects: 0 }), (w) => conforming(w, env)),
  },
  {
    name: 'the key as a query parameter',
    library: 'node:https',
    setup: {},
    breaks: ['CLIENT-01'],
    expect: 'does-not-conform',
    says: /query parameter "api_key"/,
    run: (env) =>
      using(node(env), async (w) => {
        await basics(w, env);
        await w.send({ url: `${env.base}balance?api_key=${env.key}`, headers: ACCEPT });
      }),
  },
  {
    name: 'the key as Authorization: Bearer',
    library: "Playwright's request",
    setup: {},
    breaks: ['CLIENT-01'],
    expect: 'does-not-conform',
    says: /header "Authorization"/,
    run: (env) =>
      using(playwrightWire({ maxRedirects: 0 }), async (w) => {
        await basics(w, env);
        await w.send({ url: `${env.base}balance`, headers: { Authorization: `Bearer ${env.key}`, ...ACCEPT } });
      }),
  },
  {
    name: 'the key in a JSON body too',
    library: 'node:https',
    setup: {},
    breaks: ['CLIENT-01'],
    expect: 'does-not-conform',
    says: /body field \/api_key/,
    run: (env) =>
      using(node(env), async (w) => {
        await basics(w, env);
        await w.send({
          method: 'POST',
          url: `${env.base}orders/check`,
          headers: { ...keyed(env.key), ...JSON_BODY },
          body: JSON.stringify({ api_key: env.key, item_id: 'AMZ-US-25' }),
        });
      }),
  },
  {
    name: "Playwright's default Accept (*/*)",
    library: "Playwright's request",
    setup: {},
    breaks: ['CLIENT-02'],
    expect: 'does-not-conform',
    says: /Accept "\*\/\*"/,
    run: (env) =>
      using(playwrightWire({ maxRedirects: 0 }), async (w) => {
        await basics(w, env);
        await w.send({ url: `${env.base}catalog`, headers: { 'X-API-Key': env.key } });
      }),
  },
  {
    name: "a form body (Playwright's form option)",
    library: "Playwright's request",
    setup: {},
    breaks: ['CLIENT-03'],
    expect: 'does-not-conform',
    says: /application\/x-www-form-urlencoded/,
    run: (env) =>
      using(playwrightWire({ maxRedirects: 0 }), async (w) => {
        await basics(w, env);
        await w.send({ method: 'POST', url: `${env.base}orders/check`, headers: keyed(env.key), form: { item_id: 'AMZ-US-25', quantity: '1' } });
      }),
  },
  {
    name: "a JSON body sent as text/plain (fetch's default for a string body)",
    library: 'node:https',
    setup: {},
    breaks: ['CLIENT-03'],
    expect: 'does-not-conform',
    says: /text\/plain/,
    run: (env) =>
      using(node(env), async (w) => {
        await basics(w, env);
        await w.send({
          method: 'POST',
          url: `${env.base}orders/check`,
          headers: { ...keyed(env.key), 'Content-Type': 'text/plain;charset=UTF-8' },
          body: STOCK,
        });
      }),
  },
  {
    name: 'the key over plain HTTP',
    library: 'node:https',
    setup: {},
    breaks: ['CLIENT-04'],
    expect: 'does-not-conform',
    says: /over plain HTTP: the key of active in X-API-Key, in clear text: rotate that key/,
    run: (env) =>
      using(node(env), async (w) => {
        await basics(w, env);
        await w.send({ url: `${env.plain}balance`, headers: keyed(env.key) });
      }),
  },
  {
    name: 'certificate checks off (ignoreHTTPSErrors)',
    library: "Playwright's request",
    setup: { impostor: true },
    breaks: ['CLIENT-05'],
    expect: 'does-not-conform',
    says: /on the impostor port: the client accepted a certificate .* rotate that key/,
    run: (env) =>
      using(playwrightWire({ ignoreHTTPSErrors: true, maxRedirects: 0 }), async (w) => {
        await basics(w, env);
        await w.send({ url: `${env.impostor}balance`, headers: keyed(env.key) });
      }),
  },
  {
    name: "redirects followed with the key (Playwright's default)",
    library: "Playwright's request",
    setup: { redirectTrap: true },
    breaks: ['CLIENT-06'],
    expect: 'does-not-conform',
    // Across origins and down to plain HTTP alike: Playwright drops only Authorization on a redirect.
    says: /redirect to another origin with the key of active[\s\S]*redirect to plain HTTP with the key of active/,
    run: (env) =>
      using(playwrightWire(), async (w) => {
        await basics(w, env);
        for (let i = 0; i < 2; i += 1) await w.send({ url: `${env.trap}balance`, headers: keyed(env.key) });
      }),
  },
  {
    name: 'redirects followed by hand, headers and all',
    library: 'node:https',
    setup: { redirectTrap: true },
    breaks: ['CLIENT-06'],
    expect: 'does-not-conform',
    says: /redirect to another origin with the key of active[\s\S]*redirect to plain HTTP with the key of active/,
    run: (env) =>
      using(node(env, { follow: true }), async (w) => {
        await basics(w, env);
        for (let i = 0; i < 2; i += 1) await w.send({ url: `${env.trap}balance`, headers: keyed(env.key) });
      }),
  },
  {
    name: 'a challenge used twice',
    library: 'node:https',
    setup: {},
    breaks: ['CLIENT-07'],
    expect: 'does-not-conform',
    says: /step "use each challenge once": already used by #\d+/,
    run: (env) =>
      using(node(env), async (w) => {
        await basics(w, env);
        const challenge = await challengeOf(w, env);
        await signedGet(w, env, 'balance', challenge);
        await signedGet(w, env, 'orders', challenge);
      }),
  },
  {
    name: 'a challenge used after it expired',
    library: 'node:https',
    setup: { ttlSeconds: 0.5 },
    breaks: ['CLIENT-07'],
    expect: 'does-not-conform',
    says: /step "use it before it expires": used \d+ ms after it expired/,
    run: (env) =>
      using(node(env), async (w) => {
        await basics(w, env);
        const challenge = await challengeOf(w, env);
        await sleep(env.ttlSeconds * 1000 + 300);
        await signedGet(w, env, 'balance', challenge);
      }),
  },
  {
    name: 'a challenge signed with RSASSA-PSS',
    library: 'node:https',
    setup: {},
    breaks: ['CLIENT-07'],
    expect: 'does-not-conform',
    says: /step "sign the challenge": signed with RSASSA-PSS/,
    run: (env) =>
      using(node(env), async (w) => {
        await basics(w, env);
        await signedGet(w, env, 'balance', await challengeOf(w, env), pss);
      }),
  },
  {
    name: 'a 429 retried at once',
    library: 'node:https',
    setup: { rateLimit: 2 },
    breaks: ['CLIENT-08'],
    expect: 'does-not-conform',
    says: /sent again \d+ ms after the 429 to #\d+, whose Retry-After asked for 1 s/,
    run: (env) =>
      using(node(env), async (w) => {
        await basics(w, env);
        let got: Got | undefined;
        for (let i = 0; i < 10 && got?.status !== 429; i += 1) got = await w.send({ url: `${env.base}catalog`, headers: keyed(env.key) });
        await w.send({ url: `${env.base}catalog`, headers: keyed(env.key) });
      }),
  },
  {
    name: 'a 401 retried in a loop',
    library: 'node:https',
    setup: {},
    breaks: ['CLIENT-09'],
    expect: 'does-not-conform',
    says: /the same request refused with 401 4 times in a row/,
    run: (env) =>
      using(node(env), async (w) => {
        await basics(w, env);
        for (let i = 0; i < 5; i += 1) await w.send({ url: `${env.base}balance`, headers: keyed(env.revokedKey) });
      }),
  },
  {
    name: 'a client that sends nothing',
    library: 'node:https',
    setup: {},
    breaks: [],
    expect: 'could-not-judge',
    run: async () => undefined,
  },
];
