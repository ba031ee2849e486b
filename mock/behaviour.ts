/**
 * The mock's behaviour record: everything a variant of the mock may change, each as a named stage
 * or setting. The conformant record is built once per mock; a fault is a function from record to
 * record (see mock/faults/), so the modules that use a stage never learn which variant runs.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SecureVersion } from 'node:tls';
import type { MockMaterial } from './accounts';
import { conformantPolicy, type ChallengePolicy } from './challenges';
import { conformantPlainHttp, type HttpMode, type PlainHttpBehaviour } from './plain-http';
import type { EndpointId } from '../helpers/contract/endpoints';
import { CONFORMANT_KEY_CHECK } from './auth';
import { CONFORMANT_ENDPOINTS } from './endpoints';
import { CONFORMANT_ENVELOPE } from './envelope';
import { CONFORMANT_FRONT, type ApiBehaviour } from './routes';
import { CONFORMANT_SIGNING, type SigningStages } from './signing';

export interface MockBehaviour extends ApiBehaviour {
  challenges: ChallengePolicy;
  signing: SigningStages;
  plainHttp: PlainHttpBehaviour;
  tls: {
    minVersion: SecureVersion;
    ciphers?: string;
    /** The key and certificate the HTTPS API serves, made from the mock's material: its own, conformantly. */
    served: (material: MockMaterial) => MockMaterial['tls'] | Promise<MockMaterial['tls']>;
  };
  /** How each HTTPS answer's bytes go out; conformantly 'whole', as Node writes them. */
  delivery: Delivery;
  /** Strict-Transport-Security on every HTTPS answer; undefined sends none. */
  hsts: string | undefined;
  /** Set-Cookie values for an HTTPS answer to a request with these headers; the API sets none. */
  cookies: (headers: IncomingHttpHeaders) => readonly string[];
}

/**
 * `trickle-head`: the head of the answer is written straight to the socket, one byte every
 * `everyMs`, and never completed (a header field that never ends follows the answer's own), until
 * the client goes away or the mock closes. Only a client's wall-clock deadline ends it: every byte
 * restarts an idle timer.
 */
type Delivery = { kind: 'whole' } | { kind: 'trickle-head'; everyMs: number };

/** The API's part of the conformant record: nothing in front, the key check on everything but the API info. */
const CONFORMANT_API: ApiBehaviour = {
  gate: () => undefined,
  front: CONFORMANT_FRONT,
  key: CONFORMANT_KEY_CHECK,
  envelope: CONFORMANT_ENVELOPE,
  beforeKey: new Set<EndpointId>(['root']),
  withoutKey: new Set<EndpointId>(),
  endpoints: CONFORMANT_ENDPOINTS,
};

export function conformantBehaviour(settings: { challengeTtlMs: number; httpMode: HttpMode }): MockBehaviour {
  return {
    ...CONFORMANT_API,
    challenges: conformantPolicy(settings.challengeTtlMs),
    signing: CONFORMANT_SIGNING,
    plainHttp: conformantPlainHttp(settings.httpMode),
    tls: { minVersion: 'TLSv1.2', served: (material) => material.tls },
    delivery: { kind: 'whole' },
    hsts: 'max-age=31536000; includeSubDomains',
    cookies: () => [],
  };
}
