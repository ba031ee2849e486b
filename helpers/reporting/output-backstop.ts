/**
 * The last pass over everything a run wrote (SAFE-01's backstop). Listed last among the reporters,
 * so it runs after every other reporter has written its files: it reads each file under the run's
 * output folders as bytes, masks any secret the redactor knows in any encoding, and rewrites what
 * changed. A sink added later that forgets to redact still leaks nothing; and because finding
 * something here means such a sink exists, it says so on stderr (file names only), which the
 * self-test treats as a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig, Reporter } from '@playwright/test/reporter';
import { secretsFromEnv } from '../settings/secrets';
import { redactor, type Redactor } from '../safety/redact';

/** What the self-test looks for in a run's output: a sink that needed the backstop. */
export const BACKSTOP_MARK = 'Backstop redaction masked a secret in';

/** Files under the given files and folders whose bytes held a secret, rewritten redacted. */
export function redactOutputs(paths: readonly string[], using: Pick<Redactor, 'redactBytes'> = redactor): string[] {
  const masked: string[] = [];
  const visit = (p: string): void => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
      return;
    }
    if (!stat.isFile()) return;
    const data = fs.readFileSync(p);
    const clean = using.redactBytes(data);
    if (clean !== data && !clean.equals(data)) {
      fs.writeFileSync(p, clean);
      masked.push(p);
    }
  };
  for (const p of new Set(paths.map((x) => path.resolve(x)))) visit(p);
  return masked;
}

export default class OutputBackstop implements Reporter {
  private paths: string[];

  constructor(options: { paths?: readonly string[] } = {}) {
    this.paths = [...(options.paths ?? [])];
    for (const secret of secretsFromEnv()) redactor.add(secret);
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig): void {
    this.paths.push(...config.projects.map((p) => p.outputDir));
  }

  onEnd(): void {
    const masked = redactOutputs(this.paths);
    if (masked.length > 0) {
      process.stderr.write(
        `${BACKSTOP_MARK} ${masked.length} file(s) no earlier redaction caught: ${masked.map((f) => path.relative(process.cwd(), f)).join(', ')}. A sink writes unredacted text: please report it.\n`,
      );
    }
  }
}
