/**
 * What the redactor must leave alone (SAFE-01 without collateral): the public structure of a
 * secret it knows, such as a PEM's armour, which ordinary words ("private key") share, and the rest
 * of a command around a credential header's value; while every piece of the secret, and the whole
 * value, stays masked.
 */
import crypto from 'node:crypto';
import { expect, test } from '../support/unit-test';
import { FRAGMENT } from '../../helpers/safety/encodings';
import { redactCredentialFields } from '../../helpers/safety/credential-fields';
import { Redactor } from '../../helpers/safety/redact';
import { testPrivateKey } from '../support/test-key';

const SAFE01 = { annotation: [{ type: 'requirement', description: 'SAFE-01' }] };

// RFC 9421's test key, read, not generated at load (tests/support/test-key.ts says why).
const PEMS = {
  'PKCS#8': testPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  'PKCS#1': testPrivateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
};

/** Text that names a PEM's armour or its words and holds nothing of any key. */
const PUBLIC_TEXTS = [
  "SIGN-05 a signature made with another account's private key (BEGIN PRIVATE KEY) is refused",
  'Cannot start: CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE holds an encrypted private key.',
  'Give a PEM file ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----").',
  '-----END RSA PRIVATE KEY-----',
  '-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----',
];

const bodyOf = (pem: string): string[] => pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));

for (const [kind, pem] of Object.entries(PEMS)) {
  test.describe(`a registered ${kind} PEM`, () => {
    const r = new Redactor([pem]);
    const body = bodyOf(pem);
    const joined = body.join('');

    test(`SAFE-01 its armour is no secret: text about private keys comes out unchanged (${kind})`, SAFE01, () => {
      for (const text of PUBLIC_TEXTS) expect(r.redact(text), text).toBe(text);
    });

    test(`SAFE-01 the PEM, each body line and any piece of its body are still masked (${kind})`, SAFE01, () => {
      const masked = r.redact(`key file:\n${pem}end`);
      expect(masked, 'the whole PEM is one mask, armour included').toMatch(/^key file:\n\[redacted …[^\]]*\]end$/);
      // A line shorter than a piece (a body's last) is no more a key than any other piece that short.
      for (const line of body.filter((l) => l.length >= FRAGMENT)) expect(r.findsSecretIn(r.redact(`line: ${line}`)), line).toBe(false);
      const plants: Record<string, string> = {
        'a 16-character piece of the body': joined.slice(700, 716),
        'a piece across a line break, once re-wrapped': joined.slice(120, 136),
        'the body on one line': joined,
        'the body wrapped at 76': joined.replace(/(.{76})/g, '$1\n'),
        'the PEM with CRLF line breaks': pem.replace(/\n/g, '\r\n'),
        'the PEM JSON-escaped': JSON.stringify({ pem }),
        'the PEM file in Base64 (a Kubernetes secret)': Buffer.from(pem).toString('base64'),
        'a body line percent-encoded': encodeURIComponent(body[3]!),
        'a piece of the body in hex': Buffer.from(joined.slice(400, 424)).toString('hex'),
      };
      for (const [name, text] of Object.entries(plants)) {
        expect(r.findsSecretIn(text), `${name}: seen`).toBe(true);
        expect(r.findsSecretIn(r.redact(text)), `${name}: masked`).toBe(false);
      }
    });
  });
}

test('SAFE-01 a PEM written on one line with escaped line breaks (an environment variable) is read the same way', SAFE01, () => {
  const pem = PEMS['PKCS#8'];
  const r = new Redactor([pem.replace(/\n/g, '\\n')]);
  for (const text of PUBLIC_TEXTS) expect(r.redact(text), text).toBe(text);
  const joined = bodyOf(pem).join('');
  expect(r.findsSecretIn(r.redact(joined.slice(500, 516)))).toBe(false);
  expect(r.redact(joined.slice(500, 516))).not.toBe(joined.slice(500, 516));
});

