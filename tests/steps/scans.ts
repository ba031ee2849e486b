/**
 * npm test's scans over every suite run's outputs, once the runs have ended: SAFE-01's leak scan of
 * what they wrote and printed, and SAFE-06's cookie scan of what the mocks received.
 */
import path from 'node:path';
import { BACKSTOP_MARK } from '../../helpers/reporting/output-backstop';
import { ROOT, type RunOutputs } from '../support/run-suite';
import { REPORT_CHECK_OUT } from './browser-check';
import { scanForSecrets } from './leak-scan';
import type { Recorder } from './shard-check';

/** SAFE-01's proof for the self-test: every secret of every run, searched in everything the runs wrote and printed. */
export function leakScan(record: Recorder, of: readonly RunOutputs[]): void {
  const secrets = of.flatMap((o) => o.secrets);
  const printed = Object.assign({}, ...of.map((o) => o.printed)) as Record<string, string>;
  // The browser check builds its report beside this scan, and scans that report itself.
  const hits = scanForSecrets([path.join(ROOT, 'reports'), path.join(ROOT, 'test-results')], secrets, printed, [REPORT_CHECK_OUT]);
  const scanned = `${of.length} checks' secrets over reports/ (but the browser check's report), test-results/ and ${Object.keys(printed).length} runs' output`;
  record(
    'no secret in reports, results or output',
    hits.length === 0,
    hits.length === 0 ? `scanned clean: ${scanned}` : `secrets found in: ${hits.join(', ')}`,
  );
  // The backstop masks what a sink leaked, so a clean scan alone could hide that sink.
  const backstopped = Object.entries(printed)
    .filter(([, text]) => text.includes(BACKSTOP_MARK))
    .map(([run]) => run);
  record(
    'no sink needed the backstop',
    backstopped.length === 0,
    backstopped.length === 0 ? 'every file was clean before the last pass' : `the backstop masked files in: ${backstopped.join(', ')}`,
  );
}

/** SAFE-06's proof for the self-test: no request of any run carried a cookie its check did not choose. */
export function cookieScan(record: Recorder, of: readonly RunOutputs[], cookieFaultAmongTargets: boolean): void {
  const requests = of.reduce((n, o) => n + o.cookies.requests, 0);
  const chosen = of.reduce((n, o) => n + o.cookies.chosen, 0);
  const ambient = of.flatMap((o) => o.cookies.ambient);
  const cookieFault = cookieFaultAmongTargets ? ', the cookie-setting fault among the targets' : '';
  record(
    'no request carried a cookie its check did not choose',
    ambient.length === 0,
    ambient.length === 0
      ? `${requests} requests in the mocks' journals, ${chosen} with a cookie a check chose (AUTH-09)${cookieFault}`
      : `${ambient.length} request(s) carried an ambient Cookie header: ${ambient.slice(0, 5).join(', ')}`,
  );
}
