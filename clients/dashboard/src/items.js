// Items: for each deliverable, who owes it and how it stands — submitted on
// time, late, not counted, missing — and the refused attempts; filtered by
// session and by group.

import {call, GRADING} from './api.js';
import {Course, mapLimited} from './course.js';
import {h, mount, table, select, field, errorBox} from './dom.js';
import {formatInstant} from './time.js';

// ListSubmissions of each item, shared with the item view.
export async function submissionsOf(course, itemId) {
  course.submissions ??= new Map();
  if (!course.submissions.has(itemId)) {
    course.submissions.set(itemId, call(GRADING, 'ListSubmissions', {courseId: course.id, itemId}));
  }
  try {
    return await course.submissions.get(itemId);
  } catch (e) {
    course.submissions.delete(itemId);
    throw e;
  }
}

export function sessionLabel(session, zone) {
  const date = new Date(`${session.date}T12:00:00Z`);
  const day = new Intl.DateTimeFormat('en-US', {weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC'}).format(date);
  return session.topic ? `${day} — ${session.topic}` : day;
}

// Per item: {owed, onTime, late, notCounted, missing, notDue} over the
// gradebook rows of `members` (null: everyone).
function standingCounts(course, members) {
  const counts = new Map();
  for (const row of course.gradebook.students) {
    if (members && !members.has(row.student)) continue;
    for (const item of Course.rowItems(row)) {
      const c = counts.get(item.itemId) || {owed: 0, onTime: 0, late: 0, notCounted: 0, missing: 0, notDue: 0};
      c.owed++;
      switch (item.standing) {
        case 'ITEM_STANDING_SCORED':
        case 'ITEM_STANDING_UNGRADED': item.late ? c.late++ : c.onTime++; break;
        case 'ITEM_STANDING_NOT_COUNTED': c.notCounted++; break;
        case 'ITEM_STANDING_MISSING': c.missing++; break;
        case 'ITEM_STANDING_NOT_DUE': c.notDue++; break;
      }
      counts.set(item.itemId, c);
    }
  }
  return counts;
}

// Without a gradebook: counts from the submissions alone (each submitter's
// latest verdict); owed and missing are unknown.
function submissionCounts(listing, members) {
  const latest = new Map();
  for (const s of listing.submissions) {
    if (!members || members.has(s.principal)) latest.set(s.principal, s.verdict.kind);
  }
  const c = {owed: null, onTime: 0, late: 0, notCounted: 0, missing: null, notDue: null};
  for (const kind of latest.values()) {
    if (kind === 'VERDICT_KIND_ON_TIME') c.onTime++;
    else if (kind === 'VERDICT_KIND_LATE_COUNTED') c.late++;
    else if (kind === 'VERDICT_KIND_LATE_NOT_COUNTED') c.notCounted++;
  }
  return c;
}

function count(n, cls) {
  if (n === null || n === undefined) return h('span', {class: 'muted'}, '—');
  return h('span', {class: n > 0 && cls ? `num ${cls}` : 'num'}, String(n));
}

export async function renderItems(root, course, params) {
  const session = params.get('session') || '';
  const group = params.get('group') || '';
  const navigate = (key, value) => {
    const next = new URLSearchParams(params);
    value ? next.set(key, value) : next.delete(key);
    location.hash = `#items?${next}`;
  };
  const filters = h('div', {class: 'filters'},
    field('Session', select([{value: '', label: 'All items'}, {value: '-', label: 'Project and standalone items'},
      // A session is named by its date unless the policy gives it an id.
      ...course.sessions.map(s => ({value: s.sessionId || s.date, label: sessionLabel(s, course.zone)}))],
    {value: session, name: 'session', onchange: e => navigate('session', e.target.value)})),
    field('Group', select([{value: '', label: 'Every student'},
      ...course.groups.map(g => ({value: g.groupId, label: `${course.name(g.groupId)} (${g.kind === 'GROUP_KIND_PROJECT' ? 'project' : 'presentation'})`}))],
    {value: group, name: 'group', onchange: e => navigate('group', e.target.value)})));
  const status = h('p', {class: 'muted'}, 'Counting…');
  const body = h('div');
  mount(root, h('h1', {}, 'Items'), filters, status, body);

  const members = course.members(group);
  let items = course.items.filter(i => !session || (session === '-' ? !i.sessionId : i.sessionId === session));
  if (!course.gradebook && !course.gradebookError) await course.loadGradebook();
  const standings = course.gradebook ? standingCounts(course, members) : null;
  if (standings && members) items = items.filter(i => standings.has(i.itemId));

  const rows = items.map(item => ({item, counts: standings ? (standings.get(item.itemId) || null) : null, refused: null}));
  const render = () => mount(body, table([
    {label: 'Item', cell: r => h('a', {href: `#item/${encodeURIComponent(r.item.itemId)}`}, h('div', {}, r.item.title), h('div', {class: 'muted small'}, r.item.itemId))},
    {label: `Due (${course.zone})`, cell: r => formatInstant(r.item.dueAt, course.zone)},
    {label: 'Owed', class: 'n', title: 'students who owe it', cell: r => count(r.counts ? r.counts.owed : null)},
    {label: 'On time', class: 'n', cell: r => count(r.counts?.onTime, 'ok')},
    {label: 'Late', class: 'n', title: 'late and counted (flagged or penalised)', cell: r => count(r.counts?.late, 'late')},
    {label: 'Not counted', class: 'n', title: 'late, and the late rule does not count it', cell: r => count(r.counts?.notCounted, 'bad')},
    {label: 'Missing', class: 'n', title: 'past due with nothing submitted', cell: r => count(r.counts?.missing, 'bad')},
    {label: 'Not due', class: 'n', cell: r => count(r.counts?.notDue)},
    {label: 'Refused attempts', class: 'n', title: 'uploads intake refused (nothing stored)', cell: r => count(r.refused, 'bad')},
  ], rows, {empty: 'No items match these filters.', onRowClick: r => { location.hash = `#item/${encodeURIComponent(r.item.itemId)}`; }}));
  render();

  const results = await mapLimited(rows, 6, r => submissionsOf(course, r.item.itemId));
  let failed = null;
  results.forEach((result, i) => {
    if (result.error) { failed = result.error; return; }
    const listing = result.value;
    rows[i].refused = listing.refused.filter(a => !members || members.has(a.principal)).length;
    if (!standings) rows[i].counts = submissionCounts(listing, members);
  });
  render();
  const notes = [];
  if (course.gradebookError) notes.push(`Owed and missing need the gradebook, which failed: ${course.gradebookError.message}`);
  if (failed) notes.push(`Some items' submissions could not be listed: ${failed.message}`);
  mount(status, notes.length ? notes.map(n => errorBox(new Error(n)))
    : `${items.length} items${members ? `; counts for ${course.name(group)}` : ''}. Counts are students; a group's submission counts for each member.`);
}
