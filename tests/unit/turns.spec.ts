/**
 * Issue 20, CARDPLUSPAY_LIVE_CHALLENGES=auto: a target's turns at signing (helpers/client/flow/turns.ts).
 * The first turn goes alone, to find out how many live challenges the API keeps; several, and the
 * checks share turns; one (or nothing found), and each goes alone, in the order they asked.
 */
import { expect, test } from '../support/unit-test';
import { TurnQueue, type Turn } from '../../helpers/client/flow/turns';

const SIGN = { annotation: [{ type: 'requirement', description: 'SIGN-03' }] };

/** The turns granted so far of those asked, in order. */
function asked(queue: TurnQueue, n: number): { granted: Turn[]; all: Array<Promise<Turn>> } {
  const granted: Turn[] = [];
  const all = Array.from({ length: n }, () => queue.takeTurn().then((t) => (granted.push(t), t)));
  return { granted, all };
}

const settle = () => new Promise((r) => setImmediate(r));

test('found several: every waiting turn is shared at once', SIGN, async () => {
  const queue = new TurnQueue();
  const { granted, all } = asked(queue, 3);
  await settle();
  expect(granted).toEqual([expect.objectContaining({ alone: true, live: undefined })]);
  queue.giveTurn(granted[0]!, 'several');
  await Promise.all(all.slice(1));
  expect(granted.slice(1)).toEqual([expect.objectContaining({ alone: false, live: 'several' }), expect.objectContaining({ alone: false, live: 'several' })]);
});

test('found one, or nothing found: each turn alone, in the order asked', SIGN, async () => {
  for (const found of ['one', undefined] as const) {
    const queue = new TurnQueue();
    const { granted } = asked(queue, 3);
    await settle();
    queue.giveTurn(granted[0]!, found);
    await settle();
    expect(granted).toHaveLength(2);
    expect(granted[1]).toMatchObject({ alone: true, live: 'one' });
    queue.giveTurn(granted[1]!);
    queue.giveTurn(granted[1]!);
    await settle();
    expect(granted).toHaveLength(3);
  }
});

test('a turn given back twice frees one place only; a finding given with a shared turn changes nothing', SIGN, async () => {
  const queue = new TurnQueue();
  const first = await queue.takeTurn();
  queue.giveTurn(first, 'several');
  const [a, b] = [await queue.takeTurn(), await queue.takeTurn()];
  queue.giveTurn(a, 'one');
  queue.giveTurn(a, 'one');
  await expect(queue.takeTurn()).resolves.toMatchObject({ alone: false, live: 'several' });
  queue.giveTurn(b);
});

test('a turn asked alone waits for the shared ones to end, and those asked after it wait for it (SIGN-11)', SIGN, async () => {
  const queue = new TurnQueue();
  queue.giveTurn(await queue.takeTurn(), 'several');
  const shared = await queue.takeTurn();
  const { granted } = asked(queue, 0);
  const alone = queue.takeTurn({ alone: true }).then((t) => (granted.push(t), t));
  const after = queue.takeTurn().then((t) => (granted.push(t), t));
  await settle();
  expect(granted).toEqual([]);
  queue.giveTurn(shared);
  await alone;
  await settle();
  expect(granted).toEqual([expect.objectContaining({ alone: true, live: 'several' })]);
  queue.giveTurn(granted[0]!);
  await expect(after).resolves.toMatchObject({ alone: false, live: 'several' });
});
