/**
 * The one module that composes fixtures. Every spec imports { test, expect } from here, never from
 * @playwright/test, so every spec gets the guarded client, the validated settings and the
 * browser-free guarantee.
 *
 * Built on Playwright's `_baseTest`, the test type without its browser and request fixtures: those
 * bring test-scoped automatic fixtures (trace recording, context options and the two dozen options
 * they read) that this suite never uses, and Playwright records each of them as a step with a
 * captured, source-mapped stack, before and after every test: about 56 stacks a test, a fifth of a
 * worker's CPU in a mock-mode run (issue 20; docs/benchmarks.md).
 */
import { _baseTest as base, expect, type TestDetails, type TestInfo } from '@playwright/test';
import { armOutputBoundary } from './runner/output-boundary';
import { ApiClient } from './client/client';
import type { Egress } from './client/egress';
import { notJudged } from './client/not-judged';
import { egressFor } from './client/target-egress';
import { standsFor } from './cases/stands';
import { RequestLedger } from './client/request-ledger';
import { secretsOf } from './settings/secrets';
import { settingsFor, targetOf } from './settings/targets';
import type { Settings } from './settings/settings';
import { keyHeader, wellFormedLike, type Keys } from './cases/keys';
import { ITEM_CODE_FIELDS, ORDER_ID_FIELDS, discover } from './cases/discovery';
import { MockControl } from './mock-control';
import { refuseNonLoopback } from './client/net-guard';
import { redactor } from './safety/redact';
import { AREAS, REQUIREMENTS, areaOf, requirementIdsIn, type Area, type RequirementId } from './contract/requirements';
import type { SigningSession } from './signing/session';
import { signingInTurn } from './signing/schedule';

// A worker of any config that runs these specs redacts its output and shares the secrets it makes
// (signatures) with the runner before it writes anything (SAFE-01).
armOutputBoundary();

/** Why a check that presents the revoked key is skipped when the settings name none. */
const NO_REVOKED_KEY = 'CARDPLUSPAY_INACTIVE_API_KEY is not set: there is no revoked key to present';
/** Why a check on one order is skipped: ids are discovered, never guessed (AUTH-01). */
const NO_ORDER_TO_LOOK_UP = 'GET orders listed no order to look up (a sandbox account may hold none)';
/** Why a stock check is skipped: item codes are discovered, never guessed (AUTH-01). */
const NO_ITEM_TO_CHECK = 'GET catalog listed no item code to check (its shape is undocumented)';

interface TestFixtures {
  /** The target this test runs against: the project's, or in a lane the one of the test's requirement; a named one sets the test's timeout. */
  target: Target;
  /** The validated settings of this test's target. */
  settings: Settings;
  /** The one egress to this test's target (deadlines, size limits, TLS, key guards, request cap); one per target and worker. */
  egress: Egress;
  /** The embedded mock's request journal; undefined against a real target. */
  mock: MockControl | undefined;
  /** The guarded client for this test: attaches redacted exchanges to this test's report. */
  api: ApiClient;
  /** The keys this test may present. */
  keys: Keys;
  /** The configured revoked key; skips the test with the reason when none is configured. */
  revokedKey: string;
  /** An order id from the target's own GET orders (valid key); skips the test with the reason when it lists none. */
  orderId: string;
  /** The first order id the target's GET orders lists, or undefined when it lists none (never skips); asked once per worker and target. */
  listedOrderId: string | undefined;
  /** An item code from the target's own GET catalog (valid key); skips the test with the reason when it lists none. */
  itemCode: string;
  /** The signing account(s): challenge, sign, signed request, in the run's turns (schedule.ts); skips the test without one. */
  signing: SigningSession;
  /** Against a faulty mock of the self-test, keeps the worker alive after a failing check (automatic). */
  faultTolerance: void;
  /** Redacts the test's errors inside the worker, with the signatures only it knows (automatic). */
  workerRedaction: void;
  /** Playwright's own request context and page: refused with the reason (this suite has neither). */
  request: never;
  page: never;
}

