/**
 * What an exchange or a handshake trusts: Node's root store plus the configured CA, as a TLS
 * context built once per process for each trust and protocol choice. Building one parses the ~150
 * root certificates, about 0.1 CPU-second; a worker of the fault self-test opens a dozen targets
 * that all trust the embedded mock's CA, and TLS-04's probes handshake again and again.
 */
import tls from 'node:tls';

/** What a handshake may narrow besides the trust (TLS-04's legacy probes). */
export type ProtocolChoice = Pick<tls.SecureContextOptions, 'minVersion' | 'maxVersion' | 'ciphers'>;

const contexts = new Map<string, tls.SecureContext>();

/**
 * Node's root store plus the configured CA: the only trust the suite has. Given explicitly, so
 * NODE_EXTRA_CA_CERTS (which Node adds to its default store) widens nothing unseen: a private CA
 * is trusted only through CARDPLUSPAY_CA_FILE.
 */
export function trustContext(caPem: string | undefined, choice: ProtocolChoice = {}): tls.SecureContext {
  const key = JSON.stringify([caPem ?? null, choice.minVersion ?? null, choice.maxVersion ?? null, choice.ciphers ?? null]);
  let context = contexts.get(key);
  if (!context) {
    context = tls.createSecureContext({
      ca: caPem ? [...tls.rootCertificates, caPem] : [...tls.rootCertificates],
      ...(choice.minVersion ? { minVersion: choice.minVersion } : {}),
      ...(choice.maxVersion ? { maxVersion: choice.maxVersion } : {}),
      ...(choice.ciphers ? { ciphers: choice.ciphers } : {}),
    });
    contexts.set(key, context);
  }
  return context;
}
