/**
 * The mock's behaviour record: everything a variant of the mock may change, each as a named stage
 * or setting. The conformant record is built once per mock; a fault is a function from record to
 * record (see mock/faults/), so the modules that use a stage never learn which variant runs.
 */
import type { SecureVersion } from 'node:tls';
import { conformantPolicy, type ChallengePolicy } from './challenges';
import { conformantPlainHttp, type HttpMode, type PlainHttpBehaviour } from './plain-http';
import { CONFORMANT_API, type ApiBehaviour } from './routes';
import { CONFORMANT_SIGNING, type SigningStages } from './signing';

export interface MockBehaviour extends ApiBehaviour {
  challenges: ChallengePolicy;
  signing: SigningStages;
  plainHttp: PlainHttpBehaviour;
  tls: { minVersion: SecureVersion; ciphers?: string };
  /** Strict-Transport-Security on every HTTPS answer; undefined sends none. */
  hsts: string | undefined;
}

export function conformantBehaviour(settings: { challengeTtlMs: number; httpMode: HttpMode }): MockBehaviour {
  return {
    ...CONFORMANT_API,
    challenges: conformantPolicy(settings.challengeTtlMs),
    signing: CONFORMANT_SIGNING,
    plainHttp: conformantPlainHttp(settings.httpMode),
    tls: { minVersion: 'TLSv1.2' },
    hsts: 'max-age=31536000; includeSubDomains',
  };
}
