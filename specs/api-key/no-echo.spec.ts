import type { Reply } from '../../helpers/client/client';
import { sameValue } from '../../helpers/safety/bounded';
import { expectSameValue } from '../../helpers/expectations';
import { expect, requirement, test } from '../../helpers/fixtures';
import { FAILING_KEYS, MALFORMED_KEYS, QUOTED_KEYS, REVOKED_KEY, keyHeader, type FailingKey, type KeyCase } from '../../helpers/cases/keys';
import { NEAR_MISSES } from '../../helpers/cases/near-misses';
import { holdsSecret } from '../../helpers/safety/redact';

/**
 * Whether a reply carries the presented value anywhere (body, header names as received and values), in any
 * encoding SAFE-01 names: raw in any case, Base64 and base64url at any alignment (`KEY:` and
 * `:KEY` included), hex (also dumped byte by byte: `63:70`, `0x63,0x70`), percent-encoding, JSON \u
 * and \x escapes, HTML character references, UTF-16; a 12-character piece counts.
 */
function echoes(reply: Reply, presented: string): boolean {
  return [reply.text, ...reply.rawHeaders.map(([n, v]) => `${n}: ${v}`)].some((t) => holdsSecret(t, presented));
}

/** A variant of the valid key as a failing kind. */
function ofValid(c: KeyCase): FailingKey {
  return { id: c.id, title: `the valid key ${c.title}`, key: (k) => c.make(k.valid) };
}

const NEVER_ISSUED = FAILING_KEYS.filter((f) => f.id === 'never-issued');
const QUOTED = QUOTED_KEYS.slice(0, 1).map(ofValid);

const ECHO_PROBES: readonly FailingKey[] = [
  ...NEVER_ISSUED,
  ...MALFORMED_KEYS.filter((c) => c.id === 'case-flipped').map(ofValid),
  // A near-miss echoed back is most of the key: the core's deletion, extension and change.
  ...NEAR_MISSES.core
    .filter((m) => ['delete-end', 'extend-end', 'change-middle'].includes(m.id))
    .map((m): FailingKey => ({ id: m.id, title: `the valid key ${m.title}`, key: (k) => m.make(k.valid) })),
  ...QUOTED,
];

for (const probe of ECHO_PROBES) {
  test(`AUTH-13 the 401 for ${probe.title} does not echo it`, requirement('AUTH-13', `no-echo-${probe.id}`), async ({ api, keys }) => {
    const presented = probe.key(keys)!;
    const reply = await api.send({ path: 'balance', headers: keyHeader(presented) });
    expect(echoes(reply, presented), `GET balance with ${probe.title}: the body and headers must not contain the presented key`).toBe(false);
  });
}

test('AUTH-13 the revoked key is not echoed', requirement('AUTH-13', 'no-echo-revoked'), async ({ api, revokedKey }) => {
  const reply = await api.send({ path: 'balance', headers: keyHeader(revokedKey) });
  expect(echoes(reply, revokedKey), 'GET balance with the revoked key: the body and headers must not contain it').toBe(false);
});

/** What of a refusal AUTH-13 compares across kinds of failing key. */
interface Refusal {
  status: number;
  message: unknown;
  dataKeys: string;
  data: Record<string, unknown>;
}

function refusalOf(reply: Reply): Refusal {
  const body = (reply.json ?? {}) as { message?: unknown; data?: unknown };
  const data = body.data !== null && typeof body.data === 'object' && !Array.isArray(body.data) ? (body.data as Record<string, unknown>) : {};
  return { status: reply.status, message: body.message, dataKeys: Object.keys(data).sort().join(','), data };
}

test(
  'AUTH-13 missing, never-issued, malformed and revoked keys get indistinguishable answers',
  requirement('AUTH-13', 'indistinguishable'),
  async ({ api, keys }) => {
    const send = async (key: string | undefined): Promise<Refusal> => refusalOf(await api.send({ path: 'balance', headers: keyHeader(key) }));
    // The revoked key joins the comparison when one is configured; the other kinds make the check without it.
    const revoked: FailingKey[] = keys.revoked === undefined ? [] : [{ ...REVOKED_KEY, key: (k) => k.revoked }];
    const kinds = [...FAILING_KEYS.filter((f) => !NEVER_ISSUED.includes(f)), ...QUOTED, ...revoked];
    // Two never-issued keys tell which data members vary by themselves (request ids, timestamps):
    // only the members that stay put are compared across kinds of failure. All sent at once: no
    // request depends on an earlier answer, and a target far away is bound by its latency.
    const [baseline, again, ...answers] = await Promise.all([
      send(keys.invalid),
      send(`${keys.invalid.slice(0, -1)}${keys.invalid.endsWith('A') ? 'B' : 'A'}`),
      ...kinds.map((kind) => send(kind.key(keys))),
    ]);
    const volatile = new Set(Object.keys(baseline.data).filter((k) => !sameValue(baseline.data[k], again.data[k])));
    const stable = (o: Refusal): Record<string, unknown> => Object.fromEntries(Object.entries(o.data).filter(([k]) => !volatile.has(k)));
    for (const [i, kind] of kinds.entries()) {
      const seen = answers[i]!;
      const what = `the answer to ${kind.title} compared with a never-issued key's`;
      expect.soft(seen.status, `${what}: same status`).toBe(baseline.status);
      // Both sides come from the target: compared in linear time, shown cut (SAFE-08).
      expectSameValue(seen.message, baseline.message, `${what}: same message`, { soft: true });
      expectSameValue(seen.dataKeys, baseline.dataKeys, `${what}: data with the same members`, { soft: true });
      expectSameValue(stable(seen), stable(baseline), `${what}: the same data values (members that vary between two never-issued keys excluded)`, {
        soft: true,
      });
    }
  },
);
