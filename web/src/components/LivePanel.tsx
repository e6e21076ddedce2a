// The service's health from its own /metrics, polled every 2 s while the page is visible.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { liveFigures, parseMetrics, ratePerSecond, type LiveFigures, type StageLatency } from '../metrics.js';

const POLL_MS = 2000;
const fmtMs = (s: number | null): string => (s === null ? '–' : `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)}`);
const fmtRate = (r: number | null): string => (r === null ? '–' : r.toFixed(1));

function Row({ l }: { l: StageLatency }): JSX.Element {
  return <tr><th scope="row">{l.stage}</th><td>{fmtMs(l.p50)}</td><td>{fmtMs(l.p95)}</td><td>{fmtMs(l.p99)}</td><td>{l.count}</td></tr>;
}

export function LivePanel({ api }: { api: Api }): JSX.Element {
  const [now, setNow] = useState<LiveFigures | null>(null);
  const [rates, setRates] = useState<{ requests: number | null; events: number | null }>({ requests: null, events: null });
  const [error, setError] = useState<string | null>(null);
  const prev = useRef<LiveFigures | null>(null);

  useEffect(() => {
    let stopped = false;
    const poll = async (): Promise<void> => {
      if (document.hidden) return;
      try {
        const next = liveFigures(parseMetrics(await api.metrics()), Date.now());
        if (stopped) return;
        setRates({ requests: ratePerSecond(prev.current, next, (f) => f.requests), events: ratePerSecond(prev.current, next, (f) => f.events) });
        prev.current = next;
        setNow(next);
        setError(null);
      } catch (err) {
        if (!stopped) setError((err as Error).message);
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api]);

  const share = now === null || now.feeds === 0 ? '–' : `${((now.degradedFeeds / now.feeds) * 100).toFixed(1)} %`;
  return (
    <section class="panel" aria-labelledby="live-h">
      <h2 id="live-h">Service, live</h2>
      {error !== null && <p class="error" role="status">metrics: {error}</p>}
      <dl class="facts">
        <div><dt>requests/s</dt><dd data-testid="live-rps">{fmtRate(rates.requests)}</dd></div>
        <div><dt>events/s</dt><dd data-testid="live-eps">{fmtRate(rates.events)}</dd></div>
        <div><dt>degraded feeds</dt><dd data-testid="live-degraded">{share}</dd></div>
        <div><dt>bundle</dt><dd data-testid="live-bundle">{now?.bundleVersion ?? '–'}</dd></div>
        <div class="wide"><dt>serving since</dt><dd>{now?.bundleSince != null ? new Date(now.bundleSince).toLocaleString() : '–'}</dd></div>
      </dl>
      <div class="table-wrap">
        <table class="latency">
          <caption>Feed latency per stage, ms, since the service started</caption>
          <thead><tr><th scope="col">stage</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th><th scope="col">n</th></tr></thead>
          <tbody>
            {now?.feed != null && <Row l={now.feed} />}
            {(now?.stages ?? []).map((l) => <Row l={l} />)}
          </tbody>
        </table>
      </div>
    </section>
  );
}
