// The dashboard's shell: the token gate, the header, and the views by
// location hash (#items, #item/<id>[/<submission>], #gradebook,
// #extensions, #regrades).

import {savedToken, saveToken, forgetToken, tokenClaims, ApiError} from './api.js';
import {Course} from './course.js';
import {h, mount, errorBox} from './dom.js';
import {renderItems} from './items.js';
import {renderItem} from './item.js';
import {renderGradebook} from './gradebook.js';
import {renderExtensions} from './extensions.js';
import {renderRegrades} from './regrades.js';
import {formatInstant} from './time.js';

const main = document.getElementById('main');
let course = null;

function tokenForm(problem) {
  const input = h('textarea', {name: 'token', rows: 4, required: true, spellcheck: false,
    placeholder: 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.…'});
  const message = h('div');
  if (problem) mount(message, errorBox(problem));
  mount(main, h('form', {class: 'card token-form', onsubmit: e => {
    e.preventDefault();
    try {
      const claims = tokenClaims(input.value);
      if (claims.role !== 'grader' && claims.role !== 'instructor') {
        throw new Error(`This token is a ${claims.role}'s (${claims.sub}); the dashboard needs a grader or instructor token.`);
      }
      saveToken(input.value);
      start();
    } catch (err) {
      mount(message, errorBox(err));
    }
  }},
  h('h1', {}, 'Sign in with your staff token'),
  h('p', {}, 'Paste the grader or instructor token the course staff gave you. It is kept in this browser tab only (until you close it).'),
  h('p', {class: 'muted'}, 'Course staff make one with: ',
    h('code', {}, 'handin-admin token issue --key var/keys/token.key --course eecs598-w24 --role grader --user <you>')),
  input, message, h('button', {type: 'submit'}, 'Open the dashboard')));
  input.focus();
}

function signOut() {
  forgetToken();
  course = null;
  document.getElementById('nav').hidden = true;
  document.getElementById('zone-note').hidden = true;
  mount(document.getElementById('who'));
  tokenForm();
}

function header() {
  const {claims} = course;
  document.getElementById('nav').hidden = false;
  mount(document.getElementById('who'),
    h('span', {}, `${claims.sub} · ${claims.role} · ${course.policy.title || course.id}`),
    h('button', {type: 'button', class: 'link', onclick: signOut}, 'Sign out'));
  const note = document.getElementById('zone-note');
  note.hidden = false;
  note.textContent = `All times are in the course's time zone, ${course.zone}` +
    (claims.exp ? `. Your token expires ${formatInstant(new Date(claims.exp * 1000).toISOString(), course.zone)}.` : '.');
}

async function route() {
  if (!course) return;
  const [path, query] = (location.hash.slice(1) || 'items').split('?');
  const params = new URLSearchParams(query || '');
  const [view, ...rest] = path.split('/');
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.view === view || (view === 'item' && a.dataset.view === 'items'));
  }
  try {
    switch (view) {
      case 'item': await renderItem(main, course, decodeURIComponent(rest[0] || ''), rest[1] && decodeURIComponent(rest[1])); break;
      case 'gradebook': await renderGradebook(main, course, params); break;
      case 'extensions': await renderExtensions(main, course); break;
      case 'regrades': await renderRegrades(main, course); break;
      default: await renderItems(main, course, params);
    }
  } catch (e) {
    failed(e);
  }
}

function failed(e) {
  if (e instanceof ApiError && (e.httpStatus === 401 || e.httpStatus === 403) && !course?.policy) {
    forgetToken();
    course = null;
    tokenForm(new Error(`The gateway refused this token: ${e.message}`));
    return;
  }
  mount(main, errorBox(e));
}

async function start() {
  const token = savedToken();
  if (!token) { tokenForm(); return; }
  let claims;
  try { claims = tokenClaims(token); } catch (e) { forgetToken(); tokenForm(e); return; }
  if (claims.exp && claims.exp * 1000 < Date.now()) {
    forgetToken();
    tokenForm(new Error('This token has expired: ask the course staff for a new one.'));
    return;
  }
  course = new Course(claims);
  mount(main, h('p', {class: 'muted'}, `Loading ${claims.course}…`));
  try {
    await course.load();
  } catch (e) {
    course.policy = null;
    failed(e);
    course = null;
    return;
  }
  header();
  await route();
}

window.addEventListener('hashchange', route);
start();
