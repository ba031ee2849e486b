/** What one catalogue entry is, and the small tools its bend function is written with. */
import type { Verdict } from '../../helpers/contract/verdict';
import type { EndpointId } from '../../helpers/contract/endpoints';
import type { RequirementId } from '../../helpers/contract/requirements';
import type { MockBehaviour } from '../behaviour';
import type { Reply } from '../envelope';
import type { EndpointHandler } from '../routes';
import type { Probe } from './probe-kit';

export interface Fault {
  /** The requirements whose checks a correct suite must fail against this fault. */
  breaks: readonly RequirementId[];
  /**
   * The verdict an honest suite reaches against this variant (SAFE-07): `does-not-conform` (the
   * default: `breaks` fail), `could-not-judge` (never "conforms", whatever else), or `conforms`
   * (a variant that throttles but keeps the contract).
   */
  expect?: Verdict;
  /** For a variant that breaks nothing: the requirements whose checks the self-test runs against it. */
  checks?: readonly RequirementId[];
  /** Settings (CARDPLUSPAY_*) the self-test runs the suite with against this variant: short limits keep it fast. */
  settings?: Readonly<Record<string, string>>;
  /**
   * Checks against it wait on real time (slow or late answers, Retry-After): the self-test starts it
   * first, so its waits overlap the others' work. A variant with settings of its own is taken to wait.
   */
  waits?: true;
  /** One line, for --list-faults and the self-test's report. */
  summary: string;
  /** The conformant record in, the broken one out. */
  bend(behaviour: MockBehaviour): MockBehaviour;
  /**
   * A request or two that see the misbehaviour: true against this fault's mock, false against the
   * conformant one (tests/unit/mock-faults.spec.ts runs it against both).
   */
  probe: Probe;
  /**
   * What GET balance gives the active key, when it is not the conformant 200: `reshaped`, a 200
   * the balance schema does not accept (the fault's point, or its side); `unserved`, no 200 at all
   * (it hangs, refuses, drops or fails the handshake, and `probe` checks that). The mock's tests
   * hold an unmarked fault to the conformant 200, and a `reshaped` one to a 200 the schema refuses.
   */
  activeBalance?: 'reshaped' | 'unserved';
}

type Part = 'front' | 'key' | 'envelope' | 'challenges' | 'signing' | 'plainHttp' | 'tls';

/** Replaces some members of one part of the record; `change` sees the part as it was, to fall back on. */
export function bendPart<P extends Part>(
  part: P,
  change: (current: MockBehaviour[P]) => Partial<MockBehaviour[P]>,
): (behaviour: MockBehaviour) => MockBehaviour {
  return (behaviour) => ({ ...behaviour, [part]: { ...behaviour[part], ...change(behaviour[part]) } });
}

/** Adds an endpoint to one of the record's endpoint sets. */
export function alsoIn(set: 'beforeKey' | 'withoutKey', endpoint: EndpointId): (behaviour: MockBehaviour) => MockBehaviour {
  return (behaviour) => ({ ...behaviour, [set]: new Set([...behaviour[set], endpoint]) });
}

/** Replaces what one endpoint answers; `handler` gets the endpoint as it was. */
export function bendEndpoint(endpoint: EndpointId, handler: (current: EndpointHandler) => EndpointHandler): (behaviour: MockBehaviour) => MockBehaviour {
  return (behaviour) => ({ ...behaviour, endpoints: { ...behaviour.endpoints, [endpoint]: handler(behaviour.endpoints[endpoint]) } });
}

/** Edits the parsed body of an endpoint's 200 answers, re-serialised with its members in their order. */
export function bendBody(endpoint: EndpointId, edit: (body: Record<string, unknown>) => void): (behaviour: MockBehaviour) => MockBehaviour {
  const rewrite = (reply: Reply): Reply => {
    if (reply.status !== 200 || typeof reply.body !== 'string') return reply;
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    edit(body);
    return { ...reply, body: JSON.stringify(body) };
  };
  return bendEndpoint(endpoint, (current) => (...args) => {
    const reply = current(...args);
    return reply instanceof Promise ? reply.then(rewrite) : rewrite(reply);
  });
}

/** A stage that fails the way an unhandled server error does: the mock answers it with a 500. */
export function crash(fault: string): never {
  throw new Error(`fault ${fault}`);
}
