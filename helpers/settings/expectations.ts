/**
 * What the target is expected to do where the standards leave a choice (each a [decision] of
 * docs/cardpluspay-api.md), and which checks run and count.
 */
import { flag, oneOf, type Setting } from './parse';
import { DUPLICATE_FIELD_ANSWERS, HEADER_NAME_CASES, HTTP_OUTCOMES, PADDED_KEY_ANSWERS, type HttpOutcome } from './types';

/** Outcomes that put API traffic or a key in clear text: no setting makes TLS-02 accept them. */
const CLEAR_TEXT: readonly HttpOutcome[] = ['served', 'auth-answered', 'redirect-elsewhere'];
const DEFAULT_HTTP_ACCEPT: readonly HttpOutcome[] = ['refused', 'redirect-https', 'rejected'];

export const HTTP_ACCEPT: Setting = {
  name: 'CARDPLUSPAY_HTTP_ACCEPT',
  meaning: 'TLS-02 outcomes that count as conformant (see Transport in README.md)',
  default: `\`${DEFAULT_HTTP_ACCEPT.join(',')}\``,
  parse(raw, { refuse }) {
    if (raw === undefined || raw.trim() === '') return { httpAccept: new Set(DEFAULT_HTTP_ACCEPT) };
    const values = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = values.filter((v) => !(HTTP_OUTCOMES as readonly string[]).includes(v));
    if (unknown.length > 0)
      refuse(`has unknown outcome(s) ${unknown.map((u) => `"${u}"`).join(', ')}`, `Use a comma-separated list of: ${HTTP_OUTCOMES.join(', ')}.`);
    const forbidden = values.filter((v) => (CLEAR_TEXT as readonly string[]).includes(v));
    if (forbidden.length > 0) refuse(`accepts ${forbidden.join(', ')}`, 'Those outcomes put API traffic or a key in clear text; TLS-02 never accepts them.');
    return { httpAccept: new Set(values as HttpOutcome[]) };
  },
};

export const RUN_SLOW: Setting = {
  name: 'CARDPLUSPAY_RUN_SLOW',
  meaning: "`1` or `true` runs checks that wait a full lifetime of more than 30 s (the report's environment panel says whether they ran)",
  default: 'off',
  parse: (raw, { refuse }) => ({ runSlow: flag(raw, refuse) }),
};

export const ROOT_PROTECTED: Setting = {
  name: 'CARDPLUSPAY_ROOT_PROTECTED',
  meaning: '`1` when `GET /` must need a key (AUTH-12 then checks it)',
  default: 'off',
  parse: (raw, { refuse }) => ({ rootProtected: flag(raw, refuse) }),
};

export const HEADER_NAME_CASE: Setting = {
  name: 'CARDPLUSPAY_HEADER_NAME_CASE',
  meaning: "AUTH-10: `insensitive` (RFC 9110), `sensitive` (the docs' wording), `either` (record only)",
  default: '`insensitive`',
  parse: (raw, { refuse }) => ({ headerNameCase: oneOf(raw, HEADER_NAME_CASES, 'insensitive', refuse) }),
};

export const PADDED_KEY: Setting = {
  name: 'CARDPLUSPAY_PADDED_KEY',
  meaning: 'AUTH-07, a valid key padded with spaces/tabs: `same-as-unpadded` (RFC 9110) or `same-or-401`',
  default: '`same-as-unpadded`',
  parse: (raw, { refuse }) => ({ paddedKey: oneOf(raw, PADDED_KEY_ANSWERS, 'same-as-unpadded', refuse) }),
};

export const DUPLICATE_FIELDS: Setting = {
  name: 'CARDPLUSPAY_DUPLICATE_FIELDS',
  meaning: 'AUTH-11, two `X-API-Key` fields: `401-or-400` (RFC 9110 5.3 lets a server refuse them as a bad request) or `401`',
  default: '`401-or-400`',
  parse: (raw, { refuse }) => ({ duplicateFields: oneOf(raw, DUPLICATE_FIELD_ANSWERS, '401-or-400', refuse) }),
};

export const FAIL_ON_SHOULD: Setting = {
  name: 'CARDPLUSPAY_FAIL_ON_SHOULD',
  meaning: '`1` makes a failed `should` requirement fail the run',
  default: 'off',
  parse: (raw, { refuse }) => ({ failOnShould: flag(raw, refuse) }),
};
