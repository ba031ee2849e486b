/** The bench's crypto section: the signer's signatures/s and the mock's verifications/s, each against node:crypto's (crypto-rates.ts). */
import path from 'node:path';
import type { CryptoRates } from './crypto-rates';
import { figure, progress } from './figures';
import { forkTs } from './measure';
import type { Options } from './options';

export async function cryptoRates(options: Options): Promise<void> {
  const runs: CryptoRates[] = [];
  for (let i = 0; i < options.repeat; i++) {
    const child = forkTs(path.join(__dirname, 'crypto-rates.ts'), [String(options.cryptoMs)]);
    runs.push(
      await new Promise<CryptoRates>((resolve, reject) => {
        child.once('message', (m) => resolve(m as CryptoRates));
        child.once('exit', (code) => reject(new Error(`crypto-rates exited ${code} without a result`)));
      }),
    );
    progress(
      `  crypto ${i + 1}/${options.repeat}: signer ${Math.round(runs.at(-1)!.signerPerSecond)}/s, mock verify ${Math.round(runs.at(-1)!.mockVerifyPerSecond)}/s`,
    );
  }
  figure({
    name: 'signer signatures (signChallenge)',
    unit: '/s',
    runs: runs.map((r) => r.signerPerSecond),
    reference: { name: 'node:crypto sign', runs: runs.map((r) => r.cryptoSignPerSecond) },
    note: 'RSA-2048; includes registering each signature with the redactor',
  });
  figure({
    name: "mock's verify (RequestSigning.verify)",
    unit: '/s',
    runs: runs.map((r) => r.mockVerifyPerSecond),
    reference: { name: 'node:crypto verify', runs: runs.map((r) => r.cryptoVerifyPerSecond) },
    note: 'accepted signed requests: header checks, challenge lookup and single-use marking included',
  });
}
