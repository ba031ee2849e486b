/**
 * Signed requests for the SIGN specs: obtain a challenge from the configured endpoint (method,
 * path, JSON pointer), sign it with the account's key, send a read-only request with X-API-Key,
 * X-API-Challenge and X-API-Signature. Each stage is a report step ("obtain a challenge", "sign",
 * "send", "expect 401"), so a test reads as the story it checks. The suite's own titles and
 * messages never hold a key, a signature or a challenge.
 */
import { burstOf } from '../client/flow/pacer';
import { isWaitStatus, retryDelay } from '../client/politeness';
import { expect, test } from '@playwright/test';
import type { ApiClient, Reply } from '../client/client';
import type { Settings } from '../settings/settings';
import type { SigningAccount } from '../settings/types';
import { READ_ONLY_ENDPOINTS, ROOT_ENDPOINT, type Endpoint } from '../contract/endpoints';
import { readJsonPointer } from '../contract/json-pointer';
import type { Stand } from '../cases/reproduce';
import { signWithScheme, type Scheme } from './schemes';
import { signChallenge } from './signer';

/** How many races SIGN-10 runs, each on a fresh challenge, while the target turns away all copies but one. */
const RACE_ATTEMPTS = 3;
/** SIGN-10's copies leave within this share of the challenge's lifetime, or their refusals prove nothing. */
const RACE_BEFORE = 0.8;
/** A use left "in time" within this share of the lifetime from the asking: a 401 to it fails a check looking for success (timeRefusal); a 429 to it is retried only if the retry leaves in time. */
const LIVE_BEFORE = 0.9;

/** Why SIGN-12 is skipped when only one signing account is configured. */
export const NO_SECOND_SIGNING_ACCOUNT = 'CARDPLUSPAY_SECOND_SIGNING_API_KEY is not set: a cross-account check needs a second signing account';

/** Where signed requests go: read-only endpoints only, nothing that spends or changes the account (SAFE-03). */
export const SIGNED_ENDPOINTS: readonly Endpoint[] = READ_ONLY_ENDPOINTS;

export function signedEndpoint(id: 'balance' | 'catalog' | 'orders'): Endpoint {
  const found = SIGNED_ENDPOINTS.find((e) => e.id === id);
  if (!found) throw new Error(`No read-only endpoint "${id}".`);
  return found;
}

/** The signing headers a request carries; one left undefined is not sent. */
export interface SigningHeaders {
  challenge?: string;
  signature?: string;
}

/** How a signed request is sent: its step's title, how its reproduction spells made-up values, and what times it. */
export interface SendOptions {
  step?: string;
  /** How the reproduction rebuilds a challenge or signature that is not simply a fresh one (a near-miss, another scheme). */
  stands?: readonly Stand[];
  /** The issued challenge a made-up one (a near-miss) derives from: its lifetime times the request. */
  timedBy?: string;
  /** What the check looks for: a 401 is timed as its failure (`success`) or as what it wants (`refusal`, the default). */
  looksFor?: LooksFor;
}

type LooksFor = 'success' | 'refusal';
type Around = <T>(fn: () => Promise<T>) => Promise<T>;

/** When a request left: its answer's arrival less the exchange (wire.ts times it after the run's flow control). */
const departureOf = (reply: Reply, arrived: number): number => arrived - reply.ms;

/** One signing account: its key, its private key, and the steps of a signed request. */
export class SigningSession {
  /** When each challenge this session or its second account (SIGN-12) got was asked for, by the attempt that got it (after any 429): its lifetime counts from then. */
  private readonly issues: Map<string, number>;
  /** A family's members go one whole use at a time: the API keeps one live challenge (set, or found: schedule.ts). */
  oneAtATime = false;
  /** Another check may ask this account's challenges between this one's asking and its use (replacedBeside). */
  sideBySide = false;
  /** Run `fn` alone at the target's signing, or holding no turn (a wait): set by schedule.ts; as they are where no turns are taken. */
  alone: Around = (fn) => fn();
  aside: Around = (fn) => fn();

