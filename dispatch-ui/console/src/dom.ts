/** A small DOM builder: `h('div.card', { onclick }, child, …)`; text is always set as text. */
type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  spec: K | `${K}.${string}` | `${K}#${string}`,
  props: Props | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const [tagAndId, ...classes] = spec.split('.');
  const [tag, id] = (tagAndId as string).split('#');
  const el = document.createElement(tag as K);
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(' ');
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v as EventListener);
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k === 'class') {
        el.className = `${el.className} ${String(v)}`.trim();
      } else if (k === 'style' && typeof v === 'object') {
        Object.assign(el.style, v);
      } else if (k in el && k !== 'list') {
        (el as unknown as Record<string, unknown>)[k] = v;
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c === null || c === undefined || c === false) continue;
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

interface Keyed {
  readonly el: HTMLElement;
  signature: string;
}
const keyedChildren = new WeakMap<Element, Map<string, Keyed>>();

/**
 * Keeps a list's children in step with `items`, one element per key that lives as long as its item
 * does: made once with `create`, redrawn by `draw` only when `signature` changes, moved only when
 * out of order. A list redrawn wholesale on every update loses a click whose press and release fall
 * either side of a redraw, and the focus; this one keeps both. `empty` is shown when there are no
 * items.
 */
export function syncKeyed<T>(
  list: Element,
  items: readonly T[],
  opts: {
    key(item: T): string;
    signature(item: T): string;
    create(item: T): HTMLElement;
    draw(el: HTMLElement, item: T): void;
    empty?: () => Node;
  },
): void {
  let known = keyedChildren.get(list);
  if (!known) {
    known = new Map();
    keyedChildren.set(list, known);
  }
  const next = new Map<string, Keyed>();
  const ordered: HTMLElement[] = [];
  for (const item of items) {
    const key = opts.key(item);
    const signature = opts.signature(item);
    let entry = known.get(key);
    if (!entry) {
      entry = { el: opts.create(item), signature: '' };
    }
    if (entry.signature !== signature) {
      opts.draw(entry.el, item);
      entry.signature = signature;
    }
    next.set(key, entry);
    ordered.push(entry.el);
  }
  keyedChildren.set(list, next);
  if (ordered.length === 0) {
    fill(list, opts.empty?.() ?? null);
    return;
  }
  ordered.forEach((el, i) => {
    const at = list.children[i];
    if (at !== el) list.insertBefore(el, at ?? null);
  });
  while (list.children.length > ordered.length) list.lastElementChild?.remove();
}
