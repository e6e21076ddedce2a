// The evaluation's seeded PRNG is the re-ranker's mulberry32 (one implementation, two names of use).
export { mulberry32 as seededRandom } from '../rerank/rng.js';
