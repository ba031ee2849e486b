/**
 * What the client checker's unit tests share: a key ring over made-up keys (one signing account
 * with a real RSA key pair), a conforming request as a value to change, and the rules of a checker
 * fed by hand with nothing but values.
 */
import type { Account, AccountName } from '../../mock/accounts';
import type { Answer } from '../../mock/client-check/answer';
import type { Arrival } from '../../mock/client-check/arrival';
import { KeyRing } from '../../mock/client-check/key-ring';
import { clientRules } from '../../mock/client-check/checker';
import type { CheckSetup, RuleContext } from '../../mock/client-check/rules';
import { Tally } from '../../mock/client-check/tally';
import type { ImpostorRule } from '../../mock/client-check/trap-rules';
import { judgeClient, type ClientSummary } from '../../mock/client-check/verdict';
import type { ClientRequirementId } from '../../helpers/contract/requirements';
import { TEST_PRIVATE_PEM, TEST_PUBLIC_PEM } from '../support/test-key';

export const KEY = 'cpp_test_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
export const OTHER = 'cpp_test_ZyXwVuTsRqPoNmLkJiHgFeDcBa987654';
const SIGNING = 'cpp_test_SiGnInGkEy0000000000000000000000';
/** The signing account's private key, for the signatures of the CLIENT-07 cases. */
export const privateKey = TEST_PRIVATE_PEM;
const ACCOUNTS: Account[] = [
  { name: 'active', key: KEY, active: true },
  { name: 'second', key: OTHER, active: true },
  { name: 'signing', key: SIGNING, active: true, signing: { publicKeyPem: TEST_PUBLIC_PEM, privateKeyPem: TEST_PRIVATE_PEM } },
];
export const keys = new KeyRing(ACCOUNTS);

export const SETUP: CheckSetup = { impostor: false, redirectTrap: false, urls: { base: 'https://127.0.0.1:1/v1/' } };
export const ALL_TRAPS: CheckSetup = { ...SETUP, impostor: true, redirectTrap: true, rateLimit: 5 };

/** A conforming GET /v1/balance with the active key, as readArrival would make it, changed by `over`. */
export function arrival(over: Partial<Arrival> = {}): Arrival {
  return {
    seq: 1,
    at: 1_000_000,
    port: 'api',
    method: 'GET',
    path: '/v1/balance',
    route: 'api',
    sameAs: 'GET balance active',
    keyAccount: 'active',
    misplaced: [],
    keyed: 'active',
    accept: 'application/json',
    contentType: undefined,
    body: undefined,
    challenge: undefined,
    signature: undefined,
    ...over,
  };
}

export const ok = (over: Partial<Answer> = {}): Answer => ({ status: 200, at: 1_000_010, ...over });

/** The rules of a checker and what they keep, fed by hand. */
export function pipeline(setup: CheckSetup = SETUP): {
  feed(a: Arrival, answer?: Answer): void;
  /** The verdict, `seen` requests (by default those fed) and `connections` to the impostor having reached the checker. */
  verdict(seen?: number, connections?: number): ClientSummary;
  leaks: Map<AccountName, Set<string>>;
  impostorRule: ImpostorRule;
  tallies: Map<ClientRequirementId, Tally>;
} {
  const leaks = new Map<AccountName, Set<string>>();
  const ctx: RuleContext = { keys, leaked: (account, how) => leaks.set(account, new Set([...(leaks.get(account) ?? []), how])) };
  const { rules, impostorRule } = clientRules(ctx, ACCOUNTS, setup.rateLimit);
  const tallies = new Map<ClientRequirementId, Tally>(rules.map((r) => [r.id, new Tally()]));
  let fed = 0;
  return {
    feed: (a, answer = ok()) => {
      fed += 1;
      for (const r of rules) r.observe(a, answer, tallies.get(r.id)!);
    },
    verdict: (seen = fed, connections = 0) =>
      judgeClient({
        startedAt: new Date(0),
        setup,
        rules,
        tallies,
        seen: { api: seen, plain: 0, impostor: 0, trap: 0, 'trap-origin': 0, 'trap-plain': 0, impostorConnections: connections },
        leaks,
      }),
    leaks,
    impostorRule,
    tallies,
  };
}
