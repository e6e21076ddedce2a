// Side-effect stylesheet imports, bundled by Vite (its full client types would pull in Node's).
declare module '*.css';
