/**
 * Turns at a target's request signing, held across every worker of a run (issue 20, with
 * CARDPLUSPAY_LIVE_CHALLENGES=auto). The docs do not say whether a new challenge leaves the
 * account's earlier ones live. Until the run knows, a signing check takes its turn alone, and the
 * first to get one finds out (helpers/signing/schedule.ts: ASKED_TO_FIND_OUT challenges asked, the newest
 * and then the oldest used) and says what it found. An API that keeps several live challenges then gets its
 * signing checks side by side (shared turns); one whose new challenge, or whose use, ends the others
 * gets them one at a time (a turn alone each), so that no check's challenge is ended by another's
 * between its asking and its use. A check may also ask to go alone whatever was found (SIGN-11).
 */

/** How many live challenges the target keeps for one account, as its first signing check found. */
export type LiveChallenges = 'one' | 'several';

/**
 * How many challenges the finding asks before it uses any (helpers/signing/schedule.ts): an API that
 * keeps fewer live per account (one, or a short list, the oldest ending first) refuses the oldest,
 * and is judged one at a time. Eight: a few more than common "at most five" limits, within the
 * run's request budget.
 */
export const ASKED_TO_FIND_OUT = 8;

/** The annotation on the check that found it out: the summary says what the run found. */
export const LIVE_CHALLENGES_FOUND = 'live-challenges';

export interface Turn {
  id: number;
  /** Taken alone: no other signing check holds a turn at this target until it is given back. */
  alone: boolean;
  /** What the run knows; unset, the holder of this turn (alone) finds out and gives it back with what it found. */
  live?: LiveChallenges;
}

export interface TurnOptions {
  /** Alone whatever the run found: a check that holds a challenge while it waits (SIGN-11), so no other check's challenge or use comes between. */
  alone?: boolean;
}

export interface Turns {
  takeTurn(options?: TurnOptions): Promise<Turn>;
  /**
   * Hands a turn back, with what its holder found when it was the one to find out. A turn to find
   * out given back without a finding (its check failed or was stopped first) leaves the run
   * assuming one live challenge: the schedule that judges either kind of API.
   */
  giveTurn(turn: Turn, found?: LiveChallenges): void;
}

/** Turn ids are unique in the process. */
let nextTurnId = 1;

/** One target's turns, in the order they were asked for. */
export class TurnQueue implements Turns {
  private live?: LiveChallenges;
  private shared = 0;
  private aloneHeld = false;
  private readonly held = new Set<number>();
  private readonly waiting: Array<{ alone: boolean; resolve: (turn: Turn) => void }> = [];

  takeTurn(options: TurnOptions = {}): Promise<Turn> {
    return new Promise<Turn>((resolve) => {
      this.waiting.push({ alone: options.alone === true, resolve });
      this.grant();
    });
  }

  giveTurn(turn: Turn, found?: LiveChallenges): void {
    if (!this.held.delete(turn.id)) return;
    if (turn.alone) {
      this.aloneHeld = false;
      this.live ??= found ?? 'one';
    } else this.shared--;
    this.grant();
  }

  /** In the order asked: a turn alone waits for the shared ones to end, and those asked after it wait for it. */
  private grant(): void {
    while (this.waiting.length > 0 && !this.aloneHeld) {
      const alone = this.waiting[0]!.alone || this.live !== 'several';
      if (alone && this.shared > 0) return;
      const turn: Turn = { id: nextTurnId++, alone, live: this.live };
      this.held.add(turn.id);
      if (alone) this.aloneHeld = true;
      else this.shared++;
      this.waiting.shift()!.resolve(turn);
    }
  }
}
