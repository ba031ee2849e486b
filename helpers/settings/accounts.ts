/** The accounts the suite acts as: the active, inactive and second keys, and the signing accounts. */
import crypto from 'node:crypto';
import { readable, type Env, type Refuse } from './parse';

export interface SigningAccount {
  apiKey: string;
  privateKeyPem: string;
  privateKeyFile: string;
}

export function signingAccount(env: Env, keyName: string, fileName: string, refuse: Refuse): SigningAccount | undefined {
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
    refuse(fileName, `holds a ${key.asymmetricKeyType ?? 'non-RSA'} key, not an RSA key`, 'Request signing is RSA-SHA256: give the RSA private key registered for the account.');
    return undefined;
  }
  return { apiKey, privateKeyPem: pem, privateKeyFile: file };
}