  constructor(
    private readonly api: ApiClient,
    private readonly settings: Settings,
    private readonly account: SigningAccount,
    /** How step titles name this account: empty for the first, " (second account)" for the other. */
    private readonly label: string,
    /** The second signing account, for SIGN-12; undefined when it is not configured. */
    readonly second?: SigningSession,
  ) {
    this.issues = second?.issues ?? new Map<string, number>();
  }

  /** The challenge endpoint's raw answer, to this account's key unless other headers are given. */
  requestChallenge(headers: Record<string, string> = { 'X-API-Key': this.account.apiKey }): Promise<Reply> {
    const { method, path } = this.settings.challenge;
    return this.api.send({ method, path, headers });
  }

  /** A fresh challenge from the configured endpoint, read at the configured JSON pointer. */
  challenge(): Promise<string> {
    return test.step(
      `obtain a challenge${this.label}`,
      async () => {
        const reply = await this.requestChallenge();
        const asked = departureOf(reply, Date.now());
        const challenge = challengeIn(reply, this.settings);
        // A challenge the server gave twice (SIGN-01 reports it) is as old as its first issue.
        if (!this.issues.has(challenge)) this.issues.set(challenge, asked);
        return challenge;
      },
      { box: true },
    );
  }

  /**
   * Base64 signature over `text`, with this account's private key unless another is given: RSA-SHA256
   * as the docs have it, or another scheme (the family of signatures the docs do not allow).
   */
  sign(text: string, options: { step?: string; privateKeyPem?: string; scheme?: Scheme } = {}): Promise<string> {
    const pem = options.privateKeyPem ?? this.account.privateKeyPem;
    return test.step(
      options.step ?? `sign the challenge${this.label}`,
      () => Promise.resolve(options.scheme ? signWithScheme(options.scheme, text, pem) : signChallenge(text, pem)),
      { box: true },
    );
  }

  /** A fresh challenge and this account's signature over it. */
  async signedChallenge(): Promise<Required<SigningHeaders>> {
    const challenge = await this.challenge();
    return { challenge, signature: await this.sign(challenge) };
  }

  /** How long ago (ms) the challenge was asked for: near-misses take a fresh one past half its lifetime, SIGN-11's inside use keeps in time. */
  ageOf(challenge: string): number {
    const asked = this.issues.get(challenge);
    return asked === undefined ? 0 : Date.now() - asked;
  }

  /** The latest a use of the challenge leaves in time, at `share` of its lifetime; undefined for one no session obtained (a made-up one). */
  private inTimeUntil(challenge: string | undefined, share: number): number | undefined {
    const asked = challenge === undefined ? undefined : this.issues.get(challenge);
    return asked === undefined ? undefined : asked + this.settings.challenge.ttlSeconds * 1000 * share;
  }

  /**
   * Ends the check as not judged when a 401 to a timed use may be for the challenge's age (SAFE-07).
   * A check that looks for success fails on the 401 only if the use left within `share` of the
   * lifetime from the asking (the target is assumed to check a request within the rest of it). A
   * check that looks for a refusal counts the 401 only if it came back within the lifetime from the
   * asking: the target then checked before the challenge could expire, however late the request left
   * or the target checked, so the refusal is not for its age. A 2xx is judged whenever it came.
   */
  private timeRefusal(challenge: string, reply: Reply, arrived: number, looksFor: LooksFor, share: number): void {
    if (reply.status !== 401) return;
    const asked = this.issues.get(challenge)!;
    const ttl = this.settings.challenge.ttlSeconds;
    const lifetime = `its lifetime of ${ttl} s (CARDPLUSPAY_CHALLENGE_TTL_SECONDS)`;
    const left = departureOf(reply, arrived);
    if (looksFor === 'success' && left > asked + ttl * 1000 * share) {
      this.api.giveUp(
        `a use of the challenge got 401, but it left ${((left - asked) / 1000).toFixed(1)} s after the challenge was asked for, past ${share * 100} % of ${lifetime}: a conformant server may refuse it for its age (a slow machine or target)`,
      );
    }
    if (looksFor === 'refusal' && arrived > asked + ttl * 1000) {
      this.api.giveUp(
        `the 401 came back ${((arrived - asked) / 1000).toFixed(1)} s after the challenge was asked for, past ${lifetime}: the target may have refused the use for the challenge's age, not for what the check sent (a slow target or machine)`,
      );
    }
  }

