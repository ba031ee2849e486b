/** The accounts the suite acts as: the active, inactive and second keys, and the signing accounts. */
import crypto from 'node:crypto';
import { readable, type Env, type Refuse, type Rule, type Setting } from './parse';
import { KEY_NAMES } from './secrets';
import type { SigningAccount } from './types';

export const API_KEY: Setting = {
  name: 'CARDPLUSPAY_API_KEY',
  meaning: 'an active key of an account **without** signing',
  default: 'required with a base URL',
  parse(raw, { env, refuse }) {
    const apiKey = raw ?? '';
    if (env.CARDPLUSPAY_BASE_URL && !apiKey) {
      refuse(
        'is not set, but CARDPLUSPAY_BASE_URL is',
        'A real target needs an active key: export CARDPLUSPAY_API_KEY from your secrets store (never from a file in the repository).',
      );
    }
    return { apiKey };
  },
};

export const INACTIVE_API_KEY: Setting = {
  name: 'CARDPLUSPAY_INACTIVE_API_KEY',
  meaning: 'a revoked or inactive key',
  default: 'unset: AUTH-08 skipped, with the reason',
  parse(raw, { draft, refuse }) {
    const inactiveApiKey = raw || undefined;
    if (inactiveApiKey && inactiveApiKey === draft.apiKey) {
      refuse('is the same key as CARDPLUSPAY_API_KEY', 'Give a revoked or inactive key there, or unset it to skip AUTH-08.');
    }
    return { inactiveApiKey };
  },
};

export const SECOND_API_KEY: Setting = {
  name: 'CARDPLUSPAY_SECOND_API_KEY',
  meaning: 'an active key of a second account **without** signing, for AUTH-15 (cross-account orders)',
  default: 'unset: AUTH-15 skipped, with the reason',
  parse: (raw) => ({ secondApiKey: raw || undefined }),
};

export const SIGNING_API_KEY: Setting = {
  name: 'CARDPLUSPAY_SIGNING_API_KEY',
  meaning: 'key of an account with request signing on',
  default: 'unset: SIGN-* skipped, with the reason',
  parse: (_raw, { env, refuseAs }) => ({ signing: signingAccount(env, 'CARDPLUSPAY_SIGNING_API_KEY', 'CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE', refuseAs) }),
};

export const SIGNING_PRIVATE_KEY_FILE: Setting = {
  name: 'CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE',
  meaning: "PEM file with that account's RSA private key (unencrypted)",
  default: 'required with the signing key',
  readWith: SIGNING_API_KEY.name,
};

export const SECOND_SIGNING_API_KEY: Setting = {
  name: 'CARDPLUSPAY_SECOND_SIGNING_API_KEY',
  meaning: 'key of a second signing account, for SIGN-12',
  default: 'unset: SIGN-12 skipped',
  parse(_raw, { env, draft, refuse, refuseAs }) {
    const secondSigning = signingAccount(env, 'CARDPLUSPAY_SECOND_SIGNING_API_KEY', 'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE', refuseAs);
    if (secondSigning && !draft.signing) refuse('is set without CARDPLUSPAY_SIGNING_API_KEY', 'Configure the first signing account too, or unset it.');
    return { secondSigning };
  },
};

export const SECOND_SIGNING_PRIVATE_KEY_FILE: Setting = {
  name: 'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE',
  meaning: "PEM file with that account's RSA private key (unencrypted)",
  default: 'required with the second signing key',
  readWith: SECOND_SIGNING_API_KEY.name,
};

/** The inactive key may repeat the active one only to be refused as such (INACTIVE_API_KEY says why). */
export const KEYS_OF_THEIR_OWN: Rule = {
  rule: 'every key belongs to an account of its own',
  check({ env, refuseAs }) {
    const keyOwners = new Map<string, string>();
    for (const name of KEY_NAMES) {
      const value = env[name];
      if (!value) continue;
      const owner = keyOwners.get(value);
      if (owner && !(owner === API_KEY.name && name === INACTIVE_API_KEY.name))
        refuseAs(name, `is the same key as ${owner}`, 'Each setting needs a key of its own account.');
      keyOwners.set(value, owner ?? name);
    }
  },
};

function signingAccount(env: Env, keyName: string, fileName: string, refuse: Refuse): SigningAccount | undefined {
  const apiKey = env[keyName] || undefined;
  const file = env[fileName] || undefined;
  if (!apiKey && !file) return undefined;
  if (!apiKey) {
    refuse(keyName, `is not set, but ${fileName} is`, `Give the signing account's key too, or unset ${fileName}.`);
    return undefined;
  }
  if (!file) {
    refuse(fileName, `is not set, but ${keyName} is`, "Give the path of the signing account's RSA private key (PEM).");
    return undefined;
  }
  const pem = readable(file);
  if (pem === undefined) {
    refuse(fileName, `cannot be read (${file})`, 'Check the path and that the file is readable by this user.');
    return undefined;
  }
  if (/ENCRYPTED/.test(pem)) {
    refuse(fileName, 'holds an encrypted private key', 'Give an unencrypted PEM, e.g. `openssl pkey -in key.pem -out plain.pem`, kept outside the repository.');
    return undefined;
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch {
    refuse(fileName, 'holds no readable private key', 'Give a PEM file ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----").');
    return undefined;
  }
  if (key.asymmetricKeyType !== 'rsa') {
    refuse(
      fileName,
      `holds a ${key.asymmetricKeyType ?? 'non-RSA'} key, not an RSA key`,
      'Request signing is RSA-SHA256: give the RSA private key registered for the account.',
    );
    return undefined;
  }
  return { apiKey, privateKeyPem: pem, privateKeyFile: file };
}
