/** Times as the bank's staff and customers read them: China time, 24-hour clock. */
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export const formatTime = (iso: string | undefined): string => (iso ? dateTime.format(new Date(iso)) : '—');

/** "in 3 h 5 min" / "2 h ago", for SLA due times. */
export function relative(iso: string, now = Date.now()): string {
  const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
  const abs = Math.abs(minutes);
  const text = abs >= 60 ? `${Math.floor(abs / 60)} 小时 ${abs % 60} 分` : `${abs} 分钟`;
  return minutes >= 0 ? `${text}后` : `已超时 ${text}`;
}

/** A message for people from whatever was thrown. */
export function messageOf(err: unknown): string {
  if (err && typeof err === 'object' && 'detail' in err && typeof err.detail === 'string') {
    const status = 'status' in err ? `${String(err.status)} ` : '';
    return `${status}${err.detail}`;
  }
  return err instanceof Error ? err.message : String(err);
}
