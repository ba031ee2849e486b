/**
 * A throwaway certificate for 127.0.0.1 and localhost that the unit-test workers trust, so tests
 * can run local HTTPS servers and talk to them with certificate checks on, through Playwright's
 * APIRequestContext too (which trusts only Node's store plus NODE_EXTRA_CA_CERTS). Node reads
 * NODE_EXTRA_CA_CERTS once at process start, so the global setup sets it before any worker starts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tlsMaterial } from '../../mock/accounts';
import { makePrivateDir } from '../../mock/private-dir';

export interface UnitTls {
  certPem: string;
  keyPem: string;
  /** The certificate as a PEM file: a CA file for the transport helpers. */
  caFile: string;
}

/** Playwright global setup: makes the certificate and trusts it for the workers; returns the teardown. */
export default async function trustUnitCertificate(): Promise<() => void> {
  if (process.env.UNIT_TLS_DIR) return () => undefined;
  const tls = await tlsMaterial();
  const dir = makePrivateDir('cardpluspay-unit-tls-');
  dir.write('cert.pem', tls.certPem);
  dir.write('key.pem', tls.keyPem);
  // Keep whatever the user already trusts (a corporate proxy's CA) alongside ours.
  const already =
    process.env.NODE_EXTRA_CA_CERTS && fs.existsSync(process.env.NODE_EXTRA_CA_CERTS) ? fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8') : '';
  process.env.NODE_EXTRA_CA_CERTS = dir.write('trusted.pem', `${already}\n${tls.certPem}`);
  process.env.UNIT_TLS_DIR = dir.path;
  return () => dir.remove();
}

/** The certificate the global setup made; for tests. */
export function unitTls(): UnitTls {
  const dir = process.env.UNIT_TLS_DIR;
  if (!dir) throw new Error('UNIT_TLS_DIR is not set: run the unit tests through tests/configs/unit.config.ts, whose global setup makes the certificate.');
  const caFile = path.join(dir, 'cert.pem');
  return { certPem: fs.readFileSync(caFile, 'utf8'), keyPem: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), caFile };
}
