/**
 * The requirement matrix (requirement x status, with skip reasons) in the forms a reviewer reads:
 * Markdown for reports/conformance-summary.md and CI summaries, HTML for the Allure report, and one
 * extra Allure result, "Requirement matrix", that carries both and sorts first in the report.
 * Everything written passes through the redactor, like every other report output.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { redactor } from '../safety/redact';
import { AREAS, REQUIREMENTS, areaOf, type RequirementId } from '../contract/requirements';
import type { RequirementVerdict, Summary } from './summary';
import { liveChallengesLines, verdictLine } from './verdict-words';

export interface MatrixRow {
  id: RequirementId;
  level: RequirementVerdict['level'];
  status: RequirementVerdict['status'];
  tests: number;
  failedTests: number;
  /** The requirement's title, or why it was skipped. */
  text: string;
}

/** The label every report view groups the matrix under; it sorts before the areas' names. */
const MATRIX_EPIC = '0. Conformance verdict';
export const MATRIX_NAME = 'Requirement matrix';

export function matrixRows(summary: Summary): MatrixRow[] {
  return (Object.entries(summary.requirements) as Array<[RequirementId, RequirementVerdict]>).map(([id, v]) => ({
    id,
    level: v.level,
    status: v.status,
    tests: v.tests,
    failedTests: v.failedTests,
    text: v.status === 'skipped' || v.status === 'not-judged' ? (v.reason ?? v.status) : REQUIREMENTS[id].title,
  }));
}

const MARK = { passed: 'held', failed: '**FAILED**', skipped: 'skipped', 'not-judged': '*not judged*' } as const;

function shardNote(summary: Summary): string[] {
  if (summary.shard) {
    return [
      `This is shard ${summary.shard.current}/${summary.shard.total} alone: requirements checked in other shards show as not selected. Merge the shards for the run's verdict (README, "CI").`,
      '',
    ];
  }
  if (summary.mergedShards) return [`Merged from ${summary.mergedShards} shards.`, ''];
  return [];
}

/**
 * Text for a Markdown line or table cell, shown as written: a reason may quote the target, and a
 * merged summary comes from another machine, so nothing in it may become a link, an image or markup.
 */
