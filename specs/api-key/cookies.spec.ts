import { deliberateCookie } from '../../helpers/contract/cookie-check';
import { expectUnauthorizedEnvelope } from '../../helpers/expectations';
import { READ_ONLY_ENDPOINTS as READ_ONLY } from '../../helpers/contract/endpoints';
import { requirement, test } from '../../helpers/fixtures';
import { keyHeader } from '../../helpers/cases/keys';

/**
 * The one check that sends the target's cookies on purpose (SAFE-06): it writes the Cookie header itself, named by deliberateCookie(), from
 * the Set-Cookie fields of answers to the valid key, and sends it with no X-API-Key. The docs say
 * there is no session login, so whatever the API sets must not stand in for the key.
 */
test(
  'AUTH-09 cookies the API sets on an authenticated answer are not credentials: sent back without a key they get the 401 envelope',
  requirement('AUTH-09', 'set-cookie-replayed'),
  async ({ api, keys, settings }) => {
    const setters: Array<{ title: string; call: ReturnType<(typeof READ_ONLY)[number]['call']>; cookie: string }> = [];
    for (const endpoint of READ_ONLY) {
      const call = endpoint.call(settings);
      const reply = await api.send({ ...call, headers: keyHeader(keys.valid) });
      // Only the name=value pair goes back, as a browser would send it; attributes stay behind.
      const pairs = reply.setCookies.map((c) => c.split(';')[0]!.trim()).filter((p) => p.includes('='));
      if (pairs.length > 0) setters.push({ title: endpoint.title, call, cookie: pairs.join('; ') });
    }
    test.skip(
      setters.length === 0,
      `the target set no cookie on ${READ_ONLY.map((e) => e.title).join(', ')} with the valid key, so there is none to send back`,
    );
    for (const setter of setters) {
      const reply = await test.step(`deliberately send ${setter.title}'s cookies back, with no X-API-Key`, () =>
        api.send({ ...setter.call, headers: deliberateCookie(setter.cookie, 'AUTH-09') }));
      await expectUnauthorizedEnvelope(reply, `${setter.title} with only the cookies its authenticated answer set (no X-API-Key)`);
    }
  },
);
