import { ENDPOINTS, NO_SUCH_ITEM } from '../../helpers/endpoints';
import { expect, requirement, test } from '../../helpers/fixtures';
import { REQUEST_VARIANTS, judgeVariant, requestLine, type VariantContext, type VariantEndpoint } from '../../helpers/variants';
import type { Settings } from '../../helpers/settings';

/** The read-only GET endpoints, then the challenge endpoint: what AUTH-14 spells differently. */
function variantContext(settings: Settings): VariantContext {
  const endpoints: VariantEndpoint[] = ENDPOINTS.filter((e) => !e.spends)
    .map((e) => ({ id: e.id, title: e.title, ...e.call(settings) }))
    .filter((e) => e.method === 'GET' || e.id === 'challenge')
    .map(({ id, title, method, path }) => ({ id, title, method: method ?? 'GET', path }));
  return {
    basePath: new URL(settings.baseUrl).pathname,
    endpoints,
    rootProtected: settings.rootProtected,
    unfulfillableOrder: { item_code: NO_SUCH_ITEM, quantity: 1 },
  };
}

for (const variant of REQUEST_VARIANTS) {
  test(`AUTH-14 ${variant.title} without a key or with a never-issued key gets no 2xx and no API data`, requirement('AUTH-14', variant.id), async ({ api, keys, settings }) => {
    const failures = [
      { title: 'without a key', lines: (): Array<[string, string]> => [] },
      { title: 'with a never-issued key', lines: (): Array<[string, string]> => [['X-API-Key', keys.invalid]] },
    ];
    const seen: string[] = [];
    for (const request of variant.requests(variantContext(settings))) {
      // Both key failures at once: half the wall time, and never more in flight than two per worker.
      const replies = await Promise.all(failures.map((f) => api.sendRaw({ path: '', target: request.target, method: request.method, headerLines: [...request.headers, ...f.lines()], json: request.json })));
      failures.forEach((failure, i) => {
        const reply = replies[i]!;
        const problem = judgeVariant(request, reply);
        const line = `${requestLine(request)} ${failure.title}`;
        seen.push(`${line} → ${reply.status}${problem ? `: FAILS, ${problem}` : ''}`);
        expect.soft(problem, `${line} ${problem ?? ''}: ${variant.meaning}`).toBeUndefined();
      });
    }
    await test.info().attach(`AUTH-14 ${variant.id}: every request and its answer`, { body: `${seen.join('\n')}\n`, contentType: 'text/plain' });
  });
}
