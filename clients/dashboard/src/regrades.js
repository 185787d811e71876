// Regrade requests: the open ones first; a grader accepts (optionally with
// a new score) or rejects each with an answer to the student.

import {call, GRADING} from './api.js';
import {h, mount, table, errorBox, flash} from './dom.js';
import {formatInstant} from './time.js';

const STATE = {REGRADE_STATE_OPEN: 'open', REGRADE_STATE_ACCEPTED: 'accepted', REGRADE_STATE_REJECTED: 'rejected'};

function resolveForm(course, regrade, onResolved) {
  const response = h('input', {required: true, placeholder: 'answer to the student'});
  const points = h('input', {type: 'number', step: 'any', min: '0', placeholder: 'new points (optional)'});
  const max = h('input', {type: 'number', step: 'any', min: '0', value: '10'});
  const resolve = async state => {
    if (!response.reportValidity()) return;
    const request = {courseId: course.id, regradeId: regrade.regradeId, state, response: response.value};
    if (state === 'REGRADE_STATE_ACCEPTED' && points.value !== '') {
      request.rescore = {points: Number(points.value), maxPoints: Number(max.value)};
    }
    try {
      await call(GRADING, 'ResolveRegrade', request);
      flash(`Regrade of ${regrade.itemId} for ${course.name(regrade.principal)} ${STATE[state]}`);
      course.gradebook = null;
      await onResolved();
    } catch (err) { flash(`Not resolved: ${err.message}`, 'error'); }
  };
  return h('div', {class: 'row'}, response, points, h('span', {class: 'muted'}, 'out of'), max,
    h('button', {type: 'button', onclick: () => resolve('REGRADE_STATE_ACCEPTED')}, 'Accept'),
    h('button', {type: 'button', class: 'secondary', onclick: () => resolve('REGRADE_STATE_REJECTED')}, 'Reject'));
}

export async function renderRegrades(root, course) {
  const body = h('div', {}, h('p', {class: 'muted'}, 'Loading regrade requests…'));
  mount(root, h('h1', {}, 'Regrade requests'), body);
  const load = async () => {
    try {
      const {regrades} = await call(GRADING, 'ListRegrades', {courseId: course.id});
      const open = regrades.filter(r => r.state === 'REGRADE_STATE_OPEN');
      mount(body, table([
        {label: 'Asked', cell: r => formatInstant(r.requestedAt, course.zone)},
        {label: 'Student', cell: r => `${course.name(r.requestedBy)} (${r.requestedBy})`},
        {label: 'Item', cell: r => r.itemId},
        {label: 'Reason', cell: r => r.reason},
        {label: 'State', cell: r => STATE[r.state] || r.state},
        {label: 'Answer', cell: r => (r.state === 'REGRADE_STATE_OPEN' ? resolveForm(course, r, load)
          : `${r.response} — ${r.resolvedBy}, ${formatInstant(r.resolvedAt, course.zone)}`)},
      ], [...open, ...regrades.filter(r => r.state !== 'REGRADE_STATE_OPEN')], {empty: 'No regrade requests.'}));
    } catch (e) {
      mount(body, errorBox(e));
    }
  };
  await load();
}
