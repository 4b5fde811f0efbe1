// Deliberate deviation from the real CLI: colour only when the stream is a terminal, NO_COLOR (any
// value) turns it off and FORCE_COLOR on. Shared by the CLI and `kms serve`.
export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return Boolean(stream.isTTY);
}
