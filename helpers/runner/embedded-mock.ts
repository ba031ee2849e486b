/**
 * Starts embedded mock instances for a run and describes them as settings: the keys, private-key
 * files and CA file are shared (one set of per-run secrets), each instance adds its own URLs.
 * Secret files live in a private temp directory that close() removes.
 */
import { createMockMaterial, type MockMaterial } from '../../mock/accounts';
import { FAULTS, type FaultName } from '../../mock/faults';
import { requestLedgerEnv } from '../settings/internal';
import { makePrivateDir } from '../../mock/private-dir';
import { MOCK_TTL_SECONDS, startMock, type MockHandle, type MockOptions } from '../../mock/server';

export interface MockTarget {
  name: string;
  fault?: FaultName;
  httpMode?: MockOptions['httpMode'];
  /** Each family's core only, nothing drawn: the self-test's targets of a family's faults (CARDPLUSPAY_MOCK_CORE_ONLY). */
  coreOnly?: boolean;
}

export interface EmbeddedMocks {
  material: MockMaterial;
  handles: Map<string, MockHandle>;
  /** Settings every target shares (keys, key files, CA, lifetime). */
  sharedEnv: Record<string, string>;
  /** Per target: its base, plain-HTTP and control URLs. */
  targetEnv: Record<string, Record<string, string>>;
  secrets: string[];
  close(): Promise<void>;
}

export async function startEmbeddedMocks(targets: readonly MockTarget[], ttlSeconds = MOCK_TTL_SECONDS): Promise<EmbeddedMocks> {
  const material = await createMockMaterial();
  const dir = makePrivateDir('cardpluspay-mock-');
  const { accounts } = material;
  const caFile = dir.write('mock-ca.pem', material.tls.certPem);
  const sharedEnv: Record<string, string> = {
    CARDPLUSPAY_TARGET: 'mock',
    CARDPLUSPAY_API_KEY: accounts.active.key,
    CARDPLUSPAY_INACTIVE_API_KEY: accounts.inactive.key,
    CARDPLUSPAY_SECOND_API_KEY: accounts.second.key,
    CARDPLUSPAY_SIGNING_API_KEY: accounts.signing.key,
    CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE: dir.write('signing.pem', accounts.signing.signing!.privateKeyPem),
    CARDPLUSPAY_SECOND_SIGNING_API_KEY: accounts.signing2.key,
    CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE: dir.write('signing2.pem', accounts.signing2.signing!.privateKeyPem),
    CARDPLUSPAY_CA_FILE: caFile,
    CARDPLUSPAY_CHALLENGE_TTL_SECONDS: String(ttlSeconds),
  };
  const handles = new Map<string, MockHandle>();
  const targetEnv: Record<string, Record<string, string>> = {};
  const close = async (): Promise<void> => {
    await Promise.allSettled([...handles.values()].map((h) => h.close()));
    dir.remove();
  };
  try {
    for (const [i, target] of targets.entries()) {
      const handle = await startMock({ material, fault: target.fault, httpMode: target.httpMode, challengeTtlSeconds: ttlSeconds });
      handles.set(target.name, handle);
      targetEnv[target.name] = {
        CARDPLUSPAY_BASE_URL: handle.baseUrl,
        CARDPLUSPAY_HTTP_URL: handle.httpUrl,
        CARDPLUSPAY_MOCK_CONTROL_URL: handle.controlUrl,
        ...(target.fault ? { CARDPLUSPAY_MOCK_FAULT: target.fault, ...FAULTS[target.fault].settings } : {}),
        ...(target.coreOnly ? { CARDPLUSPAY_MOCK_CORE_ONLY: '1' } : {}),
        // Each target counts its own requests against its cap (SAFE-05); a runner may set its own.
        ...requestLedgerEnv(dir.write(`requests-${i}`, '')),
      };
    }
  } catch (error) {
    await close();
    throw error;
  }
  const secrets = [
    accounts.active.key,
    accounts.second.key,
    accounts.inactive.key,
    accounts.signing.key,
    accounts.signing2.key,
    accounts.signing.signing!.privateKeyPem,
    accounts.signing2.signing!.privateKeyPem,
    material.tls.keyPem,
  ];
  return { material, handles, sharedEnv, targetEnv, secrets, close };
}
