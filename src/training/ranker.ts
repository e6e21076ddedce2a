// Placeholder owned by the ranking work (issue 4 point 4): `encore train` calls trainRanker after the
// embeddings; until a ranker exists it returns null and the feed keeps the retrieval order.
import type { RankerModel } from '../model/ModelBundle.js';

export interface RankerTrainingInput {
  readonly worldDir: string;
  readonly bundleDir: string;
}

export async function trainRanker(_input: RankerTrainingInput): Promise<RankerModel | null> {
  return null;
}
