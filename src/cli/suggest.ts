// "Did you mean" (aliyun-cli-behavior.md §1.6): Levenshtein over code points with insert 1,
// delete 1, substitute 2; every candidate at the smallest distance ≤ 2, in candidate order.
export function distance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 2));
    }
    prev = cur;
  }
  return prev[y.length];
}

export function suggest(target: string, candidates: Iterable<string>, maxDistance = 2): string[] {
  let best = maxDistance;
  let out: string[] = [];
  for (const c of candidates) {
    const d = distance(target, c);
    if (d > best) continue;
    if (d < best) {
      best = d;
      out = [];
    }
    out.push(c);
  }
  return out;
}
