/**
 * Runs every client of clients.ts against a checker of its own, in a process started by
 * tests/steps/client-check.ts with the mock's material in CLIENT_CHECK_MATERIAL and its certificate
 * in NODE_EXTRA_CA_CERTS (the only way to make Playwright's request trust it, read once at start).
 * Prints one JSON line per result: `{"name", "ok", "detail"}`; the step records them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MockMaterial } from '../../../mock/accounts';
import { impostorTls } from '../../../mock/client-check/traps';
import type { ClientSummary } from '../../../mock/client-check/verdict';
import { detectLeaks } from '../leak-detector';
import { CLIENT_CASES, type ClientCase } from './clients';
import { startSession } from './session';

/** What is wrong with a client's verdict, if anything. */
function problemsWith(c: ClientCase, s: ClientSummary): string[] {
  const problems: string[] = [];
  if (s.verdict !== c.expect) problems.push(`verdict ${s.verdict}, expected ${c.expect}`);
  const failed = [...s.failedRequirements].sort().join(', ');
  if (failed !== [...c.breaks].sort().join(', ')) problems.push(`failed: ${failed || 'none'}; expected: ${c.breaks.join(', ') || 'none'}`);
  const evidence = c.breaks.flatMap((id) => s.requirements[id].evidence).join('\n');
  if (c.says && !c.says.test(evidence)) problems.push(`the evidence does not say ${String(c.says)}: ${evidence || 'none'}`);
  if (c.holdsAll) {
    const notHeld = Object.entries(s.requirements).filter(([, v]) => v.status !== 'passed');
    if (notHeld.length) problems.push(`not held: ${notHeld.map(([id, v]) => `${id} ${v.status} (${v.reason ?? v.seen})`).join('; ')}`);
  }
  return problems;
}

const slug = (name: string): string =>
  name
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

function say(name: string, ok: boolean, detail: string): void {
  process.stdout.write(`${JSON.stringify({ name, ok, detail })}\n`);
}

async function main(): Promise<void> {
  const materialFile = process.env.CLIENT_CHECK_MATERIAL;
  const outDir = process.env.CLIENT_CHECK_REPORTS;
  if (!materialFile || !outDir)
    throw new Error('run-clients.ts runs from tests/steps/client-check.ts, which sets CLIENT_CHECK_MATERIAL and CLIENT_CHECK_REPORTS');
  const material = JSON.parse(fs.readFileSync(materialFile, 'utf8')) as MockMaterial;
  const impostor = await impostorTls();
  const only = process.env.CLIENT_CHECK_ONLY ? new RegExp(process.env.CLIENT_CHECK_ONLY) : undefined;
  const signatures: string[] = [];
  for (const c of CLIENT_CASES.filter((c) => !only || only.test(c.name))) {
    const started = Date.now();
    const session = await startSession(material, impostor, c.setup, path.join(outDir, slug(c.name)));
    let error: string | undefined;
    try {
      await c.run(session.env);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const { summary } = await session.finish();
    signatures.push(...session.signatures());
    const problems = [...(error ? [`the client threw: ${error}`] : []), ...problemsWith(c, summary)];
    const caught = c.breaks.length ? `caught by ${summary.failedRequirements.join(', ')}` : summary.verdict;
    say(
      `client check: ${c.name} (${c.library})`,
      problems.length === 0,
      `${problems.length ? problems.join('; ') : caught} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  const secrets = [
    ...Object.values(material.accounts).flatMap((a) => [a.key, ...(a.signing ? [a.signing.privateKeyPem] : [])]),
    material.tls.keyPem,
    impostor.keyPem,
    ...signatures,
  ];
  const leaks = detectLeaks([outDir], secrets).map((l) => `${l.where} (${l.encodings.join(', ')})`);
  say(
    "no key, signature or private key in the client checker's reports",
    leaks.length === 0,
    leaks.length ? `found in: ${leaks.join(', ')}` : `scanned ${outDir} for ${secrets.length} secrets`,
  );
}

main().catch((error: unknown) => {
  say('client check', false, error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
