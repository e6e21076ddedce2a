import type { RerankRule } from './RerankRule.js';

/** At most `maxPerArtist` tracks per artist, and never two tracks by one artist in a row. */
export class ArtistSpacing implements RerankRule {
  readonly name = 'ArtistSpacing';
  readonly strength = 'hard';
  private readonly counts = new Map<number, number>();
  private lastArtist = -1;
  constructor(
    private readonly artistOf: Int32Array,
    private readonly maxPerArtist: number,
  ) {}
  allows(track: number): boolean {
    const a = this.artistOf[track]!;
    return a !== this.lastArtist && (this.counts.get(a) ?? 0) < this.maxPerArtist;
  }
  commit(track: number): void {
    const a = this.artistOf[track]!;
    this.counts.set(a, (this.counts.get(a) ?? 0) + 1);
    this.lastArtist = a;
  }
}
