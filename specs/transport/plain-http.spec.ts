import { ENDPOINTS } from '../../helpers/contract/endpoints';
import { expect, requirement, test } from '../../helpers/fixtures';
import { fingerprint } from '../../helpers/mock-control';
import { observe } from '../../helpers/client/transcript';
import { canaryFor, expectOnlyCanaryOverHttp, probePlainHttp } from '../../helpers/transport/plain-http';

for (const endpoint of ENDPOINTS) {
  test(`TLS-02 ${endpoint.title} over plain HTTP is not served`, requirement('TLS-02', endpoint.id), async ({ egress, settings, mock }) => {
    const call = endpoint.call(settings);
    const method = call.method ?? 'GET';
    const url = new URL(call.path, settings.httpUrl);
    const canary = canaryFor(settings);
    const since = mock ? await mock.mark() : 0;

    const { exchange, classification, transcript } = await probePlainHttp(egress, { url, method, canary, json: call.json }, fingerprint(canary));
    // Counted with the client's requests in the summary's politeness total (SAFE-05).
    test.info().annotations.push({ type: 'requests', description: '1' });
    const accepted = settings.httpAccept.has(classification.outcome);
    const accepts = [...settings.httpAccept].join(', ');
    await observe(
      `${endpoint.title} over plain HTTP ${classification.what}: ${classification.meaning} (${classification.outcome}, ${accepted ? 'accepted' : 'a VIOLATION'})`,
      `${transcript}\naccepted outcomes (CARDPLUSPAY_HTTP_ACCEPT): ${accepts}\n`,
    );
    expect
      .soft(
        accepted,
        `${endpoint.title} over plain HTTP must end in an outcome TLS-02 accepts (${accepts}; CARDPLUSPAY_HTTP_ACCEPT); it ${classification.what}: ${classification.meaning} (${classification.outcome})`,
      )
      .toBe(true);

    // Against the embedded mock, the server's side of the wire too: what arrived over HTTP.
    if (mock) await expectOnlyCanaryOverHttp(mock, { since, method, path: url.pathname, canary, answered: exchange.kind === 'answer' });
  });
}
