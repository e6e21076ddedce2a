// Pick a listener: by id (text box), from the listeners this browser used, or start as a new one.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Icon } from './Icons.js';

export interface ListenerPickerProps {
  readonly current: string | null;
  readonly recent: readonly string[];
  readonly onPick: (id: string) => void;
  readonly onNew: () => void;
}

export function ListenerPicker({ current, recent, onPick, onNew }: ListenerPickerProps): JSX.Element {
  const [text, setText] = useState(current ?? '');
  useEffect(() => setText(current ?? ''), [current]); // e.g. a new listener's id once it is created
  const submit = (e: Event): void => {
    e.preventDefault();
    const id = text.trim();
    if (id !== '') onPick(id);
  };
  return (
    <div class="picker">
      <form class="row" onSubmit={submit} role="search" aria-label="Open a listener by id">
        <label for="listener-id">Listener id</label>
        <input id="listener-id" name="listener" value={text} onInput={(e) => setText(e.currentTarget.value)} autocomplete="off" spellcheck={false} placeholder="the app's listener id" />
        <button type="submit" class="primary"><Icon name="user" /> Open</button>
        <button type="button" onClick={onNew}><Icon name="newUser" /> New listener</button>
      </form>
      {recent.length > 0 && (
        <div class="row recent" role="group" aria-label="Recent listeners">
          <span class="muted small">Recent:</span>
          {recent.map((id) => (
            <button type="button" class={`chip${id === current ? ' on' : ''}`} aria-pressed={id === current} onClick={() => { setText(id); onPick(id); }}>{id}</button>
          ))}
        </div>
      )}
    </div>
  );
}
