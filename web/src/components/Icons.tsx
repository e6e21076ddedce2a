// Inline SVG icons (no icon font, no emoji: they render the same on every machine). Decorative: the
// button that holds one carries the accessible name.
import type { JSX } from 'preact';

export type IconName = 'play' | 'skip' | 'skipLate' | 'like' | 'dislike' | 'ban' | 'radio' | 'search' | 'newUser' | 'user' | 'home' | 'refresh';

const PATHS: Record<IconName, JSX.Element> = {
  play: <path d="M7 4.5v15l12.5-7.5z" fill="currentColor" stroke="none" />,
  skip: <><path d="M5 5l9 7-9 7z" fill="currentColor" stroke="none" /><path d="M18 5v14" /></>,
  skipLate: <><path d="M3 5l7 7-7 7zM11 5l7 7-7 7z" fill="currentColor" stroke="none" /><path d="M21 5v14" /></>,
  like: <path d="M12 20.5s-7.5-4.6-7.5-10.1A4.2 4.2 0 0 1 12 7.8a4.2 4.2 0 0 1 7.5 2.6c0 5.5-7.5 10.1-7.5 10.1z" />,
  dislike: <path d="M10 15v4.2a2.3 2.3 0 0 0 2.3 2.3l3.2-7V4H7.6a2 2 0 0 0-2 1.7l-1.3 7.6a2 2 0 0 0 2 2.3zM15.5 4h2.7a1.8 1.8 0 0 1 1.8 1.8v6.4a1.8 1.8 0 0 1-1.8 1.8h-2.7" />,
  ban: <><circle cx="12" cy="12" r="8.5" /><path d="M6 6l12 12" /></>,
  radio: <><circle cx="12" cy="12" r="2" /><path d="M7.8 7.8a6 6 0 0 0 0 8.4M16.2 7.8a6 6 0 0 1 0 8.4M4.9 4.9a10 10 0 0 0 0 14.2M19.1 4.9a10 10 0 0 1 0 14.2" /></>,
  search: <><circle cx="10.5" cy="10.5" r="6.5" /><path d="M15.5 15.5l5 5" /></>,
  newUser: <><circle cx="9" cy="8" r="4" /><path d="M2.5 20.5a6.5 6.5 0 0 1 13 0M19 8v6M16 11h6" /></>,
  user: <><circle cx="12" cy="8" r="4" /><path d="M5 20.5a7 7 0 0 1 14 0" /></>,
  home: <path d="M3.5 11L12 4l8.5 7M6 9.5V20h4.5v-5.5h3V20H18V9.5" />,
  refresh: <path d="M19.5 12a7.5 7.5 0 1 1-2.2-5.3M19.5 4.5v4h-4" />,
};

export function Icon({ name, size = 18 }: { name: IconName; size?: number }): JSX.Element {
  return (
    <svg class="icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      {PATHS[name]}
    </svg>
  );
}
