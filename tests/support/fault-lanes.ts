/**
 * How the fault self-test's targets become Playwright projects. Made once, by tests/run-self-test.ts,
 * and handed to tests/configs/faults.config.ts as JSON: the config is loaded again in every worker, which
 * then need not load the mock's fault catalogue.
 *
 * Starting a worker costs 1-3 CPU-seconds (mostly Playwright's own modules), more than most
 * targets' tests take, and a worker serves one project only. So targets whose checks do not
 * overlap share a project, a lane, each test running against the target of its requirement
 * (targetOf in helpers/settings/targets.ts); first fit, in catalogue order. A fault with its own test
 * timeout keeps a project of its own, and these go first, so that their waits overlap the lanes'
 * work. The conformant target runs every spec in a project of its own.
 */
import type { TargetOptions } from '../../helpers/settings/targets';
import { runLimits } from '../../helpers/settings/limits';
import { TARGET_REQUIREMENTS, areaOf } from '../../helpers/contract/requirements';
import type { MockTarget } from '../../helpers/runner/embedded-mock';
import { FAULTS, type FaultName } from '../../mock/faults';

export interface ProjectPlan {
  name: string;
  /** The requirement ids whose specs the project runs; every spec when absent. */
  ids?: string[];
  timeoutMs?: number;
  workers: number;
  use: TargetOptions;
}

const CONFORMANT = 'conformant';

/** Conformant targets in another plain-HTTP mode only need the transport checks. */
const TRANSPORT_IDS = TARGET_REQUIREMENTS.filter((id) => areaOf(id) === 'TLS');

/** How long a fault's tests may take, when its settings make it other than the default (a hang, throttling). */
function timeoutOf(fault: FaultName): number | undefined {
  const { settings } = FAULTS[fault];
  return Object.keys(settings).length ? runLimits(settings).testTimeoutSeconds * 1000 : undefined;
}

/** One embedded target and the requirement ids whose specs run against it. */
interface Item {
  target: string;
  ids: readonly string[];
}

function lanesOf(items: readonly Item[]): Item[][] {
  const lanes: Array<{ items: Item[]; ids: Set<string> }> = [];
  for (const item of items) {
    const lane = lanes.find((l) => item.ids.every((id) => !l.ids.has(id)));
    if (lane) {
      lane.items.push(item);
      for (const id of item.ids) lane.ids.add(id);
    } else lanes.push({ items: [item], ids: new Set(item.ids) });
  }
  return lanes.map((l) => l.items);
}

export function faultProjects(targets: readonly MockTarget[]): ProjectPlan[] {
  // A fault may run as several targets (one per seed): each target is planned by its own name.
  const faulty = targets.flatMap((t) => (t.fault ? [{ name: t.name, fault: t.fault }] : []));
  const alone = faulty.filter((t) => timeoutOf(t.fault) !== undefined);
  const lanes = lanesOf([
    ...targets.filter((t) => !t.fault && t.name !== CONFORMANT).map((t) => ({ target: t.name, ids: TRANSPORT_IDS })),
    ...faulty.filter((t) => !alone.includes(t)).map((t) => ({ target: t.name, ids: FAULTS[t.fault].runs })),
  ]);
  // One worker each: the run's other worker slots go on with the next project.
  return [
    ...alone.map((t) => ({ name: t.name, ids: [...FAULTS[t.fault].runs], timeoutMs: timeoutOf(t.fault), workers: 1, use: { targetName: t.name } })),
    ...(targets.some((t) => t.name === CONFORMANT) ? [{ name: CONFORMANT, workers: 2, use: { targetName: CONFORMANT } }] : []),
    ...lanes.map((lane, i) => ({
      name: `lane-${i + 1}`,
      ids: lane.flatMap((item) => item.ids),
      workers: 1,
      use: { targetByRequirement: Object.fromEntries(lane.flatMap((item) => item.ids.map((id) => [id, item.target]))) },
    })),
  ];
}