  /** The request headers: this account's key plus whichever signing headers are given. */
  headers(signing: SigningHeaders): Record<string, string> {
    return {
      'X-API-Key': this.account.apiKey,
      ...(signing.challenge !== undefined ? { 'X-API-Challenge': signing.challenge } : {}),
      ...(signing.signature !== undefined ? { 'X-API-Signature': signing.signature } : {}),
    };
  }

  /**
   * Sends a read-only request with this account's key and the signing headers given. By default a
   * reproduction names the challenge and signature "$FRESH_CHALLENGE" and "$FRESH_SIGNATURE". A use
   * of a challenge a session obtained (or of one made from it, `timedBy`) is retried after a 429 only
   * while the retry leaves in time (SAFE-05), and a 401 to it is timed by what the check looks for
   * (timeRefusal): one that may be for the challenge's age leaves the check not judged.
   */
  send(endpoint: Endpoint, signing: SigningHeaders, options: SendOptions = {}): Promise<Reply> {
    return this.post(endpoint, signing, options, 'alive');
  }

  /** SIGN-11: sends a challenge past its lifetime on purpose, retried after a 429 like any request. */
  sendExpired(endpoint: Endpoint, signing: SigningHeaders): Promise<Reply> {
    return this.post(endpoint, signing, {}, 'expired');
  }

  private post(endpoint: Endpoint, signing: SigningHeaders, options: SendOptions, use: 'alive' | 'expired'): Promise<Reply> {
    const timedBy = options.timedBy ?? signing.challenge;
    const until = use === 'alive' ? this.inTimeUntil(timedBy, LIVE_BEFORE) : undefined;
    const ttl = this.settings.challenge.ttlSeconds;
    const why = `the challenge expires ${ttl} s after it was issued (CARDPLUSPAY_CHALLENGE_TTL_SECONDS), and an answer to a use after that proves nothing`;
    return test.step(
      options.step ?? `send ${endpoint.title}${this.label}`,
      async () => {
        const call = { ...endpoint.call(this.settings), headers: this.headers(signing), stands: options.stands };
        const reply = await this.api.send({ ...call, retry429: until === undefined ? undefined : { until, why } });
        if (until !== undefined) this.timeRefusal(timedBy!, reply, Date.now(), options.looksFor ?? 'refusal', LIVE_BEFORE);
        return reply;
      },
      { box: true },
    );
  }

  /**
   * Races `n` copies of one signed request (sendTogether) until at least two of them get a real
   * answer, not a 429, 502, 503 or 504: those never reached the challenge check. A race the target
   * starved so is run again, on a fresh challenge, after the run's pause, at most RACE_ATTEMPTS
   * times and within the check's rate-limit budget (CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS), as a
   * retry would be; past either the check is not judged. Returns every copy's answer of the race
   * that two or more answered.
   */
  async race(endpoint: Endpoint, n: number): Promise<Reply[]> {
    for (let attempt = 1; ; attempt++) {
      const all = await (attempt === 1
        ? this.sendTogether(endpoint, n)
        : test.step(`race again on a fresh challenge (attempt ${attempt} of ${RACE_ATTEMPTS})`, () => this.sendTogether(endpoint, n), { box: true }));
      const turnedAway = all.filter((r) => isWaitStatus(r.status));
      if (all.length - turnedAway.length >= 2) return all;
      const statuses = [...new Set(turnedAway.map((r) => r.status))].join(' or ');
      const starved = `target rate-limited or unavailable: ${turnedAway.length} of ${n} simultaneous uses got ${statuses}, so no race was observed`;
      if (attempt === RACE_ATTEMPTS) this.api.giveUp(`${starved}, in each of ${RACE_ATTEMPTS} attempts on a fresh challenge`);
      // The least the target asked for: the run's pause holds the next attempt back that long at least.
      const waitMs = Math.max(...turnedAway.map((r) => retryDelay(r.headers['retry-after'], 0, () => 0).ms));
      const leftMs = this.api.startWaiting();
      if (waitMs > leftMs) {
        this.api.giveUp(
          `${starved} (attempt ${attempt}), and another attempt after ${(waitMs / 1000).toFixed(1)} s would pass the rate-limit budget (CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS), ${(Math.max(0, leftMs) / 1000).toFixed(1)} s of it left`,
        );
      }
    }
  }

