import { expectSigningRefusal, expectSignedSuccess } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { SIGNED_ENDPOINTS, signedEndpoint, type SigningHeaders } from '../../helpers/signing/session';

for (const endpoint of SIGNED_ENDPOINTS) {
  test(`SIGN-03 ${endpoint.title} with an issued challenge and its valid signature succeeds`, requirement('SIGN-03', endpoint.id), async ({ signing }) => {
    const signed = await signing.signedChallenge();
    const reply = await signing.send(endpoint, signed, { looksFor: 'success' });
    await expectSignedSuccess(reply, `${endpoint.title} signed by the signing account`, signing);
  });
}

/** Which signing headers a request leaves out; the key is always sent. */
const MISSING_HEADERS: ReadonlyArray<{ id: string; title: string; keep: (s: Required<SigningHeaders>) => SigningHeaders }> = [
  { id: 'no-challenge', title: 'without X-API-Challenge', keep: (s) => ({ signature: s.signature }) },
  { id: 'no-signature', title: 'without X-API-Signature', keep: (s) => ({ challenge: s.challenge }) },
  { id: 'neither', title: 'without X-API-Challenge and X-API-Signature', keep: () => ({}) },
];

for (const c of MISSING_HEADERS) {
  test(`SIGN-04 a signing account's request ${c.title} gets 401`, requirement('SIGN-04', c.id), async ({ signing }) => {
    const endpoint = signedEndpoint('balance');
    const signed = await signing.signedChallenge();
    const reply = await signing.send(endpoint, c.keep(signed), { step: `send ${endpoint.title} ${c.title}` });
    await expectSigningRefusal(reply, `${endpoint.title} from the signing account ${c.title}`);
  });
}
