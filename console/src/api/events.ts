import { onBeforeUnmount, ref } from 'vue';

/** A notice of the runtime event stream (GET /api/v1/events). */
export interface RobotNotice {
  robotId: string;
  status?: string;
  reason?: string;
  retryAt?: string;
  wxName?: string;
  expiresAt?: string;
  mentionId?: string;
}

/**
 * Listens to the runtime's events while the calling component lives: `onNotice` gets each robot
 * and qrcode notice; `connected` says whether the stream is up (the browser reconnects by itself);
 * `onEnded` runs when the server says the session ended.
 */
export function useRuntimeEvents(handlers: {
  onNotice(kind: 'robot' | 'qrcode' | 'mention', n: RobotNotice): void;
  onEnded(): void;
}) {
  const connected = ref(false);
  const source = new EventSource('/api/v1/events');
  source.addEventListener('ready', () => (connected.value = true));
  source.addEventListener('robot', (e) => handlers.onNotice('robot', JSON.parse((e as MessageEvent).data)));
  source.addEventListener('qrcode', (e) => handlers.onNotice('qrcode', JSON.parse((e as MessageEvent).data)));
  source.addEventListener('mention', (e) => handlers.onNotice('mention', JSON.parse((e as MessageEvent).data)));
  source.addEventListener('ended', () => {
    source.close();
    handlers.onEnded();
  });
  source.onerror = () => {
    connected.value = false;
    // Closed for good (e.g. 401: the session ended): the browser will not retry.
    if (source.readyState === EventSource.CLOSED) handlers.onEnded();
  };
  onBeforeUnmount(() => source.close());
  return { connected };
}
