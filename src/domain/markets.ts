// Markets are stored as a 16-bit availability mask per track; bit i is MARKETS[i].
export const MARKETS = ['US', 'GB', 'DE', 'FR', 'SE', 'BR', 'MX', 'JP', 'IN', 'ES', 'IT', 'NL', 'PL', 'CA', 'AU', 'KR'] as const;
export type Market = (typeof MARKETS)[number];
export const MARKET_PATTERN = `^(${MARKETS.join('|')})$`;
export const marketIndex = (m: string): number => (MARKETS as readonly string[]).indexOf(m);
export const isAvailable = (mask: number, market: number): boolean => ((mask >>> market) & 1) === 1;
