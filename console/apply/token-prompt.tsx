/** Development only: a tenant token typed in when no host hands one over. */
import { useState } from 'preact/hooks';
import { rememberTypedToken } from './host';

export function TokenPrompt({ onToken }: { onToken(t: string): void }) {
  const [t, setT] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        rememberTypedToken(t.trim());
        onToken(t.trim());
      }}
    >
      <p class="notice">未检测到宿主 App 提供的令牌（开发模式）。</p>
      <div class="field">
        <label for="apptoken">应用令牌</label>
        <input
          id="apptoken"
          type="password"
          autocomplete="off"
          value={t}
          onInput={(e) => setT(e.currentTarget.value)}
        />
      </div>
      <button type="submit" class="primary" disabled={!t.trim()}>
        继续
      </button>
    </form>
  );
}
