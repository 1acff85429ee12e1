// "Authenticate" in chat (newer Owncast's chat authentication): the viewer proves they own a website
// (IndieAuth: the browser goes to their site's sign-in and comes back) or a fediverse account (the server
// sends a one-time code by direct message, the viewer types it in). An authenticated viewer gets the badge
// beside their name, and nobody else can take that name.
import { useState } from 'preact/hooks';
import { sendFediverseCode, startIndieAuth, verifyFediverseCode } from '../api';
import { Modal } from '../Modal';
import { isFediverseAccount } from '../page/FollowButton';
import type { ChatSession } from './session';

export interface AuthMethods {
  indieAuth: boolean;
  fediverse: boolean;
}

type Method = 'indieauth' | 'fediverse';

/** What a viewer may type as their website: a host name or an https URL. */
export function isWebsite(text: string): boolean {
  const value = text.trim();
  if (!value || /\s/.test(value)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return /^https:\/\/[^/?#]+\.[^/?#]+/i.test(value);
  return /^[^/?#:@]+\.[^/?#:@]+([/?#].*)?$/.test(value);
}

export function AuthDialog({ session, methods, onClose }: { session: ChatSession; methods: AuthMethods; onClose: () => void }) {
  const [method, setMethod] = useState<Method>(methods.indieAuth ? 'indieauth' : 'fediverse');
  return (
    <Modal id="chat-auth-modal" title="Authenticate" onClose={onClose} size="form">
      <div class="auth-body">
        <p class="auth-explainer">
          Prove who you are, and a badge shows beside your name in the chat. Nobody else can then use the name{' '}
          <strong>{session.displayName}</strong>.
        </p>
        {methods.indieAuth && methods.fediverse && (
          <div class="auth-methods" role="tablist" aria-label="How to authenticate">
            <button
              type="button"
              role="tab"
              id="auth-tab-indieauth"
              aria-selected={method === 'indieauth'}
              class={method === 'indieauth' ? 'auth-method auth-method_selected' : 'auth-method'}
              onClick={() => setMethod('indieauth')}
            >
              Your website
            </button>
            <button
              type="button"
              role="tab"
              id="auth-tab-fediverse"
              aria-selected={method === 'fediverse'}
              class={method === 'fediverse' ? 'auth-method auth-method_selected' : 'auth-method'}
              onClick={() => setMethod('fediverse')}
            >
              Fediverse account
            </button>
          </div>
        )}
        {method === 'indieauth' ? <IndieAuthForm session={session} /> : <FediverseForm session={session} onDone={onClose} />}
      </div>
    </Modal>
  );
}

function IndieAuthForm({ session }: { session: ChatSession }) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const valid = isWebsite(value);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const token = session.accessToken;
    if (!valid || busy || !token) return;
    setBusy(true);
    setProblem('');
    const answer = await startIndieAuth(token, value.trim());
    if ('error' in answer) {
      setBusy(false);
      setProblem(answer.error);
      return;
    }
    location.assign(answer.ok); // the site's sign-in; it sends the browser back to this page
  };

  return (
    <form class="auth-form" id="indieauth-form" onSubmit={(e) => void submit(e)}>
      <label class="auth-label" for="indieauth-input">
        Your website
      </label>
      <input
        id="indieauth-input"
        class="auth-input"
        type="text"
        inputMode="url"
        autoComplete="url"
        autoCapitalize="none"
        spellcheck={false}
        placeholder="https://you.example"
        value={value}
        aria-invalid={value !== '' && !valid}
        aria-describedby="indieauth-hint"
        onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
      />
      <p id="indieauth-hint" class="auth-hint">
        A site that supports IndieAuth (it names an authorization endpoint). You sign in there and come back here.
      </p>
      {problem && (
        <p class="auth-problem" role="alert">
          {problem}
        </p>
      )}
      <div class="auth-actions">
        <button type="submit" class="auth-submit" disabled={!valid || busy}>
          {busy ? 'Asking your site…' : 'Sign in with your site'}
        </button>
      </div>
    </form>
  );
}

function FediverseForm({ session, onDone }: { session: ChatSession; onDone: () => void }) {
  const [account, setAccount] = useState('');
  const [sentTo, setSentTo] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const validAccount = isFediverseAccount(account);
  const validCode = /^\d{6}$/.test(code.trim());

  const send = async (event: Event): Promise<void> => {
    event.preventDefault();
    const token = session.accessToken;
    if (!validAccount || busy || !token) return;
    setBusy(true);
    setProblem('');
    const handle = account.trim().replace(/^@/, '');
    const answer = await sendFediverseCode(token, handle);
    setBusy(false);
    if ('error' in answer) {
      setProblem(answer.error);
      return;
    }
    setSentTo(handle);
  };

  const verify = async (event: Event): Promise<void> => {
    event.preventDefault();
    const token = session.accessToken;
    if (!validCode || busy || !token) return;
    setBusy(true);
    setProblem('');
    const answer = await verifyFediverseCode(token, code.trim());
    setBusy(false);
    if ('error' in answer) {
      setProblem(answer.error);
      return;
    }
    // The token may now belong to the user who proved this account before: the server closed the old
    // socket, so join again at once rather than after the reconnect delay.
    window.setTimeout(() => {
      if (!session.authenticated) session.rejoin();
    }, 300);
    onDone();
  };

  if (!sentTo) {
    return (
      <form class="auth-form" id="fediverse-auth-form" onSubmit={(e) => void send(e)}>
        <label class="auth-label" for="fediverse-auth-input">
          Your fediverse account
        </label>
        <input
          id="fediverse-auth-input"
          class="auth-input"
          type="text"
          inputMode="email"
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          placeholder="you@your.server"
          value={account}
          aria-invalid={account !== '' && !validAccount}
          aria-describedby="fediverse-auth-hint"
          onInput={(e) => setAccount((e.currentTarget as HTMLInputElement).value)}
        />
        <p id="fediverse-auth-hint" class="auth-hint">
          We send a one-time code to this account as a private message.
        </p>
        {problem && (
          <p class="auth-problem" role="alert">
            {problem}
          </p>
        )}
        <div class="auth-actions">
          <button type="submit" class="auth-submit" disabled={!validAccount || busy}>
            {busy ? 'Sending…' : 'Send me a code'}
          </button>
        </div>
      </form>
    );
  }
  return (
    <form class="auth-form" id="fediverse-code-form" onSubmit={(e) => void verify(e)}>
      <p class="auth-sent" role="status">
        A code is on its way to <strong>@{sentTo}</strong>. It is good for 10 minutes.
      </p>
      <label class="auth-label" for="fediverse-code-input">
        One-time code
      </label>
      <input
        id="fediverse-code-input"
        class="auth-input auth-code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        placeholder="123456"
        value={code}
        onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)}
      />
      {problem && (
        <p class="auth-problem" role="alert">
          {problem}
        </p>
      )}
      <div class="auth-actions">
        <button type="button" class="auth-back" onClick={() => setSentTo('')}>
          Use another account
        </button>
        <button type="submit" class="auth-submit" disabled={!validCode || busy}>
          {busy ? 'Checking…' : 'Verify'}
        </button>
      </div>
    </form>
  );
}