function md(text: unknown): string {
  return String(text)
    .replace(/[\\`*_{}[\]()#!<>|~]/g, (c) => `\\${c}`)
    .replace(/[\r\n]+/g, ' ');
}

/** The matrix as Markdown: what a reviewer reads without opening any test. */
export function matrixMarkdown(summary: Summary): string {
  const lines = [
    `# CardPlusPay conformance: ${md(verdictLine(summary))}`,
    '',
    `Verdict: \`${summary.verdict}\` (exit status ${summary.verdict === 'conforms' ? 0 : summary.verdict === 'does-not-conform' ? 1 : 3}).`,
    '',
    `Target: ${md(summary.target)} (${md(summary.baseUrl)}), started ${md(summary.startedAt)}.`,
    `Tests: ${md(summary.totals.passed)} passed, ${md(summary.totals.failed)} failed, ${md(summary.totals.notJudged ?? 0)} not judged, ${md(summary.totals.skipped)} skipped.`,
    ...liveChallengesLines(summary).map(md),
    '',
    ...shardNote(summary),
    '| requirement | level | status | tests | failed | what it checks / why skipped |',
    '|---|---|---|---|---|---|',
    ...matrixRows(summary).map((r) => `| ${r.id} | ${r.level} | ${MARK[r.status]} | ${Number(r.tests)} | ${Number(r.failedTests)} | ${md(r.text)} |`),
  ];
  return redactor.redact(`${lines.join('\n')}\n`);
}

/** Escapes text for HTML and XML attribute values. */
export const escape = (s: unknown): string => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

const STYLE = {
  passed: 'background:#e6f4ea;color:#1e6b34',
  failed: 'background:#fce8e6;color:#a50e0e;font-weight:bold',
  skipped: 'background:#f1f3f4;color:#5f6368',
  'not-judged': 'background:#fef7e0;color:#8a5a00;font-style:italic',
} as const;

/** The matrix as an HTML table, grouped by area, for the Allure report's description pane. */
function matrixHtml(summary: Summary): string {
  const rows = matrixRows(summary);
  const count = (s: MatrixRow['status']): number => rows.filter((r) => r.status === s).length;
  const cell = 'padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top';
  const body: string[] = [];
  let area = '';
  for (const r of rows) {
    const a = AREAS[areaOf(r.id)];
    if (a !== area) {
      area = a;
      body.push(`<tr><th colspan="5" style="${cell};padding-top:8px">${escape(a)}</th></tr>`);
    }
    body.push(
      `<tr><td style="${cell}"><b>${escape(r.id)}</b></td><td style="${cell}">${escape(r.level)}</td><td style="${cell};${STYLE[r.status]}">${MARK[r.status].replace(/\*/g, '')}</td>` +
        `<td style="${cell}">${r.failedTests ? `${escape(r.failedTests)}/${escape(r.tests)} failed` : `${escape(r.tests)} test${r.tests === 1 ? '' : 's'}`}</td><td style="${cell}">${escape(r.text)}</td></tr>`,
    );
  }
  const html = [
    `<p><b>${escape(capitalised(verdictLine(summary)))}.</b> Requirements: ${count('passed')} held, ${count('failed')} failed, ${count('not-judged')} not judged, ${count('skipped')} skipped.<br>`,
    `Target: ${escape(summary.target)} (${escape(summary.baseUrl)}); tests: ${escape(summary.totals.passed)} passed, ${escape(summary.totals.failed)} failed, ${escape(summary.totals.notJudged ?? 0)} not judged, ${escape(summary.totals.skipped)} skipped; started ${escape(summary.startedAt)}.</p>`,
    ...shardNote(summary)
      .filter(Boolean)
      .map((n) => `<p><i>${escape(n)}</i></p>`),
    // What needs a reviewer's attention first, above the full table.
    ...attention(rows),
    `<table style="border-collapse:collapse;font-size:13px"><thead><tr><th style="${cell}">requirement</th><th style="${cell}">level</th><th style="${cell}">status</th><th style="${cell}">tests</th><th style="${cell}">what it checks / why skipped</th></tr></thead><tbody>`,
    ...body,
    '</tbody></table>',
  ];
  return redactor.redact(html.join('\n'));
}

const capitalised = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

function attention(rows: readonly MatrixRow[]): string[] {
  const failed = rows.filter((r) => r.status === 'failed');
  const notJudged = rows.filter((r) => r.status === 'not-judged');
  const skipped = rows.filter((r) => r.status === 'skipped');
  if (failed.length + notJudged.length + skipped.length === 0) return ['<p>Every requirement held.</p>'];
  return [
    '<ul>',
    ...failed.map(
      (r) =>
        `<li style="${STYLE.failed}">FAILED ${escape(r.id)} (${escape(r.level)}): ${escape(REQUIREMENTS[r.id]?.title ?? '')}: ${escape(r.failedTests)} of ${escape(r.tests)} test(s) failed</li>`,
    ),
    ...notJudged.map((r) => `<li style="${STYLE['not-judged']}">NOT JUDGED ${escape(r.id)} (${escape(r.level)}): ${escape(r.text)}</li>`),
    ...skipped.map((r) => `<li style="${STYLE.skipped}">skipped ${escape(r.id)} (${escape(r.level)}): ${escape(r.text)}</li>`),
    '</ul>',
  ];
}

/**
 * Writes the matrix as one Allure result into `resultsDir`: status failed exactly when the target
 * does not conform (so it shows among the failures, named after the verdict), broken when it could
 * not be judged (SAFE-07: neither a pass nor a violation), labelled to sort first. Its history id is fixed, so the report's history tracks the verdict across runs.
 */
export function writeMatrixResult(summary: Summary, resultsDir: string): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  const uuid = randomUUID();
  const mdFile = `${randomUUID()}-attachment.md`;
  const jsonFile = `${randomUUID()}-attachment.json`;
  fs.writeFileSync(path.join(resultsDir, mdFile), matrixMarkdown(summary));
  fs.writeFileSync(path.join(resultsDir, jsonFile), redactor.redact(`${JSON.stringify(summary, null, 2)}\n`));
  const verdict = verdictLine(summary);
  const status = summary.verdict === 'does-not-conform' ? 'failed' : summary.verdict === 'could-not-judge' ? 'broken' : 'passed';
  const historyId = createHash('md5').update('cardpluspay-conformance:requirement-matrix').digest('hex');
  const result = {
    uuid,
    historyId,
    testCaseId: historyId,
    fullName: 'cardpluspay-conformance: requirement matrix',
    name: `${MATRIX_NAME}: ${verdict}`,
    status,
    statusDetails: { message: `${capitalised(verdict)}.` },
    stage: 'finished',
    start: Date.parse(summary.startedAt) || Date.now(),
    stop: Date.now(),
    descriptionHtml: matrixHtml(summary),
    labels: [
      { name: 'epic', value: MATRIX_EPIC },
      { name: 'feature', value: MATRIX_NAME },
      { name: 'parentSuite', value: MATRIX_EPIC },
      { name: 'suite', value: MATRIX_NAME },
      { name: 'severity', value: 'blocker' },
      { name: 'tag', value: 'verdict' },
    ],
    links: [],
    parameters: [],
    steps: [],
    attachments: [
      { name: 'requirement matrix (Markdown)', source: mdFile, type: 'text/markdown' },
      { name: 'conformance-summary.json', source: jsonFile, type: 'application/json' },
    ],
  };
  fs.writeFileSync(path.join(resultsDir, `${uuid}-result.json`), redactor.redact(JSON.stringify(result)));
}
