// "Follow" on the fediverse: the button (#follow-button) and its dialog. The visitor names their own
// account (you@your.server); this server asks theirs where its follow page is (POST /api/remotefollow)
// and sends them there, where they confirm the follow.
import { useState } from 'preact/hooks';
import { remoteFollow } from '../api';
import { Modal } from '../Modal';

/** `user@host` (an `@` in front allowed); the host may carry a port. */
export function isFediverseAccount(text: string): boolean {
  return /^@?[^@\s/:]+@[a-z0-9.-]+(?::\d{1,5})?$/i.test(text.trim());
}

export function FediverseIcon() {
  return (
    <svg class="icon icon-fediverse" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <g fill="none" stroke="currentColor" stroke-width="1.8">
        <path d="M5 7.5 12 4l7 3.5M5 7.5v9l7 3.5 7-3.5v-9M5 7.5l14 9M19 7.5l-14 9M12 4v16" opacity="0.55" />
      </g>
      <g fill="currentColor">
        <circle cx="12" cy="4" r="2" />
        <circle cx="19" cy="7.5" r="2" />
        <circle cx="19" cy="16.5" r="2" />
        <circle cx="12" cy="20" r="2" />
        <circle cx="5" cy="16.5" r="2" />
        <circle cx="5" cy="7.5" r="2" />
      </g>
    </svg>
  );
}

export interface FollowProps {
  /** This stream's account, `name@host`. */
  account: string;
  serverName: string;
  logo: string;
  followerCount?: number;
  /** The offline panel draws the button larger. */
  variant?: 'action' | 'panel';
}

export function FollowButton({ account, serverName, logo, followerCount = 0, variant = 'action' }: FollowProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        id={variant === 'action' ? 'follow-button' : undefined}
        class={`follow-button external-action-button follow-button_${variant}`}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        <FediverseIcon />
        <span>Follow</span>
        {followerCount > 0 && (
          <span class="follow-count" aria-label={`${followerCount} followers`}>
            {followerCount}
          </span>
        )}
      </button>
      {open && <FollowModal account={account} serverName={serverName} logo={logo} onClose={() => setOpen(false)} />}
    </>
  );
}

function FollowModal({ account, serverName, logo, onClose }: { account: string; serverName: string; logo: string; onClose: () => void }) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const valid = isFediverseAccount(value);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    setProblem('');
    const answer = await remoteFollow(value.trim().replace(/^@/, ''));
    setBusy(false);
    if ('error' in answer) {
      setProblem(answer.error);
      return;
    }
    // A new tab for the visitor's own server, so the stream keeps playing here.
    const opened = window.open(answer.redirectUrl, '_blank');
    if (opened) opened.opener = null;
    else location.assign(answer.redirectUrl);
    onClose();
  };

  return (
    <Modal id="follow-modal" title={`Follow ${serverName}`} onClose={onClose} size="form">
      <form class="follow-form" onSubmit={(e) => void submit(e)}>
        <div class="follow-identity">
          <img class="follow-logo" src={logo} alt="" />
          <div>
            <p class="follow-name">{serverName}</p>
            <p class="follow-account">@{account}</p>
          </div>
        </div>
        <p class="follow-explainer">
          Follow this stream from your account on Mastodon or any other fediverse server, and its posts — like the one
          saying it has gone live — show up in your timeline.
        </p>
        <label class="follow-label" for="follow-account-input">
          Your fediverse account
        </label>
        <input
          id="follow-account-input"
          class="follow-input"
          type="text"
          inputMode="email"
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          placeholder="you@your.server"
          value={value}
          aria-invalid={value !== '' && !valid}
          aria-describedby="follow-hint"
          onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
        />
        <p id="follow-hint" class="follow-hint">
          {value !== '' && !valid ? 'Write it as name@server, like you@mastodon.social.' : 'Like you@mastodon.social'}
        </p>
        {problem && (
          <p class="follow-problem" role="alert">
            {problem}. You can also search for @{account} on your server and follow from there.
          </p>
        )}
        <div class="follow-actions">
          <a class="follow-join" href="https://joinmastodon.org/" target="_blank" rel="noopener noreferrer">
            No account yet? Join the fediverse
          </a>
          <button type="submit" class="follow-submit" disabled={!valid || busy}>
            {busy ? 'Asking your server…' : 'Follow'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
