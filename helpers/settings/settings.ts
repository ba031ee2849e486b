/**
 * Settings: the one module that reads the environment. Everything is validated before any request
 * is sent; a refusal names the variable and the fix, and never prints a key's value. What each
 * setting means and how it is read is in the catalogue (catalogue.ts); this file runs it.
 */
import { CATALOGUE, SETTING_NAMES, SETTING_PREFIX } from './catalogue';
import { closest } from './did-you-mean';
import { INTERNAL_SETTINGS, isInternal } from './internal';
import type { Draft, Env, Refuse } from './parse';
import { KEY_NAMES, keyProblem } from './secrets';
import type { Settings } from './types';

export type { Settings } from './types';

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
  }
}

/**
 * Reads and validates the settings. Collects every problem before refusing, so one run shows all
 * the fixes at once. Throws SettingsError.
 */
export function loadSettings(env: Env = process.env): Settings {
  const problems: string[] = [];
  const refuseAs: Refuse = (name, why, fix) => problems.push(`Cannot start: ${name} ${why}. ${fix}`);
  checkEnvironment(env, refuseAs);
  const draft: Partial<Draft> = {};
  for (const entry of CATALOGUE) {
    if ('check' in entry) entry.check({ env, draft, refuseAs });
    else if ('parse' in entry)
      Object.assign(draft, entry.parse(env[entry.name], { env, draft, refuse: (why, fix) => refuseAs(entry.name, why, fix), refuseAs }));
  }
  for (const internal of INTERNAL_SETTINGS) Object.assign(draft, internal.parse(env[internal.name]));
  if (problems.length > 0) throw new SettingsError(problems);
  // Every field of Draft is produced by one entry of the catalogue or of INTERNAL_SETTINGS.
  const { challengePath: path, challengeMethod: method, challengePointer: pointer, challengeTtlSeconds: ttlSeconds, ...rest } = draft as Draft;
  return { ...rest, challenge: { path, method, pointer, ttlSeconds } };
}

/** What is refused about the environment as a whole, before any one setting is read. */
function checkEnvironment(env: Env, refuse: Refuse): void {
  // Node reads it at every TLS connection, for Playwright's requests and node:https alike, and no
  // per-request option of Playwright's overrides it (docs/pitfalls.md).
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    refuse(
      'NODE_TLS_REJECT_UNAUTHORIZED',
      'is 0, which switches certificate checks off for every request of the run, so a key would go to any server that answers for the host',
      'Unset it (unset NODE_TLS_REJECT_UNAUTHORIZED). To trust a private or self-signed CA, give its PEM file in CARDPLUSPAY_CA_FILE instead.',
    );
  }
  for (const name of Object.keys(env)) {
    if (!name.startsWith(SETTING_PREFIX)) continue;
    if (SETTING_NAMES.includes(name) || isInternal(name)) continue;
    const near = closest(name, SETTING_NAMES);
    refuse(name, 'is not a setting of this suite', near ? `Did you mean ${near}?` : 'Remove it; see the settings table in README.md.');
  }
  for (const name of KEY_NAMES) {
    const problem = keyProblem(env[name]);
    if (problem) refuse(name, problem.why, problem.fix);
  }
}
