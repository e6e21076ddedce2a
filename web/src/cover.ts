// A generated cover: colours and pattern from a hash of the album id, so one album always looks the same.
// FNV-1a by hand: four lines, and no library is needed for a non-cryptographic string hash.

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export type CoverPattern = 'rings' | 'stripes' | 'dots' | 'wave';
const PATTERNS: readonly CoverPattern[] = ['rings', 'stripes', 'dots', 'wave'];

export interface CoverSpec {
  readonly from: string;
  readonly to: string;
  readonly accent: string;
  readonly angle: number;
  readonly pattern: CoverPattern;
}

export function coverSpec(albumKey: string): CoverSpec {
  const h = fnv1a(albumKey);
  const hue = h % 360;
  const hue2 = (hue + 40 + ((h >>> 9) % 140)) % 360;
  return {
    from: `hsl(${hue} 70% 45%)`,
    to: `hsl(${hue2} 65% 25%)`,
    accent: `hsl(${(hue + 180) % 360} 80% 75%)`,
    angle: (h >>> 17) % 360,
    pattern: PATTERNS[(h >>> 26) % PATTERNS.length]!,
  };
}

/** The album's id when the service sends one; else artist id + album title, which names the album too. */
export function albumKey(item: { readonly albumId?: string; readonly artistId: string; readonly album: string }): string {
  return item.albumId ?? `${item.artistId}\u0000${item.album}`;
}
