/**
 * The clients `npm test` points at the client checker (issue 21): two that do everything right, one
 * with each library, and for every CLIENT requirement at least one that breaks exactly it, in a
 * few lines, with the library whose default or whose common misuse makes the mistake. Each must get
 * its verdict with exactly its ids failed; a signing client's evidence must name the step it got
 * wrong. Cases are data; tests/steps/client-check.ts runs them (through run-clients.ts).
 */
import type { ClientRequirementId } from '../../../helpers/contract/requirements';
import type { Verdict } from '../../../helpers/contract/verdict';
import type { ClientEnv, Setup } from './session';
import { ACCEPT, basics, challengeOf, conforming, JSON_BODY, keyed, node, pss, signedGet, sleep, STOCK, using } from './conduct';
import { playwrightWire, type Got, type Library } from './wire';

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

const ALL_TRAPS: Setup = { impostor: true, redirectTrap: true, rateLimit: 5 };

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
