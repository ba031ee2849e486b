/**
 * TLS-01 and TLS-04: TLS handshakes pinned to one version, judged from the raw outcome (an alert,
 * the protocol a handshake settled on), which only node:tls tells.
 *
 * The handshakes go through the one egress (helpers/client/egress.ts): certificate checks are on
 * and nothing can turn them off; trust comes from Node's root store plus CARDPLUSPAY_CA_FILE.
 */
import type { Egress } from '../client/egress';
import type { HandshakeResult, PeerCertificate } from '../client/handshake';

export type LegacyTlsVersion = 'TLSv1' | 'TLSv1.1';

export const LEGACY_TLS_VERSIONS: ReadonlyArray<{ id: string; version: LegacyTlsVersion; title: string }> = [
  { id: 'tls1.0', version: 'TLSv1', title: 'TLS 1.0' },
  { id: 'tls1.1', version: 'TLSv1.1', title: 'TLS 1.1' },
];

/**
 * OpenSSL 3 at its default security level will not make a TLS 1.0/1.1 handshake at all (it refuses
 * the SHA-1 signatures those versions need): a legacy probe without this would be refused by the
 * local library, and TLS-04 would pass for the wrong reason. Level 0 lets the client offer and
 * accept everything the old versions need, so any refusal left is the server's.
 */
export const LEGACY_CLIENT_CIPHERS = 'DEFAULT@SECLEVEL=0';

/** TLS alert descriptions (RFC 8446 6, RFC 5246 7.2) that servers send when refusing a handshake. */
const ALERTS: Record<number, string> = {
  10: 'unexpected_message',
  40: 'handshake_failure',
  47: 'illegal_parameter',
  50: 'decode_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  112: 'unrecognized_name',
};

/** Certificate verification failures: the server had already agreed to the version when these arise. */
export const CERTIFICATE_ERRORS = /^(ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_|HOSTNAME_MISMATCH)/;
/** The local library declined before anything reached the server: says nothing about the server. */
const LOCAL_BEFORE_HELLO = /^ERR_SSL_(NO_PROTOCOLS_AVAILABLE|NO_CIPHERS_AVAILABLE|NO_CIPHER_MATCH|UNSUPPORTED_SSL_VERSION)$/;
/** The server answered with another version: it did not agree to the legacy one. */
const VERSION_MISMATCH = /^ERR_SSL_(UNSUPPORTED_PROTOCOL|WRONG_VERSION_NUMBER)$/;
/**
 * The local library balked at what the server sent after its ServerHello (the old SHA-1 key
 * exchange signature, a weak key, no secure renegotiation): the server had picked the old version.
 */
const LOCAL_AFTER_HELLO =
  /^ERR_SSL_(LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED|UNSAFE_LEGACY_RENEGOTIATION_DISABLED|DH_KEY_TOO_SMALL|EE_KEY_TOO_SMALL|CA_KEY_TOO_SMALL|CA_MD_TOO_WEAK)$/;

export type LegacyVerdict = 'refused' | 'accepted' | 'inconclusive';

export interface LegacyTlsResult {
  verdict: LegacyVerdict;
  /** In a reviewer's words: `refused: the server answered with alert 70 (protocol_version)`. */
  what: string;
  legacy: HandshakeResult;
  /** A modern handshake to the same place just before: proves the server was there to refuse. */
  control: HandshakeResult;
}

/**
 * Judges a handshake pinned to one legacy version, given a modern control handshake. Pure.
 * `refused` needs evidence the server declined: an alert, a reply in another version, a reset or
 * silence, while the control handshake worked. A completed handshake, or one that got as far as
 * the server's certificate or key exchange before the local library balked, means the server
 * agreed to the old version: `accepted`. Anything the local library decided alone is `inconclusive`.
 */
export function classifyLegacyHandshake(title: string, legacy: HandshakeResult, control: HandshakeResult): Omit<LegacyTlsResult, 'legacy' | 'control'> {
  if (!control.ok) {
    return {
      verdict: 'inconclusive',
      what: `a modern handshake failed too (${control.code}: ${control.message}), so the ${title} result says nothing about the server`,
    };
  }
  if (legacy.ok) return { verdict: 'accepted', what: `the server completed a ${title} handshake (${legacy.protocol}, cipher ${legacy.cipher})` };
  const alert = /SSL alert number (\d+)/.exec(legacy.message);
  if (alert) {
    const n = Number(alert[1]);
    return { verdict: 'refused', what: `refused: the server answered the ${title} ClientHello with alert ${n} (${ALERTS[n] ?? 'unknown'})` };
  }
  if (VERSION_MISMATCH.test(legacy.code)) return { verdict: 'refused', what: `refused: the server answered in another protocol version (${legacy.code})` };
  if (legacy.code === 'ECONNRESET' || legacy.code === 'EPIPE')
    return { verdict: 'refused', what: `refused: the server closed the connection during the ${title} handshake (${legacy.code})` };
  if (legacy.code === 'TIMEOUT') {
    return {
      verdict: 'refused',
      what: `refused: the server never answered the ${title} ClientHello, while a ${control.protocol} handshake just before succeeded at once`,
    };
  }
  if (LOCAL_BEFORE_HELLO.test(legacy.code)) {
    return { verdict: 'inconclusive', what: `the local TLS library would not offer ${title} (${legacy.code}), so nothing reached the server` };
  }
  if (CERTIFICATE_ERRORS.test(legacy.code) || LOCAL_AFTER_HELLO.test(legacy.code)) {
    return {
      verdict: 'accepted',
      what: `the server agreed to ${title} (the handshake reached ${CERTIFICATE_ERRORS.test(legacy.code) ? 'certificate verification' : 'the server key exchange'} before failing locally with ${legacy.code})`,
    };
  }
  return { verdict: 'inconclusive', what: `the ${title} handshake failed with ${legacy.code} (${legacy.message}), which tells neither way` };
}

/** TLS-04: a modern control handshake, then one pinned to `version` with the legacy-capable cipher list. */
export async function probeLegacyTls(egress: Egress, version: LegacyTlsVersion, title: string): Promise<LegacyTlsResult> {
  const control = await egress.handshake();
  const legacy = await egress.handshake({ minVersion: version, maxVersion: version, ciphers: LEGACY_CLIENT_CIPHERS });
  return { ...classifyLegacyHandshake(title, legacy, control), legacy, control };
}

/** A handshake as report text. */
export function describeHandshake(label: string, r: HandshakeResult): string {
  const peer = (p: PeerCertificate): string[] => [
    `  certificate subject: ${p.subject}`,
    `  issuer: ${p.issuer}`,
    `  valid until: ${p.validTo}`,
    `  names: ${p.altNames || '(none)'}`,
    `  sha256: ${p.fingerprint256}`,
  ];
  if (!r.ok)
    return [`${label}: failed with ${r.code}${r.protocol ? ` after settling on ${r.protocol}` : ''}: ${r.message}`, ...(r.peer ? peer(r.peer) : [])].join('\n');
  return [`${label}: ${r.protocol}, cipher ${r.cipher}`, ...peer(r.peer)].join('\n');
}
