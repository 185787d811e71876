// One item: its rule, a timeline of submissions around the due instant,
// the submissions (which one counts) and the refused attempts; a
// submission's detail below.

import {downloadSubmission} from './api.js';
import {Course, STANDINGS, VERDICTS, verdictLabel} from './course.js';
import {h, mount, table, errorBox, flash} from './dom.js';
import {submissionsOf} from './items.js';
import {formatInstant, formatInstantExact, formatBytes, formatDuration} from './time.js';

const COLORS = {on: '#2e7d32', late: '#ef8f00', notCounted: '#c62828', refused: '#6d6d6d', due: '#1f4e9c'};
const HOUR = 3600 * 1000;

function verdictChip(kind) {
  return h('span', {class: `chip ${(VERDICTS[kind] || {}).class || ''}`}, verdictLabel(kind));
}

// Cumulative count of `instants` (ms), as stepped {x: units from due, y}.
function cumulative(instants, due, unit) {
  return instants.sort((a, b) => a - b).map((t, i) => ({x: (t - due) / unit, y: i + 1}));
}

let chart = null;

function drawTimeline(canvas, item, listing, zone) {
  if (chart) { chart.destroy(); chart = null; }
  if (!window.Chart) return;
  const due = Date.parse(item.dueAt);
  const starts = [...listing.submissions, ...listing.refused].map(s => Date.parse(s.startedAt));
  // Hours around the due instant; days when uploads are spread wider.
  const span = Math.max(0, ...starts.map(t => Math.abs(t - due)));
  const [unit, unitName] = span > 96 * HOUR ? [24 * HOUR, 'd'] : [HOUR, 'h'];
  const of = kind => listing.submissions.filter(s => s.verdict.kind === kind).map(s => Date.parse(s.startedAt));
  const series = [
    {label: 'on time', color: COLORS.on, data: cumulative(of('VERDICT_KIND_ON_TIME'), due, unit)},
    {label: 'late, counted', color: COLORS.late, data: cumulative(of('VERDICT_KIND_LATE_COUNTED'), due, unit)},
    {label: 'late, not counted', color: COLORS.notCounted, data: cumulative(of('VERDICT_KIND_LATE_NOT_COUNTED'), due, unit)},
    {label: 'refused attempts', color: COLORS.refused, data: cumulative(listing.refused.map(a => Date.parse(a.startedAt)), due, unit)},
  ];
  const xs = series.flatMap(s => s.data.map(p => p.x));
  const top = Math.max(1, ...series.flatMap(s => s.data.map(p => p.y)));
  const datasets = series.filter(s => s.data.length).map(s => ({
    label: s.label, data: s.data, stepped: true, borderColor: s.color, backgroundColor: s.color,
    pointRadius: 4, showLine: true,
  }));
  datasets.push({label: 'due', data: [{x: 0, y: 0}, {x: 0, y: top}], borderColor: COLORS.due,
    borderDash: [6, 4], pointRadius: 0, showLine: true});
  chart = new window.Chart(canvas, {
    type: 'scatter',
    data: {datasets},
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: {
        x: {type: 'linear', min: Math.min(unitName === 'h' ? -24 : -1, ...xs.map(x => Math.floor(x) - 1)),
          max: Math.max(unitName === 'h' ? 24 : 1, ...xs.map(x => Math.ceil(x) + 1)),
          title: {display: true, text: `${unitName === 'h' ? 'hours' : 'days'} from due (${formatInstant(item.dueAt, zone)}, dashed line)`},
          ticks: {callback: v => (v > 0 ? `+${v} ${unitName}` : `${v} ${unitName}`)}},
        y: {beginAtZero: true, suggestedMax: top + 1, ticks: {precision: 0}, title: {display: true, text: 'uploads so far'}},
      },
      plugins: {
        tooltip: {callbacks: {label: ctx => ctx.dataset.label === 'due' ? 'due'
          : `${ctx.dataset.label} #${ctx.parsed.y}: ${formatInstant(new Date(due + ctx.parsed.x * unit).toISOString(), zone)}`}},
      },
    },
  });
}

function detail(course, item, listing, submission) {
  const counted = new Set(listing.counted.map(c => c.submissionId));
  const unit = (listing.counted.find(c => c.submissionId === submission.submissionId) || {}).unit;
  const v = submission.verdict;
  const rows = [
    ['Submission', submission.submissionId],
    ['Student', `${course.name(submission.principal)} (${submission.principal})`],
    ['Counts', counted.has(submission.submissionId) ? `yes, graded for ${course.name(unit)}` : 'no (another submission counts, or none does)'],
    ['File', `${submission.fileName} — ${formatBytes(submission.sizeBytes)}${submission.mediaType ? `, ${submission.mediaType}` : ''}`],
    ['SHA-256', submission.sha256Hex],
    ['Started (counts)', formatInstantExact(submission.startedAt, course.zone)],
    ['Completed', formatInstantExact(submission.completedAt, course.zone)],
    ['Committed', formatInstantExact(submission.committedAt, course.zone)],
    ['Due for them', formatInstant(v.dueAt, course.zone)],
    ['Late by', v.lateness && parseFloat(v.lateness) > 0 ? formatDuration(v.lateness) : '—'],
    ['Penalty', v.penaltyPercent ? `${v.penaltyPercent} %` : '—'],
    ['Content warnings', (submission.contentWarnings || []).join('; ') || '—'],
    ['Audit event', `#${submission.auditSequence} ${submission.auditHashHex}`],
    ['Policy digest', submission.policyDigest || '—'],
  ];
  const principal = unit || submission.principal;
  return h('section', {class: 'card', id: 'submission-detail', dataset: {testid: 'submission-detail'}},
    h('h2', {}, 'Submission ', h('code', {}, submission.submissionId)),
    h('p', {class: 'verdict'}, verdictChip(v.kind), ' ', h('span', {dataset: {testid: 'verdict-reason'}}, v.reason)),
    h('dl', {class: 'receipt'}, rows.map(([k, val]) => [h('dt', {}, k), h('dd', {}, val)])),
    h('div', {class: 'actions'},
      h('button', {type: 'button', onclick: async e => {
        e.target.disabled = true;
        try { flash(`Saved ${await downloadSubmission(course.id, submission.submissionId, submission.fileName)}`); }
        catch (err) { flash(`Download failed: ${err.message}`, 'error'); }
        finally { e.target.disabled = false; }
      }}, 'Download'),
      h('a', {class: 'button secondary', href: `#gradebook?${new URLSearchParams({item: item.itemId, principal})}`},
        `Score ${course.name(principal)} for this item`)));
}

