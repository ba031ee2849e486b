/**
 * SAFE-04: every settings mistake stops the run before any request, with a message that names the
 * variable and the fix, and never the key. The mistakes are a table (settings-mistakes.ts); that
 * `npm run conformance` exits 2 on them before any request is config-exit.spec.ts.
 */
import { expect, test } from '../support/unit-test';
import { INTERNAL_NAMES, internalSetFromOutside } from '../../helpers/settings/internal';
import { loadSettings, SettingsError } from '../../helpers/settings/settings';
import { BASE, KEY, MISTAKES, OTHER, RSA_FILE } from './settings-mistakes';

const SAFE04 = { annotation: [{ type: 'requirement', description: 'SAFE-04' }] };

test('SAFE-04 paths spelt with unreserved characters and "/" are accepted: challenge paths and base URLs', SAFE04, () => {
  for (const p of ['auth/challenge', '/auth/challenge', 'orders/check', 'v2/auth/challenge-token_1.x~y']) {
    expect(loadSettings({ ...BASE, CARDPLUSPAY_CHALLENGE_PATH: p }).challenge.path, p).toBe(p.replace(/^\//, ''));
  }
  // A GET reads, even on orders: only a POST there spends.
  expect(loadSettings({ ...BASE, CARDPLUSPAY_CHALLENGE_PATH: 'orders', CARDPLUSPAY_CHALLENGE_METHOD: 'GET' }).challenge.path).toBe('orders');
  for (const [url, normalised] of [
    ['https://api.example.test', 'https://api.example.test/'],
    ['https://api.example.test/', 'https://api.example.test/'],
    ['https://api.example.test/v1/', 'https://api.example.test/v1/'],
    ['https://api.example.test:8443/v1', 'https://api.example.test:8443/v1/'],
    ['https://[::1]:8443/api/v1.2~beta_x-y', 'https://[::1]:8443/api/v1.2~beta_x-y/'],
  ]) {
    expect(loadSettings({ ...BASE, CARDPLUSPAY_BASE_URL: url! }).baseUrl, url).toBe(normalised);
  }
});

test("SAFE-04 the runner's internal variables are refused from the user, each by name", SAFE04, () => {
  for (const name of [...INTERNAL_NAMES, 'CARDPLUSPAY_MOCK_ANYTHING']) {
    expect(internalSetFromOutside({ ...BASE, [name]: 'none' })).toEqual([
      `Cannot start: ${name} is set in your environment, but it is internal to the runner (it describes the embedded mock it starts). Unset it (unset ${name}); the settings a user may give are listed in README.md, "Settings".`,
    ]);
  }
  expect(internalSetFromOutside(BASE)).toEqual([]);
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

// One test over the table, each mistake that goes wrong named with its problems: a test per
// mistake cost Playwright's bookkeeping some 20 ms, and the mistake's check microseconds.
test('SAFE-04 every settings mistake is refused with a message naming the fix, and never the key', SAFE04, () => {
  const wrong = MISTAKES.flatMap((m) => {
    const problems = problemsOf(m.env);
    return [
      ...(problems.some((p) => p.startsWith(m.message)) ? [] : [`${m.id}: not refused as expected; problems were:\n  ${problems.join('\n  ')}`]),
      ...(problems.some((p) => p.includes(KEY) || p.includes(OTHER)) ? [`${m.id}: a refusal prints a key`] : []),
    ];
  });
  expect(MISTAKES.length, 'the table of mistakes').toBeGreaterThan(100);
  expect(wrong).toEqual([]);
});

test('SAFE-04 a valid remote configuration is accepted and the base URL normalised', SAFE04, () => {
  const s = loadSettings({ ...BASE, CARDPLUSPAY_SIGNING_API_KEY: OTHER, CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE: RSA_FILE });
  expect(s.baseUrl).toBe('https://api.example.test/v1/');
  expect(s.httpUrl).toBe('http://api.example.test/v1/');
  expect(s.challenge).toEqual({ path: 'auth/challenge', method: 'POST', pointer: '/data/challenge', ttlSeconds: 300 });
  expect([...s.httpAccept].sort()).toEqual(['redirect-https', 'refused', 'rejected']);
});
