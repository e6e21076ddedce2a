// Listeners this browser acted as, newest first (localStorage), so picking one again is one click.
const KEY = 'encore.recentListeners';
const MAX = 8;

export function recentListeners(): string[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberListener(id: string): string[] {
  const list = [id, ...recentListeners().filter((x) => x !== id)].slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // storage full or disabled: the list just is not kept
  }
  return list;
}
