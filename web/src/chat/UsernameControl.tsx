// The viewer's chat name in the header. Clicking it swaps in a field: Enter saves, Escape cancels.
// The server confirms with a NAME_CHANGE event (or refuses with a CHAT_ACTION), and the name shown is
// always the server's.
import { useEffect, useRef, useState } from 'preact/hooks';
import { AuthDialog, type AuthMethods } from './AuthDialog';
import { KeyIcon, PersonIcon, ShieldIcon, VerifiedIcon } from './icons';
import type { ChatSession } from './session';

export const MAX_NAME_LENGTH = 60;

/** `auth`: the ways this server lets a chat user authenticate (none: no "Authenticate" button). */
export function UsernameControl({ session, auth }: { session: ChatSession; auth?: AuthMethods }) {
  const [editing, setEditing] = useState(false);
  const [authenticating, setAuthenticating] = useState(false);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const name = session.displayName;
  const moderator = session.moderator;
  const authenticated = session.authenticated;
  const canAuthenticate = !authenticated && auth !== undefined && (auth.indieAuth || auth.fediverse);

  useEffect(() => {
    if (editing) inputRef.current?.select();
  }, [editing]);

  const start = (): void => {
    setDraft(name);
    setProblem('');
    setEditing(true);
  };

  const finish = (): void => {
    setEditing(false);
    requestAnimationFrame(() => buttonRef.current?.focus());
  };

  const save = (): void => {
    const next = draft.trim();
    if (!next || next === name) {
      finish();
      return;
    }
    if (!session.rename(next)) {
      setProblem('Not connected to the chat; try again in a moment.');
      return;
    }
    finish();
  };

  if (editing) {
    return (
      <form
        id="user-info-change"
        class="username-form"
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <label class="visually-hidden" for="username-change-input">
          New chat name
        </label>
        <input
          id="username-change-input"
          ref={inputRef}
          type="text"
          maxLength={MAX_NAME_LENGTH}
          value={draft}
          placeholder="New chat name"
          autoComplete="nickname"
          enterkeyhint="done"
          onInput={(event) => setDraft((event.currentTarget as HTMLInputElement).value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              finish();
            }
          }}
        />
        <button type="submit" class="username-save">
          Save
        </button>
        <button type="button" class="username-cancel" aria-label="Cancel" title="Cancel (Esc)" onClick={finish}>
          ×
        </button>
        {problem && (
          <span class="username-problem" role="alert">
            {problem}
          </span>
        )}
      </form>
    );
  }

  if (!name) return null;
  return (
    <div id="user-info-display" class="username-display">
      <button
        ref={buttonRef}
        type="button"
        id="username-display"
        class="username-button"
        title="Change your chat name"
        aria-label={`Your chat name is ${name}${moderator ? ' (moderator)' : ''}${authenticated ? ' (authenticated)' : ''}. Change it`}
        onClick={start}
      >
        {moderator ? <ShieldIcon /> : authenticated ? null : <PersonIcon />}
        {authenticated && (
          <span class="authenticated-flair">
            <VerifiedIcon />
          </span>
        )}
        <span class="username-text">{name}</span>
      </button>
      {canAuthenticate && (
        <button
          type="button"
          id="chat-auth-button"
          class="username-auth-button"
          aria-haspopup="dialog"
          title="Authenticate: prove your website or fediverse account"
          onClick={() => setAuthenticating(true)}
        >
          <KeyIcon />
          <span class="username-auth-label">Authenticate</span>
        </button>
      )}
      {authenticating && auth && <AuthDialog session={session} methods={auth} onClose={() => setAuthenticating(false)} />}
    </div>
  );
}
