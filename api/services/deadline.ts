/**
 * The work's answer if it comes within `ms`, else `onTimeout`'s: for the calls that wait on a
 * workflow for a moment and answer something else when it takes longer.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => onTimeout().then(resolve, reject), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
