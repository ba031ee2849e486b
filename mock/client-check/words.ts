/**
 * The client's verdict in words: the console's closing lines and the Markdown matrix
 * (reports/client-conformance.md), laid out as the suite's own (helpers/reporting/verdict-words.ts,
 * requirement-matrix.ts), which the mock may not import. Pure functions of a ClientSummary.
 */
import type { ClientRequirementId } from '../../helpers/contract/requirements';
import type { ClientSummary } from './verdict';

/** "the client conforms", "the client does NOT conform: CLIENT-02 failed", "could not judge the client: ...". */
export function clientVerdictLine(s: ClientSummary): string {
  const ids = (Object.keys(s.requirements) as ClientRequirementId[]).filter((id) => s.requirements[id].level === 'must');
  const skipped = ids.filter((id) => s.requirements[id].status === 'skipped');
  const notJudged = s.notJudgedRequirements.length ? `; not judged: ${s.notJudgedRequirements.join(', ')}` : '';
  if (s.verdict === 'does-not-conform') return `the client does NOT conform: ${s.failedRequirements.join(', ')} failed${notJudged}`;
  if (s.verdict === 'could-not-judge') {
    const reasons = [...new Set(s.notJudgedRequirements.map((id) => s.requirements[id].reason ?? ''))];
    const what = s.notJudgedRequirements.length
      ? `${s.notJudgedRequirements.join(', ')} not judged (${reasons.slice(0, 2).join('; ')})`
      : 'no must requirement was judged';
    return `could not judge the client: ${what}`;
  }
  return `the client conforms${skipped.length ? `; skipped, so not checked: ${skipped.join(', ')}` : ''}`;
}

const seenWords = (s: ClientSummary): string =>
  `${s.seen.api} on the API, ${s.seen.plain} over plain HTTP, ${s.seen.impostorConnections} connection(s) and ${s.seen.impostor} request(s) on the impostor, ` +
  `${s.seen.trap} on the redirect trap and ${s.seen['trap-origin'] + s.seen['trap-plain']} followed from it`;

/** The closing lines: what was seen, the requirements, each failure with its evidence, the keys to rotate, the files, one verdict line. */
export function clientVerdictLines(s: ClientSummary, files: readonly string[]): string[] {
  const entries = Object.entries(s.requirements) as Array<[ClientRequirementId, ClientSummary['requirements'][ClientRequirementId]]>;
  const count = (status: string): number => entries.filter(([, v]) => v.status === status).length;
  return [
    '',
    `Client check: requests seen: ${seenWords(s)}.`,
    `Requirements: ${count('passed')} held, ${count('failed')} failed, ${count('not-judged')} not judged, ${count('skipped')} skipped.`,
    ...entries.flatMap(([id, v]) => {
      if (v.status === 'failed') return [`  FAILED ${id} (${v.level}): ${v.title}: ${v.seen}`, ...v.evidence.map((e) => `    ${e}`)];
      if (v.status === 'not-judged') return [`  NOT JUDGED ${id}: ${v.reason ?? ''}`];
      if (v.status === 'skipped') return [`  skipped ${id}: ${v.reason ?? ''}`];
      return [`  held ${id}: ${v.seen}`];
    }),
    ...s.rotate.map(
      (r) =>
        `ROTATE the key of account ${r.account}: ${r.how.join('; ')}. (The mock's keys are throwaway; with a real key, create a new one in the Dashboard and revoke the old.)`,
    ),
    `Reports: ${files.join(', ')} (npm run report shows the Allure results).`,
    `Verdict: ${clientVerdictLine(s)}.`,
    '',
  ];
}

/** Text for a Markdown line or table cell, shown as written: evidence quotes the client, so nothing may become markup. */
function md(text: unknown): string {
  return String(text)
    .replace(/[\\`*_{}[\]()#!<>|~]/g, (c) => `\\${c}`)
    .replace(/[\r\n]+/g, ' ');
}

const MARK = { passed: 'held', failed: '**FAILED**', skipped: 'skipped', 'not-judged': '*not judged*' } as const;

/** The client's requirement matrix as Markdown, with each failure's evidence under it. */
export function clientMarkdown(s: ClientSummary): string {
  const entries = Object.entries(s.requirements) as Array<[ClientRequirementId, ClientSummary['requirements'][ClientRequirementId]]>;
  const lines = [
    `# CardPlusPay client check: ${md(clientVerdictLine(s))}`,
    '',
    `Verdict: \`${s.verdict}\` (exit status ${s.exitStatus}).`,
    '',
    `Watched from ${md(s.startedAt)} to ${md(s.judgedAt)}; requests seen: ${md(seenWords(s))}.`,
    `Traps: impostor ${s.setup.impostor ? 'on' : 'off'}, redirect trap ${s.setup.redirectTrap ? 'on' : 'off'}, rate limit ${s.setup.rateLimit === null ? 'off' : `${md(s.setup.rateLimit)} a second`}.`,
    '',
    '| requirement | level | status | seen | failed | what was seen / why not judged |',
    '|---|---|---|---|---|---|',
    ...entries.map(([id, v]) => `| ${id} | ${v.level} | ${MARK[v.status]} | ${Number(v.tests)} | ${Number(v.failedTests)} | ${md(v.seen)} |`),
    ...entries.filter(([, v]) => v.evidence.length > 0).flatMap(([id, v]) => ['', `## ${id}: ${md(v.title)}`, '', ...v.evidence.map((e) => `- ${md(e)}`)]),
    ...(s.rotate.length
      ? [
          '',
          '## Keys to rotate',
          '',
          ...s.rotate.map((r) => `- ${md(r.account)}: ${md(r.how.join('; '))}. With a real key: create a new one in the Dashboard, revoke the old.`),
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
