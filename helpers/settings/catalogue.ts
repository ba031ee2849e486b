/**
 * The catalogue of settings a user may give, in the order loadSettings reads them (so refusals
 * come out in that order): each entry names its variable, its meaning and its default, which
 * docs/settings.md shows, and parses it. A rule across settings stands where it is checked.
 */
import {
  API_KEY,
  INACTIVE_API_KEY,
  KEYS_OF_THEIR_OWN,
  SECOND_API_KEY,
  SECOND_SIGNING_API_KEY,
  SECOND_SIGNING_PRIVATE_KEY_FILE,
  SIGNING_API_KEY,
  SIGNING_PRIVATE_KEY_FILE,
} from './accounts';
import { CHALLENGE_METHOD, CHALLENGE_PATH, CHALLENGE_POINTER, CHALLENGE_TTL_SECONDS, LIVE_CHALLENGES } from './challenge';
import { BASE_URL, CA_FILE, HTTP_URL } from './connection';
import { DUPLICATE_FIELDS, FAIL_ON_SHOULD, HEADER_NAME_CASE, HTTP_ACCEPT, PADDED_KEY, ROOT_PROTECTED, RUN_SLOW } from './expectations';
import { EXPLORE, SEED } from './exploration';
import { CONCURRENCY, MAX_REQUESTS, RATE_LIMIT_BUDGET_SECONDS, TEST_TIMEOUT_SECONDS, TIMEOUT_SECONDS, WORKERS } from './limits';
import type { Rule, Setting } from './parse';

/** What every setting's name starts with. */
export const SETTING_PREFIX = 'CARDPLUSPAY_';

export const CATALOGUE: ReadonlyArray<Setting | Rule> = [
  BASE_URL,
  API_KEY,
  INACTIVE_API_KEY,
  SECOND_API_KEY,
  SIGNING_API_KEY,
  SIGNING_PRIVATE_KEY_FILE,
  SECOND_SIGNING_API_KEY,
  SECOND_SIGNING_PRIVATE_KEY_FILE,
  KEYS_OF_THEIR_OWN,
  CHALLENGE_PATH,
  CHALLENGE_METHOD,
  CHALLENGE_POINTER,
  CHALLENGE_TTL_SECONDS,
  LIVE_CHALLENGES,
  HTTP_URL,
  CA_FILE,
  HTTP_ACCEPT,
  WORKERS,
  CONCURRENCY,
  TEST_TIMEOUT_SECONDS,
  RATE_LIMIT_BUDGET_SECONDS,
  TIMEOUT_SECONDS,
  MAX_REQUESTS,
  SEED,
  EXPLORE,
  RUN_SLOW,
  ROOT_PROTECTED,
  HEADER_NAME_CASE,
  PADDED_KEY,
  DUPLICATE_FIELDS,
  FAIL_ON_SHOULD,
];

/** The settings of the catalogue, without its rules: what docs/settings.md lists. */
export const SETTINGS: readonly Setting[] = CATALOGUE.filter((entry): entry is Setting => 'name' in entry);

/** Every variable a user may give; anything else named CARDPLUSPAY_* is refused as a likely typo. */
export const SETTING_NAMES: readonly string[] = SETTINGS.map((s) => s.name);
