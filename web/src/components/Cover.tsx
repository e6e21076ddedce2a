// The generated album cover (inline SVG, deterministic from the album id: see cover.ts).
import type { JSX } from 'preact';
import { useId } from 'preact/hooks';
import { coverSpec, type CoverSpec } from '../cover.js';

function pattern(spec: CoverSpec): JSX.Element {
  switch (spec.pattern) {
    case 'rings':
      return <g fill="none" stroke={spec.accent} stroke-opacity="0.55" stroke-width="3">{[10, 20, 30, 40].map((r) => <circle cx="44" cy="44" r={r} />)}</g>;
    case 'stripes':
      return <g stroke={spec.accent} stroke-opacity="0.45" stroke-width="5" transform={`rotate(${spec.angle % 180} 32 32)`}>{[-24, -8, 8, 24, 40, 56, 72, 88].map((x) => <line x1={x} y1="-40" x2={x} y2="104" />)}</g>;
    case 'dots':
      return <g fill={spec.accent} fill-opacity="0.6">{[12, 32, 52].flatMap((x) => [12, 32, 52].map((y) => <circle cx={x} cy={y} r={(x + y) % 3 === 0 ? 6 : 4} />))}</g>;
    case 'wave':
      return <path d="M-4 40 Q 12 24 28 40 T 60 40 T 92 40 V70 H-4z" fill={spec.accent} fill-opacity="0.5" />;
  }
}

export function Cover({ albumKey, size = 56 }: { albumKey: string; size?: number }): JSX.Element {
  const spec = coverSpec(albumKey);
  // One id per cover in the page (two tracks of one album draw the same picture with their own ids).
  const id = `cv${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const rad = (spec.angle * Math.PI) / 180;
  return (
    <svg class="cover" width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id={id} x1={0.5 - Math.cos(rad) / 2} y1={0.5 - Math.sin(rad) / 2} x2={0.5 + Math.cos(rad) / 2} y2={0.5 + Math.sin(rad) / 2}>
          <stop offset="0" stop-color={spec.from} />
          <stop offset="1" stop-color={spec.to} />
        </linearGradient>
        <clipPath id={`${id}c`}><rect width="64" height="64" rx="6" /></clipPath>
      </defs>
      <g clip-path={`url(#${id}c)`}>
        <rect width="64" height="64" fill={`url(#${id})`} />
        {pattern(spec)}
      </g>
    </svg>
  );
}
