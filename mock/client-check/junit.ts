/**
 * The client's verdict as JUnit XML (reports/client-junit.xml), for CI systems: one test case per
 * CLIENT requirement, failed with its evidence, skipped with its reason; a requirement not judged
 * is a skip with a `not-judged` property, as in the suite's JUnit.
 */
import type { ClientRequirementId } from '../../helpers/contract/requirements';
import type { ClientSummary } from './verdict';

const xml = (s: unknown): string =>
  String(s)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function clientJunit(s: ClientSummary): string {
  const entries = Object.entries(s.requirements) as Array<[ClientRequirementId, ClientSummary['requirements'][ClientRequirementId]]>;
  const failures = entries.filter(([, v]) => v.status === 'failed').length;
  const skipped = entries.filter(([, v]) => v.status === 'skipped' || v.status === 'not-judged').length;
  const cases = entries.map(([id, v]) => {
    const open = `    <testcase name="${xml(`${id} ${v.title}`)}" classname="client-check" time="0">`;
    if (v.status === 'failed')
      return `${open}\n      <failure message="${xml(v.seen)}" type="does-not-conform">${xml(v.evidence.join('\n'))}</failure>\n    </testcase>`;
    if (v.status === 'not-judged')
      return `${open}\n      <properties><property name="not-judged" value="${xml(v.reason)}"/></properties>\n      <skipped message="${xml(`not judged: ${v.reason ?? ''}`)}"/>\n    </testcase>`;
    if (v.status === 'skipped') return `${open}\n      <skipped message="${xml(v.reason)}"/>\n    </testcase>`;
    return `${open}\n      <system-out>${xml(v.seen)}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="CardPlusPay client check" tests="${entries.length}" failures="${failures}" skipped="${skipped}" errors="0" time="0">`,
    `  <testsuite name="client-check" timestamp="${xml(s.judgedAt)}" tests="${entries.length}" failures="${failures}" skipped="${skipped}" errors="0" time="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
