// Tiny DOM helpers. Text always goes in as text nodes (never innerHTML), so
// names, file names and reasons from submissions cannot inject markup.

// h('a', {href: '#x', class: 'btn', onclick: fn, dataset: {testid: 'y'}}, 'text', child, ...)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key in el && typeof value !== 'string') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces the content of `el` with `children`.
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A table (in a horizontally scrolling box) with a header row and one row
// per item of `rows`; `columns` are
// {label, cell: row => node|string, class?}.
export function table(columns, rows, {onRowClick, rowClass, empty = 'Nothing yet.'} = {}) {
  if (rows.length === 0) return h('p', {class: 'muted'}, empty);
  return h('div', {class: 'table-wrap'}, h('table', {class: 'grid'},
    h('thead', {}, h('tr', {}, columns.map(c => h('th', {class: c.class, title: c.title}, c.label)))),
    h('tbody', {}, rows.map(row => {
      const tr = h('tr', {class: rowClass ? rowClass(row) : undefined},
        columns.map(c => h('td', {class: c.class}, c.cell(row))));
      if (onRowClick) {
        tr.classList.add('clickable');
        tr.tabIndex = 0;
        tr.addEventListener('click', () => onRowClick(row));
        tr.addEventListener('keydown', e => { if (e.key === 'Enter') onRowClick(row); });
      }
      return tr;
    }))));
}

// A labelled form field.
export function field(label, input, hint) {
  return h('label', {class: 'field'}, h('span', {class: 'label'}, label), input,
    hint ? h('span', {class: 'hint'}, hint) : null);
}

export function select(options, {value, name, onchange} = {}) {
  const el = h('select', {name, onchange},
    options.map(o => h('option', {value: o.value}, o.label)));
  if (value !== undefined) el.value = value;
  return el;
}

// Shows a message under the header for a few seconds (kind: ok | error).
let flashTimer;
export function flash(message, kind = 'ok') {
  const el = document.getElementById('flash');
  el.textContent = message;
  el.className = `flash ${kind}`;
  el.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { el.hidden = true; }, kind === 'error' ? 12000 : 5000);
}

export function errorBox(error) {
  return h('div', {class: 'error-box', role: 'alert'}, error.message || String(error));
}
