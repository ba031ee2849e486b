import { expect, requirement, test } from '../../helpers/fixtures';
import { keyHeader, type Keys } from '../../helpers/cases/keys';
import { observe } from '../../helpers/client/transcript';
import { hstsVerdict } from '../../helpers/transport/hsts';

const ANSWERS = [
  { id: 'success', title: 'a successful answer', headers: (k: Keys): Record<string, string> => keyHeader(k.valid) },
  { id: 'refusal', title: 'a 401 refusal', headers: (): Record<string, string> => ({}) },
] as const;

for (const answer of ANSWERS) {
  test(`TLS-03 ${answer.title} carries Strict-Transport-Security of at least 180 days`, requirement('TLS-03', answer.id), async ({ api, keys }) => {
    const reply = await api.send({ path: 'balance', headers: answer.headers(keys) });
    const verdict = hstsVerdict(reply.headers['strict-transport-security']);
    const what = `GET balance (${answer.title}, status ${reply.status})`;
    await observe(`${what}: ${verdict.what}`);
    expect(verdict.ok, `${what} must carry a valid Strict-Transport-Security of at least 180 days; it has ${verdict.what}`).toBe(true);
  });
}