test.describe('credential header values it was never told about', () => {
  const ORIGIN = 'https://api.cardpluspay.example/v1/balance';

  test('SAFE-01 in a one-line command, the value ends with its quoted shell word: the rest of the command stays', SAFE01, () => {
    expect(redactCredentialFields(`curl -sS -H 'X-API-Key: cpp_live_notreal' -H 'Accept: application/json' ${ORIGIN}`)).toBe(
      `curl -sS -H 'X-API-Key: [redacted]' -H 'Accept: application/json' ${ORIGIN}`,
    );
    expect(redactCredentialFields(`curl -H 'Authorization: Bearer tok_abcdefgh' -H 'Cookie: sid=s3cr3tvalue' -i ${ORIGIN}`)).toBe(
      `curl -H 'Authorization: [redacted]' -H 'Cookie: [redacted]' -i ${ORIGIN}`,
    );
    expect(redactCredentialFields(`curl -H "X-API-Key: cpp_live_notreal" -H "Accept: application/json" ${ORIGIN}`)).toBe(
      `curl -H "X-API-Key: [redacted]" -H "Accept: application/json" ${ORIGIN}`,
    );
    expect(redactCredentialFields(`requests.get(url, headers={'X-API-Key': 'cpp_live_notreal', 'Accept': 'application/json'})`)).toBe(
      `requests.get(url, headers={'X-API-Key': '[redacted]', 'Accept': 'application/json'})`,
    );
  });

  test('SAFE-01 a reproduction that names the key by its variable is left as it is, scheme words and cookie names included', SAFE01, () => {
    for (const command of [
      `curl -sS -H 'X-API-Key: '"$CARDPLUSPAY_API_KEY" -H 'Accept:' ${ORIGIN}`,
      `curl -sS -H 'Authorization: Bearer '"$CARDPLUSPAY_API_KEY" -H 'Accept:' ${ORIGIN}`,
      `curl -sS -H 'Cookie: api_key='"$CARDPLUSPAY_API_KEY" -H 'Accept:' ${ORIGIN}`,
      `curl -sS -H 'Authorization: Basic '"$(printf '%s:' "$CARDPLUSPAY_API_KEY" | base64 -w0)" ${ORIGIN}`,
      `curl -sS -H 'Authorization: Bearer "'"$CARDPLUSPAY_API_KEY"'"' -H 'Accept:' ${ORIGIN}`,
      // An empty field (AUTH-03): nothing to mask, and the next word is not its value.
      `curl -sS -H 'X-API-Key: ' -H 'Host: 127.0.0.1:8443' ${ORIGIN}`,
    ])
      expect(redactCredentialFields(command)).toBe(command);
  });

  test('SAFE-01 a reproduction left as it is in the text is left as it is in the files that hold it escaped (JSON, XML)', SAFE01, () => {
    // A never-issued key joined to the valid one (AUTH-11): the backstop reads Allure's JSON and JUnit's XML, and must find nothing more to mask there.
    const command = `curl -sS -H 'X-API-Key: cpp_test_neverissued0000vdP,'"$CARDPLUSPAY_API_KEY" -H 'Accept:' ${ORIGIN}`;
    for (const escaped of [JSON.stringify(command), command.replace(/"/g, '&quot;')]) expect(redactCredentialFields(escaped)).toBe(escaped);
  });

  test('SAFE-01 in a raw transcript the whole value is masked, to the end of the line', SAFE01, () => {
    expect(redactCredentialFields('X-API-Key: abc def\r\nAccept: */*')).toBe('X-API-Key: [redacted]\r\nAccept: */*');
    expect(redactCredentialFields("X-API-Key: abc'defghijklmnop")).toBe('X-API-Key: [redacted]');
    expect(redactCredentialFields('X-API-Key: \nHost: 127.0.0.1:8443'), 'an empty field: the next line is not its value').toBe(
      'X-API-Key: \nHost: 127.0.0.1:8443',
    );
    expect(redactCredentialFields("  - x-api-key: 'cpp_live_notreal'")).toBe('  - x-api-key: [redacted]');
    const bearer = redactCredentialFields('authorization: Bearer xyz0123456789token');
    expect(bearer).not.toContain('xyz0123456789token');
    expect(bearer, 'its last characters tell it apart, no more').toBe('authorization: [redacted …oken]');
  });
});

test(
  "SAFE-01 with a run's worth of signatures and short secrets registered, each short one is found in its encodings (a key of 8 to 11 characters went unmasked as written), and nothing else is masked",
  SAFE01,
  () => {
    // A secret shorter than a piece (FRAGMENT bytes) has no pieces: it is looked for whole, in each encoding.
    const signatures = Array.from({ length: 60 }, () => crypto.randomBytes(256).toString('base64'));
    const short = Array.from({ length: 20 }, (_, i) => `s${i}_${crypto.randomBytes(4).toString('hex')}`.slice(0, 8 + (i % 4)));
    const r = new Redactor([...signatures, ...short]);
    const plain = 'GET /v1/balance → 200 {"success":true,"message":"OK","data":{"balance":"10.00","currency":"EUR"}}';
    expect(r.redact(plain)).toBe(plain);
    for (const secret of short) {
      for (const form of [secret, secret.toUpperCase(), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) {
        const text = `${plain} ${form} ${plain}`;
        const out = r.redact(text);
        expect(out.startsWith(`${plain} [redacted]`) && out.endsWith(` ${plain}`) && !out.includes(form), `${secret} as ${form}: ${out}`).toBe(true);
      }
    }
  },
);
