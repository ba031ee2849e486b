/**
 * The families' sample (issue 18): each check covers its class through a deterministic core, then
 * draws further members with a seed. The seed is printed by every run and kept in its summary, so
 * `CARDPLUSPAY_SEED` replays a run's exact sample; `CARDPLUSPAY_EXPLORE` adds requests of
 * exploration beyond the default sample (the nightly workflow sets it, with a fresh seed).
 */
import type { Setting } from './parse';

/** Seeds are whole numbers fast-check takes as they are. */
const MAX_SEED = 2 ** 31 - 1;
const MAX_EXPLORE = 100_000;

export const SEED: Setting = {
  name: 'CARDPLUSPAY_SEED',
  meaning: "replays a run's sample of the generated families: the seed every run prints and keeps in its summary",
  default: 'a fresh seed per run',
  parse(raw, { refuse }) {
    if (raw === undefined || raw === '') return {};
    const seed = Number(raw);
    if (!/^\d+$/.test(raw) || seed > MAX_SEED)
      refuse(`must be a whole number from 0 to ${MAX_SEED} (got "${raw}")`, 'Give the seed a run printed ("Seed: …"), or unset it for a fresh one.');
    return { seed };
  },
};

export const EXPLORE: Setting = {
  name: 'CARDPLUSPAY_EXPLORE',
  meaning: "extra requests of exploration beyond the families' default sample, shared out among the families",
  default: '`0` (the nightly workflow sets it)',
  parse(raw, { refuse }) {
    if (raw === undefined || raw === '') return { explore: 0 };
    const explore = Number(raw);
    if (!/^\d+$/.test(raw) || explore > MAX_EXPLORE)
      refuse(`must be a whole number from 0 to ${MAX_EXPLORE} (got "${raw}")`, 'Give how many extra requests to spend on exploration, e.g. 300.');
    return { explore };
  },
};

/** A fresh seed, for a run that was given none. */
function freshSeed(): number {
  return Math.floor(Math.random() * MAX_SEED);
}

/** The environment that gives a run without a seed a fresh one, so its workers all draw the same sample. */
export function seedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return env.CARDPLUSPAY_SEED ? {} : { CARDPLUSPAY_SEED: String(freshSeed()) };
}
