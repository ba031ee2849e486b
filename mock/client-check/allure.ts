/**
 * The client's verdict as Allure results (reports/client-allure-results/, which `npm run report`
 * reads beside the suite's reports/allure-results/): one result per CLIENT requirement, grouped
 * under its own epic, each violation a failed step, a not-judged requirement a skip whose message
 * starts "not judged: " (the report's not-judged category); and one "Client verdict" result that
 * heads the tree as the suite's requirement matrix does. All are tagged `client`, which allurerc.ts
 * files under a category of their own. Files as name and text:
 * the writer (write.ts) makes the last pass over them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AREAS, REQUIREMENTS, type ClientRequirementId } from '../../helpers/contract/requirements';
import type { ClientSummary } from './verdict';
import { clientMarkdown, clientVerdictLine } from './words';

export interface OutputFile {
  name: string;
  text: string;
}

const VERDICT_EPIC = '0. Client verdict';

const html = (s: unknown): string => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const historyId = (what: string): string => createHash('md5').update(`cardpluspay-client-check:${what}`).digest('hex');

export function clientAllureResults(s: ClientSummary): OutputFile[] {
  const start = Date.parse(s.startedAt);
  const stop = Date.parse(s.judgedAt);
  const files: OutputFile[] = [];
  for (const [id, v] of Object.entries(s.requirements) as Array<[ClientRequirementId, ClientSummary['requirements'][ClientRequirementId]]>) {
    const uuid = randomUUID();
    const message =
      v.status === 'failed'
        ? v.seen
        : v.status === 'not-judged'
          ? `not judged: ${v.reason ?? ''}`
          : v.status === 'skipped'
            ? (v.reason ?? 'skipped')
            : undefined;
    const result = {
      uuid,
      historyId: historyId(id),
      testCaseId: historyId(id),
      fullName: `client-check: ${id}`,
      name: `${id} ${v.title}`,
      status: v.status === 'not-judged' ? 'skipped' : v.status,
      statusDetails: message ? { message } : {},
      stage: 'finished',
      start,
      stop,
      description: v.seen,
      labels: [
        { name: 'epic', value: AREAS.CLIENT },
        { name: 'feature', value: `${id} ${v.title}` },
        { name: 'parentSuite', value: AREAS.CLIENT },
        { name: 'suite', value: id },
        { name: 'severity', value: v.level === 'must' ? 'critical' : 'normal' },
        { name: 'tag', value: id },
        { name: 'tag', value: 'client' },
        { name: 'tag', value: v.level },
      ],
      links: [{ name: `docs: ${id}`, url: REQUIREMENTS[id].docs, type: 'link' }],
      parameters: [],
      attachments: [],
      steps: v.evidence.map((e) => ({
        name: e,
        status: 'failed',
        stage: 'finished',
        start,
        stop,
        statusDetails: {},
        steps: [],
        attachments: [],
        parameters: [],
      })),
    };
    files.push({ name: `${uuid}-result.json`, text: JSON.stringify(result) });
  }
  files.push(...verdictResult(s, start, stop));
  return files;
}

function verdictResult(s: ClientSummary, start: number, stop: number): OutputFile[] {
  const uuid = randomUUID();
  const mdFile = `${randomUUID()}-attachment.md`;
  const jsonFile = `${randomUUID()}-attachment.json`;
  const line = clientVerdictLine(s);
  const rows = Object.entries(s.requirements).map(
    ([id, v]) =>
      `<tr><td><b>${html(id)}</b></td><td>${html(v.level)}</td><td>${html(v.status)}</td><td>${html(v.seen)}</td></tr>` +
      (v.evidence.length ? `<tr><td></td><td colspan="3"><ul>${v.evidence.map((e) => `<li>${html(e)}</li>`).join('')}</ul></td></tr>` : ''),
  );
  const result = {
    uuid,
    historyId: historyId('verdict'),
    testCaseId: historyId('verdict'),
    fullName: 'client-check: verdict',
    name: `Client verdict: ${line}`,
    status: s.verdict === 'does-not-conform' ? 'failed' : s.verdict === 'could-not-judge' ? 'broken' : 'passed',
    statusDetails: { message: `${line.charAt(0).toUpperCase()}${line.slice(1)}.` },
    stage: 'finished',
    start,
    stop,
    descriptionHtml: [
      `<p><b>${html(line)}.</b></p>`,
      ...s.rotate.map((r) => `<p><b>Rotate the key of account ${html(r.account)}</b>: ${html(r.how.join('; '))}.</p>`),
      `<table><thead><tr><th>requirement</th><th>level</th><th>status</th><th>what was seen / why not judged</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    ].join('\n'),
    labels: [
      { name: 'epic', value: VERDICT_EPIC },
      { name: 'feature', value: 'Client verdict' },
      { name: 'parentSuite', value: VERDICT_EPIC },
      { name: 'suite', value: 'Client verdict' },
      { name: 'severity', value: 'blocker' },
      { name: 'tag', value: 'client' },
    ],
    links: [],
    parameters: [],
    steps: [],
    attachments: [
      { name: 'client requirement matrix (Markdown)', source: mdFile, type: 'text/markdown' },
      { name: 'client-conformance.json', source: jsonFile, type: 'application/json' },
    ],
  };
  return [
    { name: mdFile, text: clientMarkdown(s) },
    { name: jsonFile, text: `${JSON.stringify(s, null, 2)}\n` },
    { name: `${uuid}-result.json`, text: JSON.stringify(result) },
  ];
}
