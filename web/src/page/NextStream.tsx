// The next scheduled stream in the offline panel (Owncast's development-branch schedule): its name, its
// start in the viewer's own locale and time zone, and — when the streamer shows the countdown — the time
// left, ticking each second. The calendar link subscribes to the whole schedule (/api/schedule.ics).
import type { ScheduledEvent } from '../api';
import { formatElapsed } from '../format';

export interface NextStreamProps {
  event: ScheduledEvent;
  countdown: boolean;
  now: Date;
}

/** "Sunday, March 29 at 8:00 PM CEST" in the viewer's locale (the browser's language and zone). */
export function formatStart(start: Date, locale?: string): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(start);
}

export function NextStream({ event, countdown, now }: NextStreamProps) {
  const start = new Date(event.startTime);
  if (Number.isNaN(start.getTime())) return null;
  const left = (start.getTime() - now.getTime()) / 1000;
  return (
    <section class="next-stream" aria-labelledby="next-stream-name">
      <p class="next-stream-label">{left > 0 ? 'Next stream' : 'Scheduled now'}</p>
      <h3 id="next-stream-name" class="next-stream-name">
        {event.name}
      </h3>
      <p class="next-stream-time">
        <time dateTime={event.startTime}>{formatStart(start)}</time>
      </p>
      {countdown && (
        <p class="next-stream-countdown" role="timer" aria-live="off">
          {left > 0 ? (
            <>
              Starts in <span class="next-stream-left">{formatElapsed(left)}</span>
            </>
          ) : (
            'Starting any moment now'
          )}
        </p>
      )}
      {event.description && <p class="next-stream-description">{event.description}</p>}
      {event.chatOpen && <p class="next-stream-chat">The chat is open: say hello while you wait.</p>}
      <a class="next-stream-calendar" href="/api/schedule.ics">
        Add the schedule to your calendar
      </a>
    </section>
  );
}
