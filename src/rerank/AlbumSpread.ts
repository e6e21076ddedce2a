import type { RerankRule } from './RerankRule.js';

/** One track per album while other albums are available (soft: relaxed when nothing else passes). */
export class AlbumSpread implements RerankRule {
  readonly name = 'AlbumSpread';
  readonly strength = 'soft';
  private readonly used = new Set<number>();
  constructor(private readonly albumOf: Int32Array) {}
  allows(track: number): boolean {
    return !this.used.has(this.albumOf[track]!);
  }
  commit(track: number): void {
    this.used.add(this.albumOf[track]!);
  }
}
