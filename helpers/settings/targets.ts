/**
 * Which embedded-mock target a test runs against, and that target's settings: the fault self-test
 * runs several mock targets in one run (tests/support/fault-lanes.ts).
 */
import type { Env } from './parse';
import { loadSettings, type Settings } from './settings';

/**
 * Which embedded-mock target a test runs against, from its project's options. A project names
 * one target, or (a lane of the fault self-test) one target per requirement id, so that faults
 * whose checks do not overlap share a worker. Undefined: the configured target.
 */
export interface TargetOptions {
  targetName?: string;
  targetByRequirement?: Readonly<Record<string, string>>;
}

export function targetOf(options: TargetOptions, requirementIds: readonly string[]): string | undefined {
  const lane = options.targetByRequirement;
  if (!lane) return options.targetName;
  const names = [...new Set(requirementIds.map((id) => lane[id]).filter((n): n is string => !!n))];
  if (names.length !== 1)
    throw new Error(`A test of ${requirementIds.join(', ') || 'no requirement'} matches ${names.length} targets of its lane: each must match one.`);
  return names[0];
}

/** Settings of a named embedded-mock target: the runner passes each target's overlay as JSON. */
export function settingsFor(targetName: string | undefined, env: Env = process.env): Settings {
  const merged: Env = { ...env };
  if (targetName) {
    const targets = JSON.parse(env.CARDPLUSPAY_MOCK_TARGETS ?? '{}') as Record<string, Record<string, string>>;
    const overlay = targets[targetName];
    if (!overlay) throw new Error(`No embedded mock target named "${targetName}" was started.`);
    Object.assign(merged, overlay);
  }
  delete merged.CARDPLUSPAY_MOCK_TARGETS;
  return loadSettings(merged);
}
