import { ENDPOINTS, NO_SUCH_ORDER, READ_ONLY_ENDPOINTS, orderCall } from '../../helpers/contract/endpoints';
import { expect, requirement, test } from '../../helpers/fixtures';
import { MISSING_OR_NEVER_ISSUED, keyHeader } from '../../helpers/cases/keys';
import { REQUEST_VARIANTS, judgeVariant, requestLine, type VariantContext, type VariantEndpoint } from '../../helpers/cases/variants';
import type { Settings } from '../../helpers/settings/settings';

/** The read-only GET endpoints, GET orders/{id}, then the challenge endpoint: what AUTH-14 spells differently. */
function variantContext(settings: Settings, orderId: string): VariantContext {
  const challenge = ENDPOINTS.find((e) => e.id === 'challenge')!;
  const calls = [
    ...READ_ONLY_ENDPOINTS.map((e) => ({ id: e.id, title: e.title, call: e.call(settings) })),
    { id: 'order', title: 'GET orders/{id}', call: orderCall(orderId) },
    { id: challenge.id, title: challenge.title, call: challenge.call(settings) },
  ];
  const endpoints: VariantEndpoint[] = calls.map(({ id, title, call }) => ({ id, title, method: call.method ?? 'GET', path: call.path }));
  return {
    basePath: new URL(settings.baseUrl).pathname,
    endpoints,
    rootProtected: settings.rootProtected,
    unfulfillableOrder: ENDPOINTS.find((e) => e.id === 'create-order')!.call(settings).json,
  };
}

for (const variant of REQUEST_VARIANTS) {
  test(
    `AUTH-14 ${variant.title} without a key or with a never-issued key gets no 2xx and no API data`,
    requirement('AUTH-14', variant.id),
    async ({ api, keys, settings, listedOrderId }) => {
      // An order the valid key can read, so that a variant served past the auth check shows its data
      // instead of an honest-looking 404; when the target lists none, one nobody holds (never a skip).
      const ctx = variantContext(settings, listedOrderId ?? NO_SUCH_ORDER);
      const seen: string[] = [];
      for (const request of variant.requests(ctx)) {
        // Both key failures at once: half the wall time, and never more than two in flight per worker.
        const replies = await Promise.all(
          MISSING_OR_NEVER_ISSUED.map((failure) =>
            api.sendRaw({
              path: '',
              target: request.target,
              method: request.method,
              headerLines: [...request.headers, ...Object.entries(keyHeader(failure.key(keys)))],
              json: request.json,
            }),
          ),
        );
        MISSING_OR_NEVER_ISSUED.forEach((failure, i) => {
          const reply = replies[i]!;
          const problem = judgeVariant(request, reply);
          const line = `${requestLine(request)} ${failure.id === 'missing' ? 'without a key' : `with ${failure.title}`}`;
          seen.push(`${line} → ${reply.status}${problem ? `: FAILS, ${problem}` : ''}`);
          // The message is also the report's step title, so a passing request reads as what it proved.
          expect.soft(problem, problem ? `${line} ${problem}: ${variant.meaning}` : `${line} gets no 2xx and no API data`).toBeUndefined();
        });
      }
      await test.info().attach(`AUTH-14 ${variant.id}: every request and its answer`, { body: `${seen.join('\n')}\n`, contentType: 'text/plain' });
    },
  );
}
