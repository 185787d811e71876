// What the views share about the course: the policy (roster, groups,
// sessions, rubric), its items, and the gradebook, loaded through the API.

import {call, DEADLINE, GRADING} from './api.js';

export const VERDICTS = {
  VERDICT_KIND_ON_TIME: {label: 'on time', class: 'ok'},
  VERDICT_KIND_LATE_COUNTED: {label: 'late, counted', class: 'late'},
  VERDICT_KIND_LATE_NOT_COUNTED: {label: 'late, not counted', class: 'bad'},
  VERDICT_KIND_REFUSED: {label: 'refused', class: 'bad'},
};

export function verdictLabel(kind) {
  return (VERDICTS[kind] || {label: kind || 'unknown'}).label;
}

export const STANDINGS = {
  ITEM_STANDING_SCORED: 'scored',
  ITEM_STANDING_UNGRADED: 'to grade',
  ITEM_STANDING_MISSING: 'missing',
  ITEM_STANDING_NOT_COUNTED: 'late, not counted',
  ITEM_STANDING_NOT_DUE: 'not due yet',
};

export class Course {
  constructor(claims) {
    this.claims = claims;
    this.id = claims.course;
    this.policy = null;
    this.items = [];
    this.zone = 'UTC';
    this.gradebook = null;
    this.gradebookError = null;
  }

  get isInstructor() { return this.claims.role === 'instructor'; }

  // Loads the policy and the items; the gradebook separately (it is the
  // costliest call and the items view can do without it).
  async load() {
    const [policy, items] = await Promise.all([
      call(DEADLINE, 'GetCoursePolicy', {courseId: this.id}),
      call(DEADLINE, 'ListItems', {courseId: this.id}),
    ]);
    this.policy = policy.policy;
    this.warnings = policy.warnings || [];
    this.items = items.items;
    this.zone = items.timeZone || this.policy.timeZone || 'UTC';
    this.itemById = new Map(this.items.map(i => [i.itemId, i]));
    this.studentName = new Map(this.policy.roster.students.map(s => [s.userId, s.displayName || s.userId]));
    this.groups = this.policy.groups || [];
    this.groupById = new Map(this.groups.map(g => [g.groupId, g]));
    this.sessions = this.policy.sessions || [];
  }

  async loadGradebook() {
    try {
      this.gradebook = await call(GRADING, 'GetGradebook', {courseId: this.id});
      this.gradebookError = null;
    } catch (e) {
      this.gradebook = null;
      this.gradebookError = e;
    }
    return this.gradebook;
  }

  name(principal) {
    if (this.studentName.has(principal)) return this.studentName.get(principal);
    const group = this.groupById.get(principal);
    if (group) return group.displayName || group.memberIds.map(m => this.studentName.get(m) || m).join(', ');
    return principal;
  }

  // Every item of a gradebook row: {itemId, standing, late, ...}.
  static rowItems(row) {
    return [...row.components.flatMap(c => c.items), ...(row.unweightedItems || [])];
  }

  // The members of `groupId` as a Set, or null for "every student".
  members(groupId) {
    const group = this.groupById.get(groupId);
    return group ? new Set(group.memberIds) : null;
  }
}

// Runs `task` on every element of `list`, `limit` at a time; resolves to
// the results in order ({value} or {error}).
export async function mapLimited(list, limit, task) {
  const results = new Array(list.length);
  let next = 0;
  async function worker() {
    while (next < list.length) {
      const i = next++;
      try { results[i] = {value: await task(list[i])}; } catch (error) { results[i] = {error}; }
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, list.length)}, worker));
  return results;
}
