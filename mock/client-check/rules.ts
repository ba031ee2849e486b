/**
 * The client checker's rules, one per CLIENT requirement (docs/requirements.md): each judges the
 * answered exchanges it is shown, as values (arrival.ts, answer.ts), into its Tally, and says what
 * its verdict is when nothing bore on it. The rules about what a request carries are here; those
 * about the traps, signing and politeness have files of their own. Composed by clientRules().
 */
import type { AccountName } from '../accounts';
import type { ClientRequirementId } from '../../helpers/contract/requirements';
import type { Answer } from './answer';
import type { Arrival, Port } from './arrival';
import type { KeyRing } from './key-ring';
import type { Tally } from './tally';

/** What the checker was asked to do, and where its listeners are (for the reasons it gives). */
export interface CheckSetup {
  /** The impostor port is served (CLIENT-05). */
  impostor: boolean;
  /** The redirect trap is served (CLIENT-06). */
  redirectTrap: boolean;
  /** Requests a second past which the API answers 429 (CLIENT-08); undefined: no limit. */
  rateLimit?: number;
  /** The URLs a client is pointed at, named in reasons when they saw nothing. */
  urls: { base: string; impostor?: string; trap?: string };
}

/** What a rule has besides the exchange: the keys (to show values safely) and the leak record. */
export interface RuleContext {
  keys: KeyRing;
  /** Records that an account's key travelled where a third party could read it: the verdict says to rotate it. */
  leaked(account: AccountName, how: string): void;
}

type Unseen = { status: 'skipped' | 'not-judged'; reason: string };

export interface Rule {
  id: ClientRequirementId;
  /** Judges one answered exchange. */
  observe(arrival: Arrival, answer: Answer, tally: Tally): void;
  /** The reason it is skipped in this setup (its trap was not asked for), or undefined. */
  unasked?(setup: CheckSetup): string | undefined;
  /** Its status and reason when nothing bore on it. */
  unseen(setup: CheckSetup): Unseen;
  /** What holding it looked like, from its tally. */
  held(tally: Tally): string;
}

const PORT_WORDS: Record<Port, string> = {
  api: '',
  plain: ' over plain HTTP',
  impostor: ' on the impostor port',
  trap: ' on the redirect trap',
  'trap-origin': " at the trap's other origin",
  'trap-plain': " at the trap's plain-HTTP origin",
};

/** How evidence names a request: `#12 GET /v1/balance over plain HTTP`. */
export function named(a: Pick<Arrival, 'seq' | 'method' | 'path' | 'port'>): string {
  return `#${a.seq} ${a.method} ${a.path}${PORT_WORDS[a.port]}`;
}

/** `1 request`, `3 requests`. */
export const counted = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** `each ` for many, nothing for one: `3 requests, each with...`, `1 request with...`. */
export const each = (n: number): string => (n === 1 ? '' : 'each ');

/** The places a request carried a key in, for evidence: `the key of active in query parameter "api_key"`. */
export function keyPlaces(a: Arrival): string {
  const places = [...(a.keyAccount ? [{ account: a.keyAccount, place: 'X-API-Key' }] : []), ...a.misplaced];
  return places.map((p) => `the key of ${p.account} in ${p.place}`).join(', ');
}

export function keyPlacement(): Rule {
  return {
    id: 'CLIENT-01',
    observe: (a, _answer, t) => {
      if (a.keyed === null) return;
      if (a.misplaced.length === 0) return t.held();
      t.broke(`${named(a)}: ${a.misplaced.map((p) => `the key of ${p.account} in ${p.place}`).join(', ')}`);
    },
    unseen: () => ({ status: 'skipped', reason: 'no request carried a key of the mock' }),
    held: (t) => `${counted(t.observed, 'request')} carried a key, ${each(t.observed)}as the whole value of X-API-Key and nowhere else`,
  };
}

/** Whether an Accept value lists application/json (parameters allowed, q=0 not). */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    return type === 'application/json' && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** Whether a Content-Type value is application/json (parameters such as charset allowed). */
function isJsonType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

export function acceptHeader(ctx: RuleContext): Rule {
  return {
    id: 'CLIENT-02',
    observe: (a, _answer, t) => {
      if (acceptsJson(a.accept)) return t.held();
      t.broke(`${named(a)}: ${a.accept === undefined ? 'no Accept header' : `Accept "${ctx.keys.shown(a.accept)}"`}, not application/json`);
    },
    // Every request bears on it: unseen, the client sent no request at all (it only met the impostor), and a client whose requests were never seen cannot be judged.
    unseen: (setup) => ({
      status: 'not-judged',
      reason: `no request arrived, only connections to the impostor: point your client at ${setup.urls.base || 'the printed base URL'} too`,
    }),
    held: (t) => `${counted(t.observed, 'request')}, ${each(t.observed)}with Accept listing application/json`,
  };
}

export function jsonBody(ctx: RuleContext): Rule {
  return {
    id: 'CLIENT-03',
    observe: (a, _answer, t) => {
      if (!a.body) return;
      if (a.body.tooLarge) t.count('bodies over 64 KiB, their JSON not read');
      const typed = isJsonType(a.contentType);
      if (typed && (a.body.json || a.body.tooLarge)) return t.held();
      const type = a.contentType === undefined ? 'no Content-Type' : `Content-Type "${ctx.keys.shown(a.contentType)}"`;
      t.broke(
        `${named(a)}: ${type}${typed ? '' : ' (not application/json)'}, and a ${a.body.json ? 'JSON' : 'non-JSON'} body of ${counted(a.body.bytes, 'byte')}`,
      );
    },
    unseen: () => ({ status: 'skipped', reason: 'no request had a body' }),
    held: (t) => `${counted(t.observed, 'request')} with a body, ${each(t.observed)}application/json with a JSON body`,
  };
}

export function noPlainHttp(ctx: RuleContext): Rule {
  return {
    id: 'CLIENT-04',
    observe: (a, _answer, t) => {
      // A key a followed redirect took to plain HTTP is CLIENT-06's finding: the redirect is the cause.
      if (a.keyed === null || a.port === 'trap-plain') return;
      if (a.port !== 'plain') return t.held();
      ctx.leaked(a.keyed, 'it was sent over plain HTTP');
      t.broke(`${named(a)}: ${keyPlaces(a)}, in clear text: rotate that key`);
    },
    unseen: () => ({ status: 'skipped', reason: 'no request carried a key of the mock' }),
    held: (t) => `${counted(t.observed, 'request')} carried a key, ${each(t.observed)}over HTTPS`,
  };
}
