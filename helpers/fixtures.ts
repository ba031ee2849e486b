/**
 * The one module that composes fixtures. Every spec imports { test, expect } from here, never from
 * @playwright/test, so every spec gets the guarded client, the validated settings and the
 * browser-free guarantee.
 */
import * as allure from 'allure-js-commons';
import { test as base, expect, type APIRequestContext, type TestDetails } from '@playwright/test';
import { ApiClient } from './client/client';
import { secretsOf, settingsFor, type Settings } from './settings';
import { wellFormedLike } from './keys';
import { MockControl } from './mock-control';
import { refuseNonLoopback } from './client/net-guard';
import { redactor } from './redact';
import { AREAS, REQUIREMENTS, areaOf, isRequirementId, type RequirementId } from './requirements';
import { NO_SIGNING_ACCOUNT, SigningSession } from './signing/session';

export interface Keys {
  /** The configured active key. */
  valid: string;
  /** A key of the valid key's shape that was never issued; new for each test. */
  invalid: string;
  /** The configured revoked or inactive key, if any. */
  inactive?: string;
}

interface TestFixtures {
  /** The guarded client for this test: attaches redacted exchanges to this test's report. */
  api: ApiClient;
  /** The keys this test may present. */
  keys: Keys;
  /** The configured signing account(s): challenge, sign, signed request; skips the test when none is configured. */
  signing: SigningSession;
  /** Adds the docs link of each requirement the test names to its report (automatic). */
  docsLinks: void;
  /** Against a faulty mock of the self-test, keeps the worker alive after a failing check (automatic). */
  faultTolerance: void;
}

interface WorkerFixtures {
  /** Which embedded-mock target this project runs against (the fault self-test sets one per project). */
  targetName: string | undefined;
  /** The validated settings of this project's target. */
  settings: Settings;
  /** One keep-alive request context per worker. */
  requestContext: APIRequestContext;
  /** The embedded mock's request journal; undefined against a real target. */
  mock: MockControl | undefined;
  /** Against the embedded mock, refuses every connection that is not to loopback (automatic). */
  netGuard: void;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  targetName: [undefined, { option: true, scope: 'worker' }],

  settings: [
    async ({ targetName }, use) => {
      const settings = settingsFor(targetName);
      for (const secret of secretsOf(settings)) redactor.add(secret);
      await use(settings);
    },
    { scope: 'worker' },
  ],

  requestContext: [
    async ({ playwright, settings }, use) => {
      const ctx = await playwright.request.newContext({ baseURL: settings.baseUrl, maxRedirects: 0, ignoreHTTPSErrors: false });
      await use(ctx);
      await ctx.dispose();
    },
    { scope: 'worker' },
  ],

  // In mock mode nothing may leave the machine: a mistyped setting must never reach a real API.
  netGuard: [
    async ({ settings }, use) => {
      if (settings.target !== 'mock') return use();
      const lift = refuseNonLoopback();
      await use();
      lift();
    },
    { scope: 'worker', auto: true },
  ],

  mock: [
    async ({ settings }, use) => {
      await use(settings.mockControlUrl ? new MockControl(settings.mockControlUrl) : undefined);
    },
    { scope: 'worker' },
  ],

  api: async ({ requestContext, settings }, use, testInfo) => {
    const configuredKeys = [settings.apiKey, settings.inactiveApiKey, settings.secondApiKey, settings.signing?.apiKey, settings.secondSigning?.apiKey].filter(
      (k): k is string => !!k,
    );
    let requests = 0;
    const client = new ApiClient(requestContext, {
      baseUrl: settings.baseUrl,
      configuredKeys,
      onRequest: () => requests++,
      rateLimitBudgetMs: settings.rateLimitBudgetSeconds * 1000,
    });
    await use(client);
    client.dispose();
    // The summary adds these up: the run's request count is part of staying polite (SAFE-05).
    testInfo.annotations.push({ type: 'requests', description: String(requests) });
  },

  keys: async ({ settings }, use) => {
    await use({ valid: settings.apiKey, invalid: wellFormedLike(settings.apiKey), inactive: settings.inactiveApiKey });
  },

  signing: async ({ api, settings }, use, testInfo) => {
    testInfo.skip(!settings.signing, NO_SIGNING_ACCOUNT);
    const second = settings.secondSigning && new SigningSession(api, settings, settings.secondSigning, ' (second account)');
    await use(new SigningSession(api, settings, settings.signing!, '', second));
  },

  // This suite needs no browser: a spec that asks for one fails at once instead of downloading one.
  browser: [
    async ({}, _use) => {
      throw new Error('This suite is browser-free: use the `api` fixture.');
    },
    { scope: 'worker' },
  ],
  page: async ({}, _use) => {
    throw new Error('This suite is browser-free: use the `api` fixture.');
  },

  // Against a deliberately broken mock a failing check is the expected result: marking it so keeps
  // Playwright from restarting the worker after each failure (about a second each). The result
  // keeps its real status, which the fault matrix reads.
  faultTolerance: [
    async ({ settings }, use, testInfo) => {
      await use();
      if (settings.mockFault && (testInfo.status === 'failed' || testInfo.status === 'timedOut')) testInfo.expectedStatus = testInfo.status;
    },
    { auto: true },
  ],

  // Links each test to the docs page its requirements come from (Allure shows them as links).
  docsLinks: [
    async ({}, use, testInfo) => {
      for (const a of testInfo.annotations) {
        if (a.type === 'requirement' && a.description && isRequirementId(a.description)) {
          await allure.link(REQUIREMENTS[a.description].docs, `docs: ${a.description}`);
        }
      }
      await use();
    },
    { auto: true },
  ],
});

export { expect };

/**
 * Test details for a requirement: a tag for --grep (`@AUTH-06`, `@api-key`), the `requirement`
 * annotation the summary and the catalogue lint read, and Allure labels from the catalogue
 * (epic = area, feature = requirement, story = variant, severity = level).
 */
export function requirement(id: RequirementId, story?: string): TestDetails {
  const req = REQUIREMENTS[id];
  const area = areaOf(id);
  return {
    tag: [`@${id}`, `@${AREA_TAGS[area]}`],
    annotation: [
      { type: 'requirement', description: id },
      { type: '@allure.label.epic', description: AREAS[area] },
      { type: '@allure.label.feature', description: `${id} ${req.title}` },
      ...(story ? [{ type: '@allure.label.story', description: story }] : []),
      { type: '@allure.label.severity', description: req.level === 'must' ? 'critical' : 'normal' },
      { type: '@allure.label.tag', description: req.level },
    ],
  };
}

const AREA_TAGS = { AUTH: 'api-key', ENV: 'envelope', TLS: 'transport', SIGN: 'signing', SAFE: 'safety' } as const;
