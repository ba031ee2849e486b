import { isWaitStatus } from '../../helpers/client/politeness';
import { expect401, expectSigningRefusal, expectSignedSuccess, is2xx, replacedBeside } from '../../helpers/expectations';
import { expect, requirement, test } from '../../helpers/fixtures';
import { signedEndpoint } from '../../helpers/signing/session';

const REUSES = [
  { id: 'same-endpoint', title: 'on the same endpoint', first: 'balance', again: 'balance' },
  { id: 'another-endpoint', title: 'on another endpoint', first: 'balance', again: 'catalog' },
] as const;

for (const r of REUSES) {
  test(`SIGN-09 a challenge that succeeded once gets 401 when used again ${r.title}`, requirement('SIGN-09', r.id), async ({ signing }) => {
    const first = signedEndpoint(r.first);
    const again = signedEndpoint(r.again);
    const signed = await signing.signedChallenge();
    const used = await signing.send(first, signed, { step: `send ${first.title} (first use)`, looksFor: 'success' });
    await expectSignedSuccess(used, `${first.title}, the first use of the challenge`, signing);
    const reused = await signing.send(again, signed, { step: `send ${again.title} with the same challenge and signature` });
    await expectSigningRefusal(reused, `${again.title}, a second use of a challenge that already succeeded`);
  });
}

/** At least 8 by the requirement. */
const CONCURRENT_USES = 8;

test(`SIGN-10 one challenge sent ${CONCURRENT_USES} times at once succeeds exactly once`, requirement('SIGN-10'), async ({ signing }) => {
  const endpoint = signedEndpoint('balance');
  // At least two copies answered; those the target rate-limited or shed (429, 502, 503, 504) never reached the challenge check, and the rest still raced (SAFE-05).
  const all = await signing.race(endpoint, CONCURRENT_USES);
  const replies = all.filter((r) => !isWaitStatus(r.status));
  await test.step('expect exactly one 2xx and 401 for the rest', () => {
    const statuses = all.map((r) => r.status).sort((a, b) => a - b);
    const served = replies.filter((r) => is2xx(r.status));
    const why = served.length === 0 ? replacedBeside(signing) : '';
    expect(served.length, `${replies.length} simultaneous uses of one challenge: exactly one may succeed (statuses: ${statuses.join(', ')})${why}`).toBe(1);
    for (const r of replies.filter((r) => !is2xx(r.status))) expect401(r, `${endpoint.title}, a simultaneous reuse of the challenge`);
  });
});
