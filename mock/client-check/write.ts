/**
 * Writes the client's verdict in every form: reports/client-conformance.json and .md,
 * reports/client-junit.xml and reports/client-allure-results/ (replaced whole, so a report never
 * mixes two checks). Every file passes the last pass first (KeyRing.leaks): the evidence never held
 * a key in the first place, and a file that would hold one anyway is not written; the writer
 * throws, naming the file and never the key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { clientAllureResults, type OutputFile } from './allure';
import { clientJunit } from './junit';
import type { KeyRing } from './key-ring';
import type { ClientSummary } from './verdict';
import { clientMarkdown } from './words';

export const CLIENT_OUTPUTS = {
  json: 'client-conformance.json',
  md: 'client-conformance.md',
  junit: 'client-junit.xml',
  allure: 'client-allure-results',
} as const;

export class KeyInOutput extends Error {
  override name = 'KeyInOutput';
  constructor(readonly file: string) {
    super(`Refused to write ${file}: it would hold one of the mock's keys (a bug in the client checker; nothing was written there).`);
  }
}

/** Writes every form into `dir`; returns the paths written, as shown to the user. */
export function writeClientReports(s: ClientSummary, dir: string, keys: KeyRing): string[] {
  const top: OutputFile[] = [
    { name: CLIENT_OUTPUTS.json, text: `${JSON.stringify(s, null, 2)}\n` },
    { name: CLIENT_OUTPUTS.md, text: clientMarkdown(s) },
    { name: CLIENT_OUTPUTS.junit, text: clientJunit(s) },
  ];
  const allure = clientAllureResults(s);
  // Every file is checked before any is written: a verdict is written whole or not at all.
  for (const f of [...top, ...allure]) if (keys.leaks(f.text)) throw new KeyInOutput(f.name);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of top) fs.writeFileSync(path.join(dir, f.name), f.text);
  const allureDir = path.join(dir, CLIENT_OUTPUTS.allure);
  fs.rmSync(allureDir, { recursive: true, force: true });
  fs.mkdirSync(allureDir, { recursive: true });
  for (const f of allure) fs.writeFileSync(path.join(allureDir, f.name), f.text);
  return [...top.map((f) => path.join(dir, f.name)), `${allureDir}/`];
}
