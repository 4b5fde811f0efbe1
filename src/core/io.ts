/** Where a command writes: stdout and stderr (tests and `serve` pass their own). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}
