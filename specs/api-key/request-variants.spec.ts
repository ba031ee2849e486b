import type { ApiClient } from '../../helpers/client/client';
import { NO_SUCH_ORDER } from '../../helpers/contract/endpoints';
import { expect, requirement, test } from '../../helpers/fixtures';
import { CLIENT_IDENTITY } from '../../helpers/cases/client-identity';
import { drawnOf } from '../../helpers/cases/families';
import { eachMember } from '../../helpers/cases/each-member';
import type { Family } from '../../helpers/cases/family';
import type { Settings } from '../../helpers/settings/settings';
import { MISSING_OR_NEVER_ISSUED, keyHeader, type Keys } from '../../helpers/cases/keys';
import { REQUEST_TARGETS } from '../../helpers/cases/request-targets';
import { METHOD_VARIANTS, judgeVariant, requestLine, variantContext, type VariantContext, type VariantMember } from '../../helpers/cases/variants';

const LEAD_OUT = 'without a key or with a never-issued key gets no 2xx and no API data';

/**
 * Sends each of a variant's requests without a key and with a never-issued key, all at once, judges
 * every answer (a soft failure naming the request, what came back and the command that sends it
 * again), and returns one line per answer for the test's attachment.
 */
async function check(api: ApiClient, keys: Keys, ctx: VariantContext, variant: Pick<VariantMember, 'id' | 'meaning' | 'requests'>): Promise<string[]> {
  // Every request of the variant and both key failures at once: the run's flow control bounds how
  // many are in flight (CARDPLUSPAY_CONCURRENCY), and a target far away is bound by its latency.
  const judged = await Promise.all(
    variant.requests(ctx).flatMap((request) =>
      MISSING_OR_NEVER_ISSUED.map(async (failure) => {
        const key = failure.key(keys);
        const reply = await api.sendRaw({
          path: '',
          target: request.target,
          method: request.method,
          headerLines: [...request.headers, ...Object.entries(keyHeader(key))],
          json: request.json,
          httpVersion: request.httpVersion,
          // A never-issued key is no secret, but the redactor masks any value it finds inside an X-API-Key field
          // ('X-API-Key: …' included), and a command sending "[redacted …]" is not this request: outside the field's
          // quotes, in its own double-quoted word, the reproduction keeps the key and sends the same bytes.
          stands: key ? [{ value: key, shell: `"${key}"` }] : [],
        });
        return { request, failure, reply };
      }),
    ),
  );
  // Judged and listed in the variant's order, whatever order the answers came in.
  return judged.map(({ request, failure, reply }) => {
    const problem = judgeVariant(request, reply);
    const line = `${requestLine(request)} ${failure.id === 'missing' ? 'without a key' : `with ${failure.title}`}`;
    // The message is also the report's step title, so a passing request reads as what it proved; a failing one says how to send it again.
    const failed = `${line} ${problem}: ${variant.meaning} (${variant.id})${reply.reproduction ? `\n  to send it again: ${reply.reproduction}` : ''}`;
    expect.soft(problem, problem ? failed : `${line} gets no 2xx and no API data`).toBeUndefined();
    return `${line} → ${reply.status}${problem ? `: FAILS, ${problem}` : ''}`;
  });
}

async function attach(id: string, seen: readonly string[]): Promise<void> {
  await test.info().attach(`AUTH-14 ${id}: every request and its answer`, { body: `${seen.join('\n')}\n`, contentType: 'text/plain' });
}

/**
 * One test's variants, each a step, sent together; then one attachment with every request and its
 * answer, in the variants' order. An order the valid key can read stands in the paths, so that a
 * variant served past the auth check shows its data instead of an honest-looking 404; when the
 * target lists none, one nobody holds (never a skip).
 */
async function checkAll(
  { api, keys, settings, listedOrderId }: { api: ApiClient; keys: Keys; settings: Settings; listedOrderId: string | undefined },
  id: string,
  variants: ReadonlyArray<Pick<VariantMember, 'id' | 'title' | 'meaning' | 'requests'>>,
  perTest: number,
): Promise<void> {
  const ctx = variantContext(settings, listedOrderId ?? NO_SUCH_ORDER);
  const seen = new Map<string, string[]>();
  await eachMember(
    variants,
    (v) => v.title,
    async (v) => seen.set(v.id, await check(api, keys, ctx, v)),
    { perTest },
  );
  await attach(
    id,
    variants.flatMap((v) => seen.get(v.id) ?? []),
  );
}

// The table is the whole class: one test, a row a step, each row with the time a test of its own had.
test(
  `AUTH-14 each method variant (HEAD, an unknown method, the method in lower case, OPTIONS, method overrides) ${LEAD_OUT}`,
  requirement('AUTH-14', 'methods'),
  async ({ api, keys, settings, listedOrderId }) => {
    await checkAll({ api, keys, settings, listedOrderId }, 'methods', METHOD_VARIANTS, 1);
  },
);

/** A family's core in one test, its members as steps (the title never depends on the seed), then one test for the members the run's seed draws. */
function familyTests<M extends VariantMember>(family: Family<M>, what: { one: string; many: string }): void {
  test(`AUTH-14 each ${what.one} of the family's core ${LEAD_OUT}`, requirement('AUTH-14', family.id), async ({ api, keys, settings, listedOrderId }) => {
    await checkAll({ api, keys, settings, listedOrderId }, family.id, family.core, family.sampled);
  });
  test(
    `AUTH-14 ${what.many} drawn with the run's seed ${LEAD_OUT}`,
    requirement('AUTH-14', `${family.id}-drawn`),
    async ({ api, keys, settings, listedOrderId }) => {
      // The default sample fits one test's time; exploration (CARDPLUSPAY_EXPLORE) gets as much again per sample's worth of members.
      await checkAll({ api, keys, settings, listedOrderId }, `${family.id}-drawn`, drawnOf(family, settings), family.sampled);
    },
  );
}

familyTests(REQUEST_TARGETS, { one: 'request-target spelling', many: 'request-target spellings' });
familyTests(CLIENT_IDENTITY, { one: 'client-identity or rewrite header', many: 'client-identity and rewrite headers' });
