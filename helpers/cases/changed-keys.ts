/**
 * A key changed in each way of a table or a family, on GET balance, as one test: each change a step
 * (eachMember), sent together. AUTH-05's malformed keys and near-misses, AUTH-06's quotes and
 * AUTH-07's paddings are all this shape; what differs is the key, the changes and the judgement.
 */
import type { ApiClient, Reply } from '../client/client';
import { eachMember } from './each-member';
import { expect401 } from '../expectations';
import { keyHeader, type KeyCase, type Keys } from './keys';
import type { NearMiss } from './near-misses';

/**
 * One change of a key; a near-miss also says why a server may accept it, and how a reproduction
 * rebuilds it from the key's variable. A change with nothing to act on makes no key (undefined).
 */
export type KeyChange = Omit<KeyCase, 'make'> & { make: (key: string) => string | undefined } & Partial<Pick<NearMiss, 'why' | 'shell'>>;

/** The key every change is made from. */
export interface ChangedFrom {
  key: string;
  /** How a title names the key before a change's own title: `the valid key`, `a never-issued key with`. */
  lead: string;
  /** The variable a reproduction reads the key from (`CARDPLUSPAY_API_KEY`), for a change that rebuilds itself from it. */
  variable?: string;
}

/** The valid key, as most changes start from it; a reproduction rebuilds a near-miss from $CARDPLUSPAY_API_KEY. */
export function theValidKey(keys: Pick<Keys, 'valid'>, lead = 'the valid key'): ChangedFrom {
  return { key: keys.valid, lead, variable: 'CARDPLUSPAY_API_KEY' };
}

/** The judgement most changes get: 401, soft, so every change that gets anything else is named. */
export function refused(reply: Reply, what: string): void {
  expect401(reply, what, { soft: true });
}

/**
 * Sends each change of `from.key` in X-API-Key on GET balance and judges its answer; `what` names
 * the request for the judgement's message. `perTest`: how many changes one test's time is for
 * (eachMember).
 */
export async function presentChanged(
  api: ApiClient,
  from: ChangedFrom,
  changes: readonly KeyChange[],
  judge: (reply: Reply, what: string) => void,
  perTest = 1,
): Promise<void> {
  await eachMember(
    changes,
    (c) => `${from.lead} ${c.title}`,
    async (c) => {
      const key = c.make(from.key)!;
      const stands = c.shell && from.variable ? [{ value: key, shell: c.shell(from.variable, from.key) }] : [];
      const reply = await api.send({ path: 'balance', headers: keyHeader(key), stands });
      judge(reply, `GET balance with ${from.lead} ${c.title}${c.why ? ` (${c.id}: ${c.why})` : ''}`);
    },
    // Sent, a change that changes nothing would be the key itself (a case flip of a key with no letter).
    {
      perTest,
      notSent: (c) => (c.make(from.key) === undefined ? `${from.lead} has nothing this change acts on: sent, it would be the key itself` : undefined),
    },
  );
}
