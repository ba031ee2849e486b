/**
 * AUTH-14's requests against the mock, without a Playwright run per fault: the deterministic core
 * (the methods table and each family's core) catches every fault of the catalogue that breaks
 * AUTH-14, whatever the seed, since no drawn member is needed; and the conformant mock passes the
 * core and a large draw from each family's grammar, so no seed can make a false alarm there.
 * The conformance spec sends each request without a key and with a never-issued key; a key-less
 * request is enough here, since each fault skips the key check whatever the key.
 */
import fc from 'fast-check';
import { NO_SUCH_ORDER } from '../../helpers/contract/endpoints';
import { CLIENT_IDENTITY } from '../../helpers/cases/client-identity';
import { REQUEST_TARGETS } from '../../helpers/cases/request-targets';
import { unreported } from '../../helpers/client/transcript';
import { METHOD_VARIANTS, judgeVariant, requestLine, variantContext, type VariantContext, type VariantMember } from '../../helpers/cases/variants';
import type { MockMaterial } from '../../mock/accounts';
import { FAULT_NAMES, FAULTS, type FaultName } from '../../mock/faults';
import { startMock } from '../../mock/server';
import { testClient } from '../support/client';
import { expect, test, workerMock } from '../support/mock-fixture';

const req = { annotation: [{ type: 'requirement', description: 'AUTH-14' }] };

type Variant = Pick<VariantMember, 'id' | 'requests'>;

const CORE: readonly Variant[] = [...METHOD_VARIANTS, ...REQUEST_TARGETS.core, ...CLIENT_IDENTITY.core];

/** Members drawn from each grammar for the conformant mock: far more than a run draws, under a fixed seed. */
const DRAWN: readonly Variant[] = [
  ...fc.sample(REQUEST_TARGETS.arbitrary!, { seed: 18, numRuns: 200 }),
  ...fc.sample(CLIENT_IDENTITY.arbitrary!, { seed: 18, numRuns: 100 }),
];

/** Which members the core must catch each fault with: how the core was built to catch the faults of issue 18. */
const CAUGHT_BY: Partial<Record<FaultName, readonly string[]>> = {
  'semicolon-bypass': ['semicolon-param@base:catalog', 'dot-dot-semicolon@endpoint:balance', 'empty-segment@root+semicolon-param@root:balance'],
  'encoded-slash-bypass': ['percent-encode-lower@boundary:catalog'],
  'trailing-dot-bypass': ['trailing-dot:balance'],
  'absolute-form-bypass': ['absolute-form:balance'],
  'http10-bypass': ['http-1.0:catalog'],
  'x-client-ip-trusted': ['x-client-ip=127.0.0.1:balance'],
  'forwarded-private-trusted': ['x-forwarded-for=10.0.0.1:balance', 'x-forwarded-for=192.168.0.1:balance', 'x-forwarded-for=172.16.0.1:balance'],
};

/** Sends every request of `variants` without a key, a few at a time; returns each failing request as "member: what it got". */
async function failures(material: MockMaterial, baseUrl: string, variants: readonly Variant[]): Promise<Array<{ id: string; problem: string }>> {
  const api = testClient(baseUrl, [], { caPem: material.tls.certPem });
  const ctx: VariantContext = variantContext(
    { baseUrl, challenge: { method: 'POST', path: 'auth/challenge', pointer: '/data/challenge', ttlSeconds: 60 }, rootProtected: false },
    NO_SUCH_ORDER,
  );
  const jobs = variants.flatMap((v) => v.requests(ctx).map((r) => ({ id: v.id, r })));
  const found: Array<{ id: string; problem: string }> = [];
  try {
    // Unreported: a step and a transcript for each of hundreds of requests cost more than sending them.
    await unreported(async () => {
      for (let i = 0; i < jobs.length; i += 8) {
        await Promise.all(
          jobs.slice(i, i + 8).map(async ({ id, r }) => {
            const reply = await api.sendRaw({ path: '', target: r.target, method: r.method, headerLines: r.headers, json: r.json, httpVersion: r.httpVersion });
            const problem = judgeVariant(r, reply);
            if (problem) found.push({ id, problem: `${requestLine(r)} ${problem}` });
          }),
        );
      }
    });
  } finally {
    api.wire.dispose();
  }
  return found;
}

let material: MockMaterial;
test.beforeAll(async () => {
  ({ material } = await workerMock());
});

test('the conformant mock passes the core and a large draw from both families', req, async ({ mock }) => {
  expect(await failures(material, mock.baseUrl, [...CORE, ...DRAWN])).toEqual([]);
});

for (const fault of FAULT_NAMES.filter((f) => FAULTS[f].breaks.includes('AUTH-14'))) {
  test(`the core catches ${fault}, whatever the seed`, req, async () => {
    const mock = await startMock({ material, fault });
    try {
      const found = await failures(material, mock.baseUrl, CORE);
      const caught = [...new Set(found.map((f) => f.id))];
      test.info().annotations.push({ type: 'caught by', description: caught.join(', ') });
      expect(caught.length, `no core member caught ${fault}`).toBeGreaterThan(0);
      for (const id of CAUGHT_BY[fault] ?? []) expect(caught, `${fault} should be caught by ${id}`).toContain(id);
    } finally {
      await mock.close();
    }
  });
}
