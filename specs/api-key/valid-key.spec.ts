import { expectSuccessEnvelope } from '../../helpers/expectations';
import { READ_ONLY_ENDPOINTS, orderCall, stockCheckCall } from '../../helpers/contract/endpoints';
import { requirement, test } from '../../helpers/fixtures';
import { keyHeader } from '../../helpers/cases/keys';

for (const e of READ_ONLY_ENDPOINTS) {
  test(`AUTH-01 ${e.title} with the valid key gets 2xx and a success envelope`, requirement('AUTH-01', e.id), async ({ api, keys, settings }) => {
    const reply = await api.send({ ...e.call(settings), headers: keyHeader(keys.valid) });
    await expectSuccessEnvelope(reply, `${e.title} with the valid key`);
  });
}

test(
  'AUTH-01 GET orders/{id} of an order found in the orders list gets 2xx and a success envelope',
  requirement('AUTH-01', 'order'),
  async ({ api, keys, orderId }) => {
    const reply = await api.send({ ...orderCall(orderId), headers: keyHeader(keys.valid) });
    await expectSuccessEnvelope(reply, 'GET orders/{id} with the valid key');
  },
);

test(
  'AUTH-01 POST orders/check for an item found in the catalog gets 2xx and a success envelope',
  requirement('AUTH-01', 'stock-check'),
  async ({ api, keys, itemCode }) => {
    const reply = await api.send({ ...stockCheckCall(itemCode), headers: keyHeader(keys.valid) });
    await expectSuccessEnvelope(reply, 'POST orders/check with the valid key');
  },
);
