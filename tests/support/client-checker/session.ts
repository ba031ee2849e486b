/**
 * One client checked in-process, as `npm run mock -- --check-client` would check it: a checker with
 * the traps a case asks for, the mock it watches, and what a client is given (the URLs, the CA, the
 * keys), then the verdict, written into the case's own reports folder.
 */
import type { MockMaterial } from '../../../mock/accounts';
import { ClientChecker, type Judged } from '../../../mock/client-check/checker';
import { MOCK_TTL_SECONDS, startMock } from '../../../mock/server';

export interface Setup {
  impostor?: boolean;
  redirectTrap?: boolean;
  rateLimit?: number;
  ttlSeconds?: number;
}

/** What a client is pointed at: what the checker prints for a user. */
export interface ClientEnv {
  base: string;
  plain: string;
  impostor: string;
  trap: string;
  ca: string;
  key: string;
  revokedKey: string;
  signingKey: string;
  signingPem: string;
  ttlSeconds: number;
  rateLimit: number;
}

export interface Session {
  env: ClientEnv;
  /** The verdict, written; the checker and the mock closed. */
  finish(): Promise<Judged>;
  /** The signatures the clients sent, for the leak scan. */
  signatures(): string[];
}

export async function startSession(material: MockMaterial, impostorTls: MockMaterial['tls'], setup: Setup, reportsDir: string): Promise<Session> {
  const checker = new ClientChecker(material, {
    ...(setup.impostor ? { impostor: impostorTls } : {}),
    redirectTrap: !!setup.redirectTrap,
    rateLimit: setup.rateLimit,
    reportsDir,
  });
  const ttlSeconds = setup.ttlSeconds ?? MOCK_TTL_SECONDS;
  const mock = await startMock({ material, challengeTtlSeconds: ttlSeconds, watcher: checker.watcher });
  const urls = await checker.listen(mock.baseUrl);
  const { accounts } = material;
  return {
    env: {
      base: mock.baseUrl,
      plain: mock.httpUrl,
      impostor: urls.impostorUrl ?? '',
      trap: urls.trapUrl ?? '',
      ca: material.tls.certPem,
      key: accounts.active.key,
      revokedKey: accounts.inactive.key,
      signingKey: accounts.signing.key,
      signingPem: accounts.signing.signing!.privateKeyPem,
      ttlSeconds,
      rateLimit: setup.rateLimit ?? 0,
    },
    finish: async () => {
      // A connection the client dropped may still be closing: its refusal counts once it has closed.
      await checker.settled();
      try {
        return checker.judge();
      } finally {
        await Promise.all([checker.close(), mock.close()]);
      }
    },
    signatures: () => mock.signaturesSeen(),
  };
}
