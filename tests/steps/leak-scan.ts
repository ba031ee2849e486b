/**
 * SAFE-01's proof in `npm test`: every file a run wrote, and everything it printed, is searched
 * for each secret in every encoding by tests/support/leak-detector.ts, which shares no code with
 * the redactor it checks. A hit names the file and the encoding, never the secret.
 */
import { detectLeaks } from '../support/leak-detector';

export function scanForSecrets(
  dirs: readonly string[],
  secrets: readonly string[],
  texts: Record<string, string> = {},
  except: readonly string[] = [],
): string[] {
  return detectLeaks(dirs, secrets, texts, except).map((leak) => `${leak.where} (${leak.encodings.join(', ')})`);
}
