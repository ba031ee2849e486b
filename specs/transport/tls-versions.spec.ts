import { expect, requirement, test } from '../../helpers/fixtures';
import { notJudged } from '../../helpers/client/not-judged';
import { observe } from '../../helpers/client/transcript';
import { describeHandshake, LEGACY_CLIENT_CIPHERS, LEGACY_TLS_VERSIONS, probeLegacyTls } from '../../helpers/transport/tls-versions';

for (const v of LEGACY_TLS_VERSIONS) {
  test(`TLS-04 a handshake limited to ${v.title} is refused`, requirement('TLS-04', v.id), async ({ egress, settings }) => {
    const where = new URL(settings.baseUrl).host;
    const result = await probeLegacyTls(egress, v.version, v.title);
    await observe(
      `${v.title} to ${where}: ${result.what}`,
      [
        `verdict: ${result.verdict}`,
        describeHandshake('modern control handshake', result.control),
        describeHandshake(`${v.title} handshake (min = max = ${v.version}, ciphers ${LEGACY_CLIENT_CIPHERS}, certificate checked)`, result.legacy),
      ].join('\n'),
    );
    // Inconclusive (the modern control handshake failed too, or the local library declined): nothing to judge.
    if (result.verdict === 'inconclusive') notJudged(result.what);
    expect(result.verdict, `a ${v.title} handshake must be refused by the server; observed: ${result.what}`).toBe('refused');
  });
}
