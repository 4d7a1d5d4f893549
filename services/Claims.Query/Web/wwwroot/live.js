// Live updates: follows /changes with EventSource, which reconnects by itself and resumes with Last-Event-ID.

export const EVENT_TYPES = ['claim-changed', 'mention-recorded'];

const LABELS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

export function follow(indicator, onChange) {
  const setState = (state) => {
    indicator.dataset.state = state;
    indicator.querySelector('.live-text').textContent = LABELS[state];
  };
  const source = new EventSource('/changes');
  source.addEventListener('open', () => setState('live'));
  source.addEventListener('error', () => setState('reconnecting'));
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (event) => onChange({ type, id: event.lastEventId, change: JSON.parse(event.data) }));
  }
  return source;
}
