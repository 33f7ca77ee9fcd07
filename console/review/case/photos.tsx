/** The ID photos judged in the open round, side by side, and the earlier ones on request. */
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient, CaseFile } from '../../../sdk/index';
import { messageOf } from '../../shared/format';

/** One photo, fetched with the bearer token (never a token in a URL), zoomable and rotatable. */
function Photo({
  api,
  reviewId,
  documentId,
  title,
}: {
  api: ApiClient;
  reviewId: string;
  documentId: string;
  title: string;
}) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  const [zoom, setZoom] = useState(1);
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    let objectUrl: string | undefined;
    let live = true;
    api
      .getReviewDocument(reviewId, documentId)
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        if (live) setUrl(objectUrl);
      })
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [api, reviewId, documentId]);
  return (
    <figure class="photo">
      <figcaption>{title}</figcaption>
      <div class="frame">
        {url ? (
          <img src={url} alt={title} style={{ transform: `rotate(${turn * 90}deg) scale(${zoom})` }} />
        ) : (
          <p>{error ?? '加载中…'}</p>
        )}
      </div>
      <fieldset class="tools" aria-label={`${title}：缩放与旋转`}>
        <button type="button" aria-label="放大" onClick={() => setZoom((z) => Math.min(4, z * 1.25))}>
          ＋
        </button>
        <button type="button" aria-label="缩小" onClick={() => setZoom((z) => Math.max(0.5, z / 1.25))}>
          －
        </button>
        <button type="button" aria-label="旋转 90 度" onClick={() => setTurn((t) => (t + 1) % 4)}>
          ⟳
        </button>
        <button
          type="button"
          aria-label="复位"
          onClick={() => {
            setZoom(1);
            setTurn(0);
          }}
        >
          复位
        </button>
      </fieldset>
    </figure>
  );
}

export function Photos({
  api,
  reviewId,
  file,
  round,
}: {
  api: ApiClient;
  reviewId: string;
  file: CaseFile;
  round: number;
}) {
  // The photos judged in the open round: the last accepted set for it, else the application's.
  const forRound = file.documents.filter((d) => d.round === round && d.accepted);
  const current = forRound.length ? forRound.slice(-2) : file.documents.slice(0, 2);
  const earlier = file.documents.filter((d) => !current.includes(d));
  const [showEarlier, setShowEarlier] = useState(false);
  if (!current.length) return <p>本案没有存档的证件照片。</p>;
  const title = (d: CaseFile['documents'][number]) =>
    `${d.side === 'FRONT' ? '人像面' : '国徽面'} · ${d.source === 'APPLICATION' ? '开户时上传' : '重新上传'} · 第 ${d.round} 轮${d.accepted ? '' : '（未通过检查）'}`;
  return (
    <>
      <div class="photos">
        {current.map((d) => (
          <Photo
            key={d.documentId}
            api={api}
            reviewId={reviewId}
            documentId={d.documentId}
            title={title(d)}
          />
        ))}
      </div>
      {earlier.length > 0 && (
        <details onToggle={(e) => setShowEarlier((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>此前的照片（{earlier.length} 张；查看会记入审计日志）</summary>
          {showEarlier && (
            <div class="photos small">
              {earlier.map((d) => (
                <Photo
                  key={d.documentId}
                  api={api}
                  reviewId={reviewId}
                  documentId={d.documentId}
                  title={title(d)}
                />
              ))}
            </div>
          )}
        </details>
      )}
    </>
  );
}