// Who owes the item and how each stands, from the gradebook.
function owers(course, itemId) {
  if (!course.gradebook) {
    return h('p', {class: 'muted'}, `Who owes it needs the gradebook: ${course.gradebookError ? course.gradebookError.message : 'not loaded'}`);
  }
  const by = new Map();
  for (const row of course.gradebook.students) {
    const grade = Course.rowItems(row).find(i => i.itemId === itemId);
    if (!grade) continue;
    const key = grade.standing === 'ITEM_STANDING_SCORED' || grade.standing === 'ITEM_STANDING_UNGRADED'
      ? (grade.late ? 'late' : 'on time') : STANDINGS[grade.standing] || grade.standing;
    by.set(key, [...(by.get(key) || []), row.displayName || row.student]);
  }
  const total = [...by.values()].reduce((n, names) => n + names.length, 0);
  if (total === 0) return h('p', {class: 'muted'}, 'No student owes this item.');
  return h('ul', {class: 'owers'}, [...by.entries()].map(([standing, names]) =>
    h('li', {}, h('strong', {}, `${standing}: ${names.length}`), ` — ${names.join(', ')}`)));
}

export async function renderItem(root, course, itemId, submissionId) {
  const item = course.itemById.get(itemId);
  if (!item) { mount(root, errorBox(new Error(`No item ${itemId} in ${course.id}.`))); return; }
  const canvas = h('canvas', {'aria-label': `Uploads of ${item.title} over time around its due instant`, role: 'img'});
  const subs = h('div', {}, h('p', {class: 'muted'}, 'Loading submissions…'));
  mount(root,
    h('p', {}, h('a', {href: '#items'}, '← All items')),
    h('h1', {}, item.title, ' ', h('span', {class: 'muted small'}, item.itemId)),
    h('p', {}, h('strong', {}, 'Due '), formatInstant(item.dueAt, course.zone), ' · ', item.rule),
    h('p', {class: 'muted'}, `Owed by ${item.audience}. Graded: ${item.countedVersion === 'COUNTED_VERSION_FIRST' ? 'the first' : item.countedVersion === 'COUNTED_VERSION_LATEST_ON_TIME' ? 'the latest on-time' : 'the latest'} counted submission.`),
    h('section', {class: 'card'}, h('h2', {}, 'Timeline'), h('div', {class: 'chart'}, canvas)),
    subs);
  if (!course.gradebook && !course.gradebookError) await course.loadGradebook();
  let listing;
  try { listing = await submissionsOf(course, itemId); } catch (e) { mount(subs, errorBox(e)); return; }
  drawTimeline(canvas, item, listing, course.zone);
  const counted = new Set(listing.counted.map(c => c.submissionId));
  const open = s => { location.hash = `#item/${encodeURIComponent(itemId)}/${encodeURIComponent(s.submissionId)}`; };
  const selected = listing.submissions.find(s => s.submissionId === submissionId);
  mount(subs,
    h('section', {class: 'card'}, h('h2', {}, `Submissions (${listing.submissions.length})`),
      table([
        {label: 'Student', cell: s => h('span', {}, course.name(s.principal), h('span', {class: 'muted small'}, ` ${s.principal}`))},
        {label: `Started (${course.zone})`, cell: s => formatInstant(s.startedAt, course.zone)},
        {label: 'Verdict', cell: s => verdictChip(s.verdict.kind)},
        {label: 'Counts', cell: s => (counted.has(s.submissionId) ? h('strong', {}, 'graded') : '')},
        {label: 'File', cell: s => `${s.fileName} (${formatBytes(s.sizeBytes)})`},
      ], listing.submissions, {onRowClick: open, empty: 'Nothing submitted yet.',
        rowClass: s => (s.submissionId === submissionId ? 'selected' : undefined)})),
    selected ? detail(course, item, listing, selected) : null,
    h('section', {class: 'card'}, h('h2', {}, 'Who owes it'), owers(course, itemId)),
    h('section', {class: 'card'}, h('h2', {}, `Refused attempts (${listing.refused.length})`),
      h('p', {class: 'muted'}, 'Uploads intake refused after reading their metadata; nothing of them was stored.'),
      table([
        {label: 'Student', cell: a => `${course.name(a.principal)} (${a.principal})`},
        {label: `Started (${course.zone})`, cell: a => formatInstant(a.startedAt, course.zone)},
        {label: 'Received', cell: a => `${formatBytes(a.bytesReceived)} of ${formatBytes(a.declaredSizeBytes)}`},
        {label: 'Code', cell: a => h('code', {}, a.code)},
        {label: 'Reason', cell: a => a.reason},
      ], listing.refused, {empty: 'None.'})));
  if (selected) document.getElementById('submission-detail').scrollIntoView({block: 'nearest'});
}
