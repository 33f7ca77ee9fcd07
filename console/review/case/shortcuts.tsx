/** The case page's keyboard shortcuts, listed beside the decision form. */

export const SHORTCUTS: [string, string][] = [
  ['j', '下一件'],
  ['k', '上一件'],
  ['a', '批准'],
  ['r', '驳回'],
  ['n', '填写备注'],
  ['Ctrl+Enter', '提交决定'],
  ['q', '返回队列'],
];

export function Shortcuts() {
  return (
    <aside class="shortcuts" aria-label="键盘快捷键">
      <h3>键盘快捷键</h3>
      <dl>
        {SHORTCUTS.map(([key, what]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}