/** One target's settings and what a test talks to it through; opened once per worker, on first use. */
interface Target {
  settings: Settings;
  egress: Egress;
  requestLedger: RequestLedger | undefined;
  mock: MockControl | undefined;
  /** The `listedOrderId` fixture's answer, asked by the first test of this worker that needs it. */
  listedOrderId?: Promise<string | undefined>;
}

interface WorkerFixtures {
  /** Which embedded-mock target this project runs against (the fault self-test sets one per project). */
  targetName: string | undefined;
  /** A lane of the fault self-test: the embedded-mock target of each requirement id (see targetOf). */
  targetByRequirement: Readonly<Record<string, string>> | undefined;
  /** This worker's open targets, by name; against the embedded mock, refuses every connection that is not to loopback. */
  targets: (name: string | undefined) => Promise<Target>;
  /** Playwright's browser: refused with the reason. */
  browser: never;
}

/** A list the target gives the valid key, and the fields its ids sit in. */
interface IdList {
  path: string;
  names: readonly string[];
}

const ORDERS_LIST: IdList = { path: 'orders', names: ORDER_ID_FIELDS };
const CATALOG_LIST: IdList = { path: 'catalog', names: ITEM_CODE_FIELDS };

/** The first id-like value in a list the target gives the valid key, or undefined when it holds none. */
async function firstListed(api: ApiClient, validKey: string, list: IdList): Promise<string | undefined> {
  const reply = await api.send({ path: list.path, headers: keyHeader(validKey) });
  return discover(reply.json, list.names);
}

/** The first id-like value in a list; skips the test with the reason when there is none. */
async function firstListedOrSkip(api: ApiClient, validKey: string, list: IdList, reason: string, testInfo: TestInfo): Promise<string> {
  const found = await firstListed(api, validKey, list);
  testInfo.skip(found === undefined, reason);
  return found!;
}

/**
 * A fixture every test sets up and nothing in it can be read by a reviewer: no step of its own in
 * the report (a step each costs its worker and the reporters an event, about 1,500 per run; issue
 * 20). Its errors still fail the test, and the requests a test makes still show as their steps.
 */
const PLUMBING = { box: 'self' } as const;

