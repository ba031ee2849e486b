/** What the reporters and the scripts around a run know about it, read without refusing anything. */
import { flagValue, type Env } from './parse';
import { defaultWorkers } from './limits';
import { KEY_NAMES } from './secrets';

/**
 * What the reporters and the scripts around a run need, read without refusing anything: they must
 * work when the settings are incomplete (a listing, a merge of shard summaries on another machine).
 * Values follow loadSettings' rules, so a value it accepts means the same here.
 */
export interface RunFacts {
  target: 'mock' | 'remote';
  /** CARDPLUSPAY_BASE_URL as given; empty when unset. */
  baseUrl: string;
  mockFault?: string;
  /** The key settings that are set: names only. */
  configuredKeys: Array<(typeof KEY_NAMES)[number]>;
  runSlow: boolean;
  failOnShould: boolean;
  workers: number;
  caFile?: string;
  /** The challenge lifetime when set; unset, the embedded mock uses its own default. */
  challengeTtlSeconds?: number;
  /** The commit a CI says it checked out (GitHub Actions' GITHUB_SHA). */
  ciCommit?: string;
  /** The seed of the families' sample (CARDPLUSPAY_SEED, or the one the runner drew). */
  seed?: string;
  /** Extra requests of exploration (CARDPLUSPAY_EXPLORE). */
  explore: number;
}

export function runFacts(env: Env = process.env): RunFacts {
  const ttl = env.CARDPLUSPAY_CHALLENGE_TTL_SECONDS;
  return {
    target: env.CARDPLUSPAY_TARGET === 'mock' ? 'mock' : 'remote',
    baseUrl: env.CARDPLUSPAY_BASE_URL ?? '',
    mockFault: env.CARDPLUSPAY_MOCK_FAULT || undefined,
    configuredKeys: KEY_NAMES.filter((name) => env[name]),
    runSlow: flagValue(env.CARDPLUSPAY_RUN_SLOW) ?? false,
    failOnShould: flagValue(env.CARDPLUSPAY_FAIL_ON_SHOULD) ?? false,
    workers: Number(env.CARDPLUSPAY_WORKERS || defaultWorkers(env)),
    caFile: env.CARDPLUSPAY_CA_FILE || undefined,
    challengeTtlSeconds: ttl ? Number(ttl) : undefined,
    ciCommit: env.GITHUB_SHA || undefined,
    seed: env.CARDPLUSPAY_SEED || undefined,
    explore: Number(env.CARDPLUSPAY_EXPLORE) || 0,
  };
}
