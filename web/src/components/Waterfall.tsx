// The trace of the last feed request as a waterfall: each stage on a time axis with its duration,
// candidates in and out, what it removed, its status and detail; the degradations and the bundle version.
import type { JSX } from 'preact';
import type { FeedResponse } from '../types.js';
import { axisMs, placeStages } from '../waterfall.js';

const ms = (v: number): string => (v >= 10 ? v.toFixed(1) : v.toFixed(2));

function variantOf(feed: FeedResponse): string | null {
  const e = feed.experiment;
  const name = typeof e === 'string' ? e : e?.name;
  const variant = feed.variant ?? (typeof e === 'object' ? e.variant : undefined);
  if (name === undefined && variant === undefined) return null;
  return [name, variant].filter((x) => x !== undefined).join(': ');
}

export function Waterfall({ feed }: { feed: FeedResponse | null }): JSX.Element {
  if (feed === null) return <section class="panel" aria-labelledby="wf-h"><h2 id="wf-h" tabIndex={-1}>Trace</h2><p class="muted">Load a feed to see where its milliseconds went.</p></section>;
  const placed = placeStages(feed.trace.stages);
  const axis = axisMs(placed, feed.trace.totalMs);
  const variant = variantOf(feed);
  return (
    <section class="panel" aria-labelledby="wf-h">
      <h2 id="wf-h" tabIndex={-1}>Trace</h2>
      <dl class="facts">
        <div><dt>total</dt><dd data-testid="trace-total">{ms(feed.trace.totalMs)} ms</dd></div>
        <div><dt>bundle</dt><dd data-testid="trace-bundle">{feed.modelVersion}</dd></div>
        <div><dt>surface</dt><dd>{feed.surface}</dd></div>
        {variant !== null && <div><dt>experiment</dt><dd data-testid="trace-variant">{variant}</dd></div>}
        <div class="wide"><dt>request</dt><dd class="mono">{feed.requestId}</dd></div>
      </dl>
      <div class="axis" aria-hidden="true"><span>0</span><span>{ms(axis / 2)}</span><span>{ms(axis)} ms</span></div>
      <ol class="waterfall" aria-label={`Stages on a ${ms(axis)} ms axis`}>
        {placed.map(({ stage, startMs, concurrent, removed }) => (
          <li class={`stage status-${stage.status}${concurrent ? ' concurrent' : ''}`} data-stage={stage.name}>
            <div class="stage-head">
              <span class="stage-name">{stage.name}</span>
              <span class="stage-ms">{ms(stage.ms)} ms</span>
            </div>
            <div class="bar-track" aria-hidden="true">
              <span class="bar" style={{ left: `${(startMs / axis) * 100}%`, width: `max(2px, ${(stage.ms / axis) * 100}%)` }} />
            </div>
            <div class="stage-counts">
              {stage.in} → {stage.out}
              {removed > 0 && <span class="removed"> removed {removed}</span>}
              {stage.status !== 'ok' && <span class="stage-status"> {stage.status}</span>}
              {stage.detail !== undefined && stage.detail !== `removed ${removed}` && <span class="stage-detail"> · {stage.detail}</span>}
            </div>
          </li>
        ))}
      </ol>
      <p class="muted small">Sources run concurrently inside CandidateSources; start times follow the order the trace lists the stages.</p>
      <h3>Degraded</h3>
      {feed.degraded.length === 0 ? <p class="muted">nothing</p> : (
        <ul class="degraded">{feed.degraded.map((d) => <li><strong>{d.component}</strong>: {d.reason}</li>)}</ul>
      )}
    </section>
  );
}