export const test = base.extend<TestFixtures, WorkerFixtures>({
  targetName: [undefined, { option: true, scope: 'worker' }],
  targetByRequirement: [undefined, { option: true, scope: 'worker' }],

  targets: [
    async ({}, use) => {
      const open = new Map<string | undefined, Promise<Target>>();
      let liftGuard: (() => void) | undefined;
      const openTarget = async (name: string | undefined): Promise<Target> => {
        const settings = settingsFor(name);
        for (const secret of secretsOf(settings)) redactor.add(secret);
        // In mock mode nothing may leave the machine: a mistyped setting must never reach a real API.
        if (settings.target === 'mock') liftGuard ??= refuseNonLoopback();
        const requestLedger = settings.requestLedger ? new RequestLedger(settings.requestLedger, settings.maxRequests) : undefined;
        return {
          settings,
          egress: egressFor(settings, requestLedger),
          requestLedger,
          mock: settings.mockControlUrl ? new MockControl(settings.mockControlUrl) : undefined,
        };
      };
      await use((name) => {
        if (!open.has(name)) open.set(name, openTarget(name));
        return open.get(name)!;
      });
      for (const opening of open.values()) {
        const target = await opening.catch(() => undefined);
        target?.requestLedger?.close();
        target?.egress.dispose();
      }
      liftGuard?.();
    },
    { scope: 'worker', ...PLUMBING },
  ],

  target: [
    async ({ targets, targetName, targetByRequirement }, use, testInfo) => {
      const ids = requirementIdsIn(testInfo.annotations);
      const name = targetOf({ targetName, targetByRequirement }, ids);
      const target = await targets(name);
      // A named target of the fault self-test brings its own test timeout (a hang, throttling): a lane's
      // tests run against several targets under one project. Every test sets this fixture up (faultTolerance).
      if (name !== undefined) testInfo.setTimeout(target.settings.testTimeoutSeconds * 1000);
      // The runner's preflight decided already: no check sends anything to a target it could not reach,
      // and none sends a key to one whose certificate does not verify (TLS-01's own checks still run).
      const reached = target.settings.preflight;
      if (reached?.outcome === 'unreachable') notJudged(`target unreachable: ${reached.reason}`);
      if (reached?.outcome === 'certificate' && !ids.includes('TLS-01')) notJudged('not checked: the certificate does not verify (TLS-01), so no key was sent');
      await use(target);
    },
    PLUMBING,
  ],
  settings: [async ({ target }, use) => use(target.settings), PLUMBING],
  egress: [async ({ target }, use) => use(target.egress), PLUMBING],
  mock: [async ({ target }, use) => use(target.mock), PLUMBING],

  api: [
    async ({ egress, settings }, use, testInfo) => {
      let requests = 0;
      const client = new ApiClient(egress, settings.baseUrl, {
        onRequest: () => requests++,
        rateLimitBudgetMs: settings.rateLimitBudgetSeconds * 1000,
        reproduce: { stands: standsFor(settings), caFileVariable: settings.caFile ? 'CARDPLUSPAY_CA_FILE' : undefined, seed: settings.seed },
      });
      await use(client);
      // The summary adds these up: the run's request count is part of staying polite (SAFE-05).
      testInfo.annotations.push({ type: 'requests', description: String(requests) });
    },
    PLUMBING,
  ],

  keys: [
    async ({ settings }, use) => {
      await use({ valid: settings.apiKey, invalid: wellFormedLike(settings.apiKey), revoked: settings.inactiveApiKey });
    },
    PLUMBING,
  ],

  revokedKey: async ({ keys }, use, testInfo) => {
    testInfo.skip(keys.revoked === undefined, NO_REVOKED_KEY);
    await use(keys.revoked!);
  },

  // Test-scoped: the list request that found the id sits in the report of the test that used it.
  orderId: async ({ api, keys }, use, testInfo) => {
    await use(await firstListedOrSkip(api, keys.valid, ORDERS_LIST, NO_ORDER_TO_LOOK_UP, testInfo));
  },

  // Once per worker and target, kept on the target: a check that asks for it in each of several tests
  // (AUTH-14's methods, core and drawn members) sends one list request, in the report of the first test.
  listedOrderId: async ({ target, api, keys }, use) => {
    target.listedOrderId ??= firstListed(api, keys.valid, ORDERS_LIST);
    await use(await target.listedOrderId);
  },

  itemCode: async ({ api, keys }, use, testInfo) => {
    await use(await firstListedOrSkip(api, keys.valid, CATALOG_LIST, NO_ITEM_TO_CHECK, testInfo));
  },

  signing: async ({ api, egress, settings }, use, testInfo) => signingInTurn({ api, egress, settings }, testInfo, use),

  // Every request goes through the one egress (helpers/client/egress.ts); Playwright's own request
  // context would go around its deadlines, size limits, key guards and cookie rule. `_baseTest` has
  // none of these three: they are here so a spec that asks for one is told why.
  request: async ({}, _use) => {
    throw new Error("Playwright's request context goes around the suite's egress: use the `api` fixture.");
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
    { auto: true, ...PLUMBING },
  ],

  // The reporters redact with the configured secrets; signatures made at run time exist only in
  // this worker. Playwright builds error-context.md from these errors after this teardown.
  workerRedaction: [
    async ({}, use, testInfo) => {
      await use();
      for (const error of testInfo.errors) {
        const e = error as { message?: string; stack?: string; value?: string };
        if (e.message) e.message = redactor.redact(e.message);
        if (e.stack) e.stack = redactor.redact(e.stack);
        if (e.value) e.value = redactor.redact(e.value);
      }
    },
    { auto: true, ...PLUMBING },
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

const AREA_TAGS = { AUTH: 'api-key', ENV: 'envelope', TLS: 'transport', SIGN: 'signing', SAFE: 'safety', CLIENT: 'client' } as const satisfies Record<
  Area,
  string
>;
