// Prometheus text exposition format (version 0.0.4) to samples. Written by hand: the npm parser we tried
// (parse-prometheus-text-format 1.1.1) merges every labelled histogram series into one, and the
// format's sample lines are simple: name{label="value",...} value [timestamp], with \\ \" \n escapes.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

const unescape = (v: string): string => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text); // NaN stays NaN
}

export function parseSampleLine(line: string): Sample | null {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return null;
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    LABEL.lastIndex = at;
    for (let m = LABEL.exec(line); m !== null; m = LABEL.exec(line)) {
      labels[m[1]!] = unescape(m[2]!);
      at = LABEL.lastIndex;
    }
    if (line[at] !== '}') return null;
    at++;
  }
  const value = line.slice(at).trim().split(/\s+/)[0];
  return value === undefined || value === '' ? null : { name, labels, value: parseValue(value) };
}

/** Every sample of an exposition; comments (# HELP, # TYPE) and malformed lines are skipped. */
export function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const s = parseSampleLine(line);
    if (s !== null) out.push(s);
  }
  return out;
}
