/**
 * The catalogue of faults: each a named way the mock can break the contract. `breaks` lists the
 * requirements whose checks a correct suite must fail against that fault; the suite's self-test
 * starts the mock once per fault and holds it to that list. Ids a fault may also trip as a side
 * effect are left out on purpose: `breaks` is what the fault is for, not everything it touches.
 *
 * How a fault works: startMock builds the conformant behaviour record (mock/behaviour.ts: key-check
 * stages, envelope writer, endpoints, challenge policy, signing stages, plain-HTTP mode, TLS, HSTS)
 * and hands it to the fault's `bend`, which returns the record with one part replaced. Nothing
 * outside mock/faults/ knows fault names.
 *
 * To add a fault, touch one file: add an entry to the area's table (api-key.ts, key-places.ts, refusals.ts, front.ts, envelope.ts,
 * transport.ts, signing.ts, challenge-timing.ts, live-challenges.ts or throttling.ts) with a kebab-case name, `breaks`, a one-line `summary`,
 * `bend`, usually written with the helpers in fault.ts (bendPart, bendEndpoint, bendBody, alsoIn,
 * crash), and `probe`: a request or two, written with probe-kit.ts's Kit, that see the
 * misbehaviour (a missing probe does not compile). If GET balance no longer gives the active key
 * the conformant 200, say so in `activeBalance`. If no stage of the record can express the fault,
 * add the stage to mock/behaviour.ts first, with its conformant value, and let the fault replace
 * it. tests/unit/mock-faults.spec.ts runs every probe against its fault and against the
 * conformant mock; then run the fault matrix for it:
 *   npx tsx tests/run-self-test.ts --skip-unit --faults '^NAME$'
 */
import type { Verdict } from '../../helpers/contract/verdict';
import type { RequirementId } from '../../helpers/contract/requirements';
import type { MockBehaviour } from '../behaviour';
import { ACCOUNTS_FAULTS } from './accounts';
import { API_KEY_FAULTS } from './api-key';
import { KEY_PLACE_FAULTS } from './key-places';
import { REFUSAL_FAULTS } from './refusals';
import { ENVELOPE_FAULTS } from './envelope';
import type { Fault } from './fault';
import type { Probe } from './probe-kit';
import { FRONT_FAULTS } from './front';
import { SIGNING_FAULTS } from './signing';
import { CHALLENGE_TIMING_FAULTS } from './challenge-timing';
import { LIVE_CHALLENGE_FAULTS } from './live-challenges';
import { THROTTLING_FAULTS } from './throttling';
import { TRANSPORT_FAULTS } from './transport';

const AREAS = [
  API_KEY_FAULTS,
  KEY_PLACE_FAULTS,
  REFUSAL_FAULTS,
  ACCOUNTS_FAULTS,
  FRONT_FAULTS,
  ENVELOPE_FAULTS,
  TRANSPORT_FAULTS,
  SIGNING_FAULTS,
  CHALLENGE_TIMING_FAULTS,
  LIVE_CHALLENGE_FAULTS,
  THROTTLING_FAULTS,
] as const;

const CATALOGUE = {
  ...API_KEY_FAULTS,
  ...KEY_PLACE_FAULTS,
  ...REFUSAL_FAULTS,
  ...ACCOUNTS_FAULTS,
  ...FRONT_FAULTS,
  ...ENVELOPE_FAULTS,
  ...TRANSPORT_FAULTS,
  ...SIGNING_FAULTS,
  ...CHALLENGE_TIMING_FAULTS,
  ...LIVE_CHALLENGE_FAULTS,
  ...THROTTLING_FAULTS,
};

export type FaultName = keyof typeof CATALOGUE;

export const FAULT_NAMES = Object.keys(CATALOGUE) as FaultName[];

// A name in two areas would silently keep only the later entry.
if (FAULT_NAMES.length !== AREAS.reduce((n, area) => n + Object.keys(area).length, 0)) throw new Error('mock/faults: a fault name is defined in two areas');

interface FaultSpec {
  breaks: readonly RequirementId[];
  summary: string;
  /** The verdict the self-test expects against this variant (SAFE-07). */
  expect: Verdict;
  /** The requirements whose checks run against it: those it breaks, or those it is checked on. */
  runs: readonly RequirementId[];
  /** The suite's settings against it (short limits), on top of the embedded mock's. */
  settings: Readonly<Record<string, string>>;
  /** Its checks wait on real time: the self-test plans it first (see Fault). */
  waits: boolean;
  /** For the mock's own tests: see Fault. */
  probe: Probe;
  activeBalance?: Fault['activeBalance'];
}

export const FAULTS: Readonly<Record<FaultName, FaultSpec>> = Object.fromEntries(
  FAULT_NAMES.map((name) => {
    const { breaks, summary, expect, checks, settings = {}, waits, probe, activeBalance }: Fault = CATALOGUE[name];
    return [
      name,
      {
        breaks,
        summary,
        expect: expect ?? 'does-not-conform',
        runs: [...breaks, ...(checks ?? [])],
        settings,
        waits: waits ?? Object.keys(settings).length > 0,
        probe,
        activeBalance,
      },
    ];
  }),
) as unknown as Record<FaultName, FaultSpec>;

export function isFaultName(name: string): name is FaultName {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, name);
}

/** The behaviour record as `fault` bends it; unchanged without one. */
export function bend(behaviour: MockBehaviour, fault?: FaultName): MockBehaviour {
  return fault === undefined ? behaviour : (CATALOGUE[fault] as Fault).bend(behaviour);
}
