/**
 * SAFE-09 for every report built through the project's Allure config: `npm run report`, CI's
 * merged report, the self-test's, and what Allure's own docs teach (`npx allure generate --config
 * allurerc.ts …`, `allure open`/`allure serve` over results, `allure watch`, `allure run`). All of
 * them read `plugins` from the config and run each plugin's hooks in the order the config lists
 * them, so a plugin after the report plugins sees their pages on disk as soon as they are written
 * (`update` in watch mode, `done` when the report is built) and strips the analytics from them
 * (strip-analytics.ts) before Allure moves them into place, writes the history or serves them.
 *
 * A page that cannot be cleaned is deleted and the process exits 1: Allure catches a plugin's
 * error and logs it, and its CLI then exits 0, so a thrown error would pass a build that calls out.
 *
 * Not covered: `allure awesome`, `allure classic`, `allure dashboard` and `allure allure2` replace
 * the config's plugins with their own, so a report built that way keeps the analytics.
 */
import path from 'node:path';
import type { AllureConfig } from 'allure';
import { stripReport } from './strip-analytics';

type PluginDescriptors = NonNullable<AllureConfig['plugins']>;

/**
 * The module Allure imports for this plugin. Allure loads a plugin with Node's own `import()`,
 * which cannot read TypeScript on Node 20, so the entry is a plain ES module that loads this file
 * through tsx.
 */
const ENTRY = path.join(__dirname, 'offline-report-plugin.entry.mjs');

/** The part of Allure's PluginContext (@allurereport/plugin-api) this plugin reads. */
interface ReportContext {
  /** The report's output folder, with each plugin's files under its id until Allure flattens it. */
  readonly output: string;
}

/** @public Constructed by Allure from the config, through offline-report-plugin.entry.mjs. */
export class OfflineReportPlugin {
  async update(context: ReportContext): Promise<void> {
    strip(context.output);
  }

  async done(context: ReportContext): Promise<void> {
    strip(context.output);
  }
}

function strip(output: string): void {
  const problems = stripReport(output);
  if (problems.length === 0) return;
  process.stderr.write(
    `${problems.join('\n')}\nThe report would call out when opened (SAFE-09): Allure's template has changed; update helpers/reporting/strip-analytics.ts.\n`,
  );
  process.exit(1);
}

/**
 * The config's report plugins followed by this one, which must come after every plugin that writes
 * pages (Allure runs them in this order).
 */
export function withOfflineReport(plugins: PluginDescriptors): PluginDescriptors {
  return { ...plugins, offline: { import: ENTRY } };
}