  /**
   * Sends `n` copies of one signed request, over a fresh challenge, at the same moment, each on its
   * own connection. The connections are opened first, with a request that carries no credentials,
   * so that the signed copies leave within microseconds of each other and reach the server together,
   * instead of one TLS handshake apart (a racy server's window between check and consume can be that
   * short). The challenge is taken only then: opening the connections may wait out a rate-limited
   * target's pauses, which would age a challenge taken before. Both the openers and the copies are
   * bursts of the run's flow control: under a pace each waits until the target has had room for all.
   */
  private async sendTogether(endpoint: Endpoint, n: number): Promise<Reply[]> {
    const { method, path } = endpoint.call(this.settings);
    const openers = burstOf(n);
    // An opener answered at all has opened its connection, whatever the status: one turned away (429) is not sent again.
    await test.step(
      `open ${n} connections`,
      async () => {
        const root = ROOT_ENDPOINT.call(this.settings);
        await Promise.all(Array.from({ length: n }, () => this.api.sendRaw({ ...root, headerLines: [], together: openers, retry429: 'never' })));
      },
      { box: true },
    );
    const signing = await this.signedChallenge();
    const lines = Object.entries(this.headers(signing));
    // Copies that left late may all be refused for the challenge's age (two served still say
    // something), and one retried after a 429 would no longer be simultaneous: 429s come back to the
    // check, and a wait of the run's that would hold the copies past `useBy` leaves it not judged.
    const useBy = this.inTimeUntil(signing.challenge, RACE_BEFORE)!;
    const copies = burstOf(n);
    const sent = await test.step(
      `send ${endpoint.title} ${n} times at once`,
      () =>
        Promise.all(
          Array.from({ length: n }, async () => {
            const reply = await this.api.sendRaw({ method, path, headerLines: lines, retry429: 'never', together: copies, useBy });
            return { reply, arrived: Date.now() };
          }),
        ),
      { box: true },
    );
    // None served fails it only if the copies left in time; one, only with the others' 401s back within the
    // lifetime. Two served, or a copy neither 2xx, 401 nor a wait status (a 500), fail it whenever they came.
    const served = sent.filter((c) => c.reply.status >= 200 && c.reply.status < 300).length;
    const wrong = sent.some(({ reply: r }) => (r.status < 200 || r.status >= 300) && r.status !== 401 && !isWaitStatus(r.status));
    if (served < 2 && !wrong) for (const c of sent) this.timeRefusal(signing.challenge, c.reply, c.arrived, served === 0 ? 'success' : 'refusal', RACE_BEFORE);
    return sent.map((c) => c.reply);
  }
}

/** The challenge in a challenge-endpoint reply; fails the test, naming the setting, when there is none. */
export function challengeIn(reply: Reply, settings: Settings): string {
  const { method, path, pointer } = settings.challenge;
  const where = `${method} ${path}`;
  expect(
    reply.status >= 200 && reply.status < 300,
    `${where} must issue a challenge (got ${reply.status}); see CARDPLUSPAY_CHALLENGE_PATH and CARDPLUSPAY_CHALLENGE_METHOD`,
  ).toBe(true);
  const value = readJsonPointer(reply.json, pointer);
  expect(
    typeof value === 'string' && value.length > 0,
    `${where}: the challenge must be a non-empty string at JSON pointer "${pointer}" (found ${value === undefined ? 'nothing' : typeof value}); see CARDPLUSPAY_CHALLENGE_POINTER`,
  ).toBe(true);
  return value as string;
}
