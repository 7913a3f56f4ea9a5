/**
 * Getting a person's attention with the browser's own APIs: a short tone made with Web Audio (no
 * sound file to fetch) and a system notification when the page may show them. Browsers allow
 * audio only after the person interacted with the page, which logging in is.
 */
let audio: AudioContext | undefined;

/** Call from a click (the login button): unlocks audio and asks for notifications once. */
export function primeAttention(): void {
  try {
    audio ??= new AudioContext();
    void audio.resume();
  } catch {
    audio = undefined;
  }
  if ('Notification' in globalThis && Notification.permission === 'default') {
    void Notification.requestPermission().catch(() => undefined);
  }
}

/** Two short tones (urgent: three, higher). */
export function beep(urgent = false): void {
  if (!audio) return;
  const start = audio.currentTime;
  const count = urgent ? 3 : 2;
  for (let i = 0; i < count; i++) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = urgent ? 1046 : 784;
    gain.gain.setValueAtTime(0.0001, start + i * 0.22);
    gain.gain.exponentialRampToValueAtTime(0.25, start + i * 0.22 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.22 + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + i * 0.22);
    osc.stop(start + i * 0.22 + 0.2);
  }
}

let count = 0;

/** Sound and, when allowed, a system notification; the page title counts unseen ones. */
export function alertPerson(title: string, body: string, urgent = false): void {
  beep(urgent);
  if ('Notification' in globalThis && Notification.permission === 'granted') {
    try {
      new Notification(title, { body, tag: `fenghuo-${title}`, requireInteraction: urgent });
    } catch {
      // Some browsers allow notifications only from a service worker; the sound is enough.
    }
  }
  if (document.hidden) {
    count++;
    document.title = `(${count}) 烽火 Fenghuo`;
  }
  document.body.dataset.attention = String(Number(document.body.dataset.attention ?? '0') + 1);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    count = 0;
    document.title = '烽火 Fenghuo';
  }
});
