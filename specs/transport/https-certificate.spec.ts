import tls from 'node:tls';
import { expect, requirement, test } from '../../helpers/fixtures';
import { observe } from '../../helpers/client/transcript';
import { notJudged } from '../../helpers/client/not-judged';
import { CERTIFICATE_ERRORS, describeHandshake } from '../../helpers/transport/tls-versions';

test('TLS-01 the base URL uses https:', requirement('TLS-01', 'https-scheme'), async ({ settings }) => {
  const scheme = new URL(settings.baseUrl).protocol;
  await observe(`the base URL's scheme is ${scheme}`);
  expect(scheme, 'CARDPLUSPAY_BASE_URL must be an https: URL').toBe('https:');
});

test('TLS-01 the certificate verifies against the system store and the configured CA', requirement('TLS-01', 'certificate'), async ({ egress, settings }) => {
  const trust = `Node's root store (${tls.rootCertificates.length} CAs)${settings.caFile ? ` plus CARDPLUSPAY_CA_FILE (${settings.caFile})` : ''}`;
  const result = await egress.handshake();
  const where = new URL(settings.baseUrl).host;
  // Only a certificate that does not verify fails TLS-01; a handshake that timed out or was cut says nothing of it.
  if (!result.ok && !CERTIFICATE_ERRORS.test(result.code)) notJudged(`the TLS handshake with ${where} did not complete (${result.code}: ${result.message})`);
  await observe(
    result.ok
      ? `a ${result.protocol} handshake with ${where} verified the certificate of ${result.peer.subject} (issuer ${result.peer.issuer}, valid until ${result.peer.validTo}) against ${trust}`
      : `the handshake with ${where} failed: ${result.code}`,
    `${describeHandshake('handshake', result)}\ntrusted: ${trust}\ncertificate and host-name checks: on (the suite has no way to turn them off)`,
  );
  expect(
    result.ok,
    `the certificate of ${where} must verify against ${trust}, host name included${result.ok ? '' : `; the handshake failed with ${result.code}: ${result.message}. If the target uses a private CA, give its PEM in CARDPLUSPAY_CA_FILE`}`,
  ).toBe(true);
});
