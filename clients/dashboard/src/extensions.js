// Extensions: the course's extensions, and (for instructors) granting one,
// with the new due time entered in the course's time zone.

import {call, DEADLINE} from './api.js';
import {h, mount, table, field, select, errorBox, flash} from './dom.js';
import {formatInstant, zonedWallToDate, dateToZonedWall, zoneAbbreviation} from './time.js';

function grantForm(course, onGranted) {
  const item = select(course.items.map(i => ({value: i.itemId, label: `${i.title} (${i.itemId})`})), {name: 'item'});
  const principal = h('input', {name: 'principal', list: 'ext-principals', required: true, placeholder: 'student or group id', autocomplete: 'off'});
  const due = h('input', {name: 'due', type: 'datetime-local', required: true});
  const zoneHint = h('span', {class: 'hint'});
  const syncDue = () => {
    const it = course.itemById.get(item.value);
    if (it) {
      due.value = dateToZonedWall(new Date(Date.parse(it.dueAt) + 2 * 86400000).toISOString(), course.zone);
      zoneHint.textContent = `${course.zone}; the item is due ${formatInstant(it.dueAt, course.zone)}`;
    }
  };
  item.addEventListener('change', syncDue);
  syncDue();
  const reason = h('input', {name: 'reason', required: true, placeholder: 'e.g. illness'});
  const submit = h('button', {type: 'submit'}, 'Grant extension');
  return h('form', {class: 'card inline-form', onsubmit: async e => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const dueAt = zonedWallToDate(due.value, course.zone).toISOString();
      const {extension, previous} = await call(DEADLINE, 'GrantExtension', {
        courseId: course.id, itemId: item.value, principal: principal.value.trim(), dueAt,
        reason: reason.value, actingUser: course.claims.sub});
      flash(`${course.name(extension.principal)} may submit ${extension.itemId} until ${formatInstant(extension.dueAt, course.zone)}` +
        (previous ? ` (replacing ${formatInstant(previous.dueAt, course.zone)})` : ''));
      await onGranted();
    } catch (err) {
      flash(`Not granted: ${err.message}`, 'error');
    } finally {
      submit.disabled = false;
    }
  }},
  h('h2', {}, 'Grant an extension'),
  h('datalist', {id: 'ext-principals'},
    course.policy.roster.students.map(s => h('option', {value: s.userId}, s.displayName)),
    course.groups.map(g => h('option', {value: g.groupId}, `group: ${course.name(g.groupId)}`))),
  h('div', {class: 'row'}, field('Item', item), field('Student or group', principal, 'a group extension covers every member'),
    h('label', {class: 'field'}, h('span', {class: 'label'}, 'New due time'), due, zoneHint),
    field('Reason', reason), submit));
}

export async function renderExtensions(root, course) {
  const list = h('div', {}, h('p', {class: 'muted'}, 'Loading extensions…'));
  const load = async () => {
    try {
      const {extensions} = await call(DEADLINE, 'ListExtensions', {courseId: course.id, actingUser: course.claims.sub});
      mount(list, table([
        {label: 'Student or group', cell: x => `${course.name(x.principal)} (${x.principal})`},
        {label: 'Item', cell: x => x.itemId},
        {label: `New due (${course.zone})`, cell: x => formatInstant(x.dueAt, course.zone)},
        {label: 'Reason', cell: x => x.reason},
        {label: 'Granted by', cell: x => `${x.grantedBy}, ${formatInstant(x.grantedAt, course.zone)}`},
      ], extensions, {empty: 'No extensions granted.'}));
    } catch (e) {
      mount(list, errorBox(e));
    }
  };
  mount(root, h('h1', {}, 'Extensions'),
    course.isInstructor ? grantForm(course, async () => { course.submissions = new Map(); course.gradebook = null; await load(); })
      : h('p', {class: 'muted'}, 'Only instructors grant extensions; your token is a grader\'s.'),
    h('section', {class: 'card'}, h('h2', {}, 'Granted'), list));
  await load();
}
