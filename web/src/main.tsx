// Entry: read what the service offers (its config and OpenAPI routes), then render the page.
import { render } from 'preact';
import { Api } from './api.js';
import { App } from './App.js';
import './style.css';

const root = document.getElementById('app')!;
Api.connect().then(
  (api) => render(<App api={api} />, root),
  (err: Error) => {
    root.textContent = `Encore is not reachable: ${err.message}`;
  },
);
