// Live updates: follows /changes with EventSource, which reconnects by itself and resumes with Last-Event-ID.
// A browser gives up for good when a reconnect gets an error status (a 503 while the database restarts), so
// then we open a new stream ourselves, resuming after the last event we saw.

export const EVENT_TYPES = ['claim-changed', 'mention-recorded'];

const LABELS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };
const RETRY_AFTER_CLOSE_MS = 5000;

export function follow(indicator, onChange) {
  const setState = (state) => {
    indicator.dataset.state = state;
    indicator.querySelector('.live-text').textContent = LABELS[state];
  };
  let lastEventId = null;
  const open = () => {
    const url = lastEventId === null ? '/changes' : `/changes?lastEventId=${encodeURIComponent(lastEventId)}`;
    const source = new EventSource(url);
    source.addEventListener('open', () => setState('live'));
    // Where the stream starts: resuming from here after a drop misses nothing, even before the first change.
    source.addEventListener('ready', (event) => {
      lastEventId = event.lastEventId || lastEventId;
    });
    source.addEventListener('error', () => {
      setState('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(open, RETRY_AFTER_CLOSE_MS);
      }
    });
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        lastEventId = event.lastEventId || lastEventId;
        onChange({ type, id: event.lastEventId, change: JSON.parse(event.data) });
      });
    }
  };
  open();
}
