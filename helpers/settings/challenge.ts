/** The challenge endpoint of request signing: its path, method, response pointer and lifetime. */
import { pathSpellingProblem, spendingRoute } from '../client/spend-guard';
import { isJsonPointer } from '../contract/json-pointer';
import { ONE_SPELLING } from './connection';
import { oneOf, parseUrl, printable, type Env, type Setting } from './parse';
import { CHALLENGE_METHODS, LIVE_CHALLENGE_COUNTS } from './types';
import { ASKED_TO_FIND_OUT } from '../client/flow/turns';

const DEFAULT_PATH = 'auth/challenge';
const DEFAULT_POINTER = '/data/challenge';
const DEFAULT_TTL_SECONDS = '300';

export const CHALLENGE_PATH: Setting = {
  name: 'CARDPLUSPAY_CHALLENGE_PATH',
  meaning: 'challenge endpoint, relative to the base',
  default: `\`${DEFAULT_PATH}\``,
  parse(raw, { env, draft, refuse, refuseAs }) {
    const given = raw ?? DEFAULT_PATH;
    // Checked as given: a URL object would already have decoded, dropped or resolved what matters.
    const spelling = pathSpellingProblem(given.replace(/^\//, ''));
    if (/^[a-z][a-z0-9+.-]*:/i.test(given) || given.startsWith('//')) {
      refuse('is an absolute URL', `Give a path relative to the base URL, e.g. ${DEFAULT_PATH}.`);
    } else if (spelling) {
      refuse(`"${printable(given)}" ${spelling}`, `Give the path of the challenge endpoint spelt as the API routes it, e.g. ${DEFAULT_PATH}. ${ONE_SPELLING}`);
    }
    // A leading slash would drop the base path when joined (docs/pitfalls.md, "baseURL joins like new URL").
    const path = given.replace(/^\/+/, '');
    const method = oneOf(env.CARDPLUSPAY_CHALLENGE_METHOD?.toUpperCase(), CHALLENGE_METHODS, 'POST', (why, fix) =>
      refuseAs('CARDPLUSPAY_CHALLENGE_METHOD', why, fix),
    );
    // The challenge is requested with a signing key: even spelt safely, it must not route to anything that spends.
    const url = spelling ? undefined : parseUrl(path, draft.baseUrl || 'https://target.invalid/');
    const spends = url && spendingRoute(method, url);
    if (spends) {
      refuse(
        `"${path}" with CARDPLUSPAY_CHALLENGE_METHOD=${method} routes, on common servers, to a spending endpoint (${spends.what})`,
        `Give the path of the challenge endpoint, e.g. ${DEFAULT_PATH}; the suite never sends a key to an endpoint that spends.`,
      );
    }
    return { challengePath: path, challengeMethod: method };
  },
};

export const CHALLENGE_METHOD: Setting = {
  name: 'CARDPLUSPAY_CHALLENGE_METHOD',
  meaning: `its method (${CHALLENGE_METHODS.map((m) => `\`${m}\``).join(', ')})`,
  default: '`POST`',
  readWith: CHALLENGE_PATH.name,
};

export const CHALLENGE_POINTER: Setting = {
  name: 'CARDPLUSPAY_CHALLENGE_POINTER',
  meaning: 'JSON pointer (RFC 6901) to the challenge in its response',
  default: `\`${DEFAULT_POINTER}\``,
  parse(raw, { refuse }) {
    const pointer = raw ?? DEFAULT_POINTER;
    if (!isJsonPointer(pointer)) {
      refuse('is not a JSON pointer (RFC 6901)', `Give a pointer such as ${DEFAULT_POINTER}: it starts with "/" and escapes "~" as ~0 and "/" as ~1.`);
    }
    return { challengePointer: pointer };
  },
};

export const CHALLENGE_TTL_SECONDS: Setting = {
  name: 'CARDPLUSPAY_CHALLENGE_TTL_SECONDS',
  meaning: "challenge lifetime; with the mock, the mock's lifetime",
  default: `\`${DEFAULT_TTL_SECONDS}\` (mock: \`2\`)`,
  parse(raw, { refuse }) {
    const given = raw ?? DEFAULT_TTL_SECONDS;
    const ttlSeconds = Number(given);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(given) || !(ttlSeconds > 0)) {
      refuse(`must be a positive number of seconds (got "${given}")`, `Give the challenge lifetime, e.g. ${DEFAULT_TTL_SECONDS}.`);
    }
    return { challengeTtlSeconds: ttlSeconds };
  },
};

/** Whether the API keeps one live challenge per account (CARDPLUSPAY_LIVE_CHALLENGES=one): the run then sends one request at a time. */
export const oneLiveChallenge = (env: Env): boolean => env.CARDPLUSPAY_LIVE_CHALLENGES === 'one';

/** The docs are silent on whether a new challenge leaves the account's earlier ones live (docs/configuration.md, "Challenges side by side"). */
export const LIVE_CHALLENGES: Setting = {
  name: 'CARDPLUSPAY_LIVE_CHALLENGES',
  meaning:
    "how many live challenges the API keeps for one account: `auto`, the run's first signing check finds out (" +
    `${ASKED_TO_FIND_OUT} challenges asked, the newest and then the oldest used) and the signing checks then go side by side, or one at a time when a new challenge or a use ends the account's others; ` +
    '`several`, side by side without finding out; `one`, the whole run one request at a time (`CARDPLUSPAY_WORKERS` and `CARDPLUSPAY_CONCURRENCY` 1)',
  default: '`auto`',
  parse(raw, { env, refuse }) {
    const live = oneOf(raw, LIVE_CHALLENGE_COUNTS, 'auto', refuse);
    const parallel = ['CARDPLUSPAY_WORKERS', 'CARDPLUSPAY_CONCURRENCY'].filter((name) => Number(env[name]) > 1);
    if (live === 'one' && parallel.length > 0) {
      refuse(
        `is one, but ${parallel.map((name) => `${name} is ${env[name]}`).join(' and ')}: a challenge asked by one check would replace another's before its use`,
        `Unset ${parallel.join(' and ')} (with one live challenge ${parallel.length > 1 ? 'they default' : 'it defaults'} to 1), or set ${parallel.length > 1 ? 'them' : 'it'} to 1.`,
      );
    }
    return { liveChallenges: live };
  },
};
