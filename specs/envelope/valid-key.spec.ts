import { expectSchema } from '../../helpers/expectations';
import { orderCall, stockCheckCall } from '../../helpers/contract/endpoints';
import { requirement, test } from '../../helpers/fixtures';
import { keyHeader } from '../../helpers/cases/keys';

test('ENV-04 GET balance data has a decimal-string balance and a 3-letter currency', requirement('ENV-04'), async ({ api, keys }) => {
  const reply = await api.send({ path: 'balance', headers: keyHeader(keys.valid) });
  await expectSchema(reply, 'balance', 'GET balance with the valid key');
});

test('ENV-05 GET orders data has orders and pagination of the documented types', requirement('ENV-05', 'orders-list'), async ({ api, keys }) => {
  const reply = await api.send({ path: 'orders', headers: keyHeader(keys.valid) });
  await expectSchema(reply, 'orders-list', 'GET orders with the valid key');
});

test('ENV-05 GET orders/{id} data has the documented types', requirement('ENV-05', 'order'), async ({ api, keys, orderId }) => {
  const reply = await api.send({ ...orderCall(orderId), headers: keyHeader(keys.valid) });
  await expectSchema(reply, 'order', 'GET orders/{id} with the valid key');
});

test('ENV-05 POST orders/check data has the documented types', requirement('ENV-05', 'stock-check'), async ({ api, keys, itemCode }) => {
  const reply = await api.send({ ...stockCheckCall(itemCode), headers: keyHeader(keys.valid) });
  await expectSchema(reply, 'stock-check', 'POST orders/check with the valid key');
});
