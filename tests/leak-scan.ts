/**
 * SAFE-01's proof: every file a run wrote, and everything it printed, is searched for each secret
 * in every encoding (raw, URL-encoded, Base64, hex, PEM lines, 12-character pieces in any case).
 * A hit names the file, never the secret.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Redactor } from '../helpers/redact';

export function scanForSecrets(dirs: readonly string[], secrets: readonly string[], texts: Record<string, string> = {}): string[] {
  const finder = new Redactor(secrets);
  const hits: string[] = [];
  const visit = (p: string): void => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
      return;
    }
    const content = fs.readFileSync(p);
    if (finder.findsSecretIn(content.toString('utf8')) || finder.findsSecretIn(content.toString('latin1'))) hits.push(path.relative(process.cwd(), p));
  };
  for (const dir of dirs) visit(dir);
  for (const [name, text] of Object.entries(texts)) if (finder.findsSecretIn(text)) hits.push(name);
  return hits;
}
