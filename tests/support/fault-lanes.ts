/**
 * How the fault self-test's targets become Playwright projects. Made once, by tests/run-self-test.ts,
 * and handed to tests/configs/faults.config.ts as JSON: the config is loaded again in every worker, which
 * then need not load the mock's fault catalogue.
 *
 * Starting a worker costs 1-3 CPU-seconds (mostly Playwright's own modules), more than most
 * targets' tests take, and a worker serves one project only. So every target shares a project, a
 * lane, with targets whose checks do not overlap, each test running against the target of its
 * requirement (targetOf in helpers/settings/targets.ts), with that target's own test timeout (a
 * hang, throttling; helpers/fixtures.ts). The requirement broken by most faults sets how many lanes
 * there are; the conformant target, which runs every spec, is planned one requirement at a time, so
 * its checks fill the lanes the faults left light instead of keeping workers of its own.
 */
import type { TargetOptions } from '../../helpers/settings/targets';
import { TARGET_REQUIREMENTS, areaOf } from '../../helpers/contract/requirements';
import type { MockTarget } from '../../helpers/runner/embedded-mock';
import { FAULTS } from '../../mock/faults';

export interface ProjectPlan {
  name: string;
  /** The requirement ids whose specs the project runs. */
  ids: string[];
  workers: number;
  use: TargetOptions;
}

const CONFORMANT = 'conformant';

/** Conformant targets in another plain-HTTP mode only need the transport checks. */
const TRANSPORT_IDS = TARGET_REQUIREMENTS.filter((id) => areaOf(id) === 'TLS');

/** One embedded target and the requirement ids whose specs run against it. */
interface Item {
  target: string;
  ids: readonly string[];
}

/**
 * Each item, in order, joins the lightest lane (fewest requirement ids) that has none of its ids;
 * a new lane only when none does. The first items land in the first lanes, which start first.
 */
function lanesOf(items: readonly Item[]): Item[][] {
  const lanes: Array<{ items: Item[]; ids: Set<string> }> = [];
  for (const item of items) {
    const fitting = lanes.filter((l) => item.ids.every((id) => !l.ids.has(id)));
    const lane = fitting.reduce<(typeof lanes)[number] | undefined>((best, l) => (best && best.ids.size <= l.ids.size ? best : l), undefined);
    if (lane) {
      lane.items.push(item);
      for (const id of item.ids) lane.ids.add(id);
    } else lanes.push({ items: [item], ids: new Set(item.ids) });
  }
  return lanes.map((l) => l.items);
}

/** The targets as lanes: the faults (those that mostly wait first, so their waits overlap the others' work), the plain-HTTP modes, the conformant target. */
function itemsOf(targets: readonly MockTarget[]): Item[] {
  // A fault may run as several targets (one per seed): each target is planned by its own name.
  const faulty = targets.flatMap((t) => (t.fault ? [{ target: t.name, ids: FAULTS[t.fault].runs, waits: FAULTS[t.fault].waits }] : []));
  return [
    ...faulty.filter((t) => t.waits),
    ...faulty.filter((t) => !t.waits),
    ...targets.filter((t) => !t.fault && t.name !== CONFORMANT).map((t) => ({ target: t.name, ids: TRANSPORT_IDS })),
    // Every test names one requirement, so a requirement's tests against the conformant target all run in one lane.
    ...(targets.some((t) => t.name === CONFORMANT) ? TARGET_REQUIREMENTS.map((id) => ({ target: CONFORMANT, ids: [id] })) : []),
  ];
}

export function faultProjects(targets: readonly MockTarget[]): ProjectPlan[] {
  // One worker each: the run's other worker slots go on with the next lane.
  return lanesOf(itemsOf(targets)).map((lane, i) => ({
    name: `lane-${i + 1}`,
    ids: lane.flatMap((item) => item.ids),
    workers: 1,
    use: { targetByRequirement: Object.fromEntries(lane.flatMap((item) => item.ids.map((id) => [id, item.target]))) },
  }));
}
