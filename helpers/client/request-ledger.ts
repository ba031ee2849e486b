/**
 * The run's request cap (SAFE-05), held across Playwright's worker processes without a server:
 * each request first appends one byte to a shared file opened for appending, then reads the
 * file's size. Appends of one byte are atomic, so the k-th claim always sees a size of at least k;
 * a claim that sees more than the cap is refused, which lets through at most `max` requests in
 * all, whatever the interleaving (a claim may be refused early, never late).
 */
import fs from 'node:fs';

export interface RequestCap {
  /** Claims one request; false once the run has sent as many as it may. */
  claim(): boolean;
  readonly max: number;
}

export class RequestLedger implements RequestCap {
  private fd?: number;

  constructor(
    private readonly file: string,
    readonly max: number,
  ) {}

  claim(): boolean {
    this.fd ??= fs.openSync(this.file, 'a');
    fs.writeSync(this.fd, '.');
    return fs.fstatSync(this.fd).size <= this.max;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
