// A re-ranking rule judges one candidate for the next position of the final list. The selector
// (selectFeed.ts) fills the list greedily by score with the candidates every rule allows, relaxing
// the soft rules only when nothing passes them all.

export interface RerankRule {
  readonly name: string;
  /** hard: never broken (the list gets shorter instead); soft: relaxed when no candidate passes. */
  readonly strength: 'hard' | 'soft';
  allows(track: number, position: number): boolean;
  /** Called once the selector placed `track` at `position`. */
  commit(track: number, position: number): void;
}
