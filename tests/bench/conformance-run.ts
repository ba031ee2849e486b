/**
 * What the remote and breakdown sections share about one `npm run conformance`: the environment it
 * starts from, and the summary it wrote (reports/conformance-summary.json, docs/interface.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Summary } from '../../helpers/reporting/summary';
import { cleanEnv } from '../../helpers/runner/env';
import { ROOT } from '../support/run-suite';

export const REPORTS = path.join(ROOT, 'reports');
export const SUMMARY_FILE = path.join(REPORTS, 'conformance-summary.json');

/**
 * The settings of how many requests a run keeps in flight, passed through from the bench's own
 * environment (cleanEnv drops every other CARDPLUSPAY_ name): a figure whose reference assumes a
 * concurrency must be measured with it. CARDPLUSPAY_CONCURRENCY may not exist yet in the suite;
 * set without it, the run is refused (exit 2) and the bench says so.
 */
const PASSED_THROUGH = ['CARDPLUSPAY_CONCURRENCY', 'CARDPLUSPAY_WORKERS'];

/** Requests in flight the remote references assume: CARDPLUSPAY_CONCURRENCY, else 8. */
export function concurrency(): number {
  const n = Number(process.env.CARDPLUSPAY_CONCURRENCY ?? 8);
  return Number.isFinite(n) && n >= 1 ? n : 8;
}

export function runEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const passed = Object.fromEntries(PASSED_THROUGH.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]));
  return { ...cleanEnv(), ...passed, ...extra };
}

/** This run's summary: undefined when the file is missing or older than the run (a run that wrote none). */
export function freshSummary(startedAtMs: number): Summary | undefined {
  try {
    if (fs.statSync(SUMMARY_FILE).mtimeMs < startedAtMs) return undefined;
    return JSON.parse(fs.readFileSync(SUMMARY_FILE, 'utf8')) as Summary;
  } catch {
    return undefined;
  }
}

/** A run's outcome in a few words, for the notes: verdict, not-judged tests, failed tests. */
export function outcome(summary: Summary | undefined): string {
  if (!summary) return 'no summary';
  const extra = [summary.totals.notJudged ? `${summary.totals.notJudged} not judged` : '', summary.totals.failed ? `${summary.totals.failed} failed` : ''];
  return [summary.verdict, ...extra.filter(Boolean)].join(', ');
}
