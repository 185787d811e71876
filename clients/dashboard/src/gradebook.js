// The gradebook: every student, each component's points, bonus and the
// weighted total; recording a score; the CSV export.

import {call, GRADING, saveBlob} from './api.js';
import {Course, STANDINGS} from './course.js';
import {h, mount, table, field, select, errorBox, flash} from './dom.js';
import {formatInstant} from './time.js';

const fixed = n => Number(n || 0).toFixed(1);

function itemsDetail(course, row) {
  return table([
    {label: 'Item', cell: i => h('span', {}, i.title || i.itemId, h('span', {class: 'muted small'}, ` ${i.itemId}`))},
    {label: 'Standing', cell: i => h('span', {class: `chip ${i.standing === 'ITEM_STANDING_SCORED' ? 'ok' : i.standing === 'ITEM_STANDING_UNGRADED' || i.standing === 'ITEM_STANDING_NOT_DUE' ? '' : 'bad'}`},
      STANDINGS[i.standing] || i.standing, i.late ? ' · late' : '')},
    {label: 'Score', cell: i => (i.score && i.score.maxPoints ? `${i.score.points} / ${i.score.maxPoints}` : '—')},
    {label: 'Note', cell: i => i.note || ''},
  ], Course.rowItems(row), {empty: 'Owes nothing yet.'});
}

function scoreForm(course, params, onRecorded) {
  const gradedItems = course.items.filter(i => (course.policy.grading || []).some(c => (c.itemIds || []).includes(i.itemId) || (c.itemIds || []).includes(i.templateId)));
  const itemSelect = select((gradedItems.length ? gradedItems : course.items).map(i => ({value: i.itemId, label: `${i.title} (${i.itemId})`})),
    {name: 'item', value: params.get('item') || undefined});
  const principals = h('datalist', {id: 'principals'},
    course.policy.roster.students.map(s => h('option', {value: s.userId}, s.displayName)),
    course.groups.map(g => h('option', {value: g.groupId}, `group: ${course.name(g.groupId)}`)));
  const principal = h('input', {name: 'principal', list: 'principals', required: true, value: params.get('principal') || '', placeholder: 'student or group id', autocomplete: 'off'});
  const points = h('input', {name: 'points', type: 'number', step: 'any', min: '0', required: true});
  const max = h('input', {name: 'max_points', type: 'number', step: 'any', min: '0', value: '10', required: true});
  const comment = h('input', {name: 'comment', maxlength: '4096', placeholder: 'optional, for the student'});
  const submit = h('button', {type: 'submit'}, 'Record score');
  return h('form', {class: 'card inline-form', dataset: {testid: 'score-form'}, onsubmit: async e => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const {score, previous} = await call(GRADING, 'RecordScore', {
        courseId: course.id, itemId: itemSelect.value, principal: principal.value.trim(),
        points: Number(points.value), maxPoints: Number(max.value), comment: comment.value});
      flash(`Recorded ${score.points}/${score.maxPoints} for ${course.name(score.principal)} on ${score.itemId}` +
        (previous ? ` (was ${previous.points}/${previous.maxPoints})` : ''));
      await onRecorded(score);
    } catch (err) {
      flash(`Not recorded: ${err.message}`, 'error');
    } finally {
      submit.disabled = false;
    }
  }},
  h('h2', {}, 'Record a score'), principals,
  h('div', {class: 'row'}, field('Item', itemSelect), field('Student or group', principal, 'a group score applies to its members'),
    field('Points', points), field('Out of', max), field('Comment', comment), submit));
}

export async function renderGradebook(root, course, params) {
  const body = h('div', {}, h('p', {class: 'muted'}, 'Computing the gradebook…'));
  let highlight = null;
  const reload = async score => {
    highlight = score ? new Set(course.members(score.principal) || [score.principal]) : null;
    await course.loadGradebook();
    course.submissions = new Map();  // standings may have changed
    show();
  };
  const exportCsv = h('button', {type: 'button', class: 'secondary', onclick: async () => {
    try {
      const {fileName, csv, rows} = await call(GRADING, 'ExportGradebookCsv', {courseId: course.id});
      saveBlob(new Blob([csv], {type: 'text/csv;charset=utf-8'}), fileName);
      flash(`Saved ${fileName} (${rows} students)`);
    } catch (err) { flash(`Export failed: ${err.message}`, 'error'); }
  }}, 'Export CSV');
  mount(root, h('div', {class: 'title-row'}, h('h1', {}, 'Gradebook'), exportCsv), scoreForm(course, params, reload), body);

  const open = new Set();
  function show() {
    const book = course.gradebook;
    if (!book) { mount(body, errorBox(course.gradebookError || new Error('No gradebook.'))); return; }
    const components = book.components;
    const rows = book.students.map(row => ({row}));
    const columns = [
      {label: 'Student', cell: r => h('span', {}, r.row.displayName || r.row.student, h('span', {class: 'muted small'}, ` ${r.row.student}`))},
      ...components.map((c, i) => ({label: `${c.title} (${c.weightPercent})`, class: 'n', cell: r => {
        const grade = r.row.components[i];
        return grade && grade.graded ? fixed(grade.points) : h('span', {class: 'muted'}, '—');
      }})),
      {label: 'Bonus', class: 'n', cell: r => (r.row.bonusPoints ? `+${fixed(r.row.bonusPoints)}` : '')},
      {label: 'Total', class: 'n total', cell: r => h('strong', {dataset: {testid: `total-${r.row.student}`}}, fixed(r.row.totalPoints))},
      {label: 'Graded of 100', class: 'n', cell: r => fixed(r.row.gradedWeightPercent)},
      {label: 'Missing', class: 'n', cell: r => (r.row.missingItemIds.length ? h('span', {class: 'num bad', title: r.row.missingItemIds.join(', ')}, String(r.row.missingItemIds.length)) : '0')},
    ];
    const grid = table(columns, rows, {
      onRowClick: r => { open.has(r.row.student) ? open.delete(r.row.student) : open.add(r.row.student); show(); },
      rowClass: r => (highlight && highlight.has(r.row.student) ? 'changed' : undefined)});
    // Detail rows go right under their student's row.
    const tbody = grid.querySelector('tbody');
    if (tbody) {
      const mainRows = Array.from(tbody.rows);
      book.students.forEach((row, i) => {
        if (!open.has(row.student)) return;
        mainRows[i].after(h('tr', {class: 'detail'}, h('td', {colSpan: columns.length}, itemsDetail(course, row))));
      });
    }
    mount(body,
      h('p', {class: 'muted'}, `Computed ${formatInstant(book.computedAt, course.zone)}. Points are of the final grade (out of 100); click a student for their items.`),
      (book.warnings || []).map(w => errorBox(new Error(w))),
      grid);
  }
  if (!course.gradebook) await course.loadGradebook();
  show();
}
