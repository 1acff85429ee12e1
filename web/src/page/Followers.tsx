// The Followers tab (#followers-collection): who follows this stream on the fediverse (/api/followers).
import { useEffect, useState } from 'preact/hooks';
import { type Follower, fetchFollowers } from '../api';
import { safeHttpUrl } from '../format';

const PAGE = 24;

export function Followers({ account }: { account: string }) {
  const [followers, setFollowers] = useState<Follower[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [shown, setShown] = useState(PAGE);
  useEffect(() => {
    let live = true;
    fetchFollowers().then(
      (list) => live && setFollowers(list),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);

  if (failed) return <p class="followers-empty">The followers could not be loaded right now.</p>;
  if (followers === null) return <p class="followers-empty">Loading the followers…</p>;
  if (followers.length === 0) {
    return <p class="followers-empty">Nobody follows @{account} yet. Be the first: press Follow and enter your fediverse account.</p>;
  }
  return (
    <>
      <ul id="followers-collection" class="followers-list">
        {followers.slice(0, shown).map((follower) => {
          const link = safeHttpUrl(follower.link);
          const image = safeHttpUrl(follower.image);
          const handle = follower.username || follower.link;
          const name = follower.name || handle.split('@')[0] || handle;
          const content = (
            <>
              {image ? <img class="followers-avatar" src={image} alt="" loading="lazy" /> : <span class="followers-avatar followers-avatar-blank" />}
              <span class="followers-text">
                <span class="followers-name">{name}</span>
                <span class="followers-handle">{handle}</span>
              </span>
            </>
          );
          return (
            <li key={follower.link} class="followers-follower">
              {link ? (
                <a href={link} target="_blank" rel="noopener noreferrer">
                  {content}
                </a>
              ) : (
                <div>{content}</div>
              )}
            </li>
          );
        })}
      </ul>
      {followers.length > shown && (
        <button type="button" class="followers-more" onClick={() => setShown(shown + PAGE)}>
          Show more followers
        </button>
      )}
    </>
  );
}
