// The gateway's API: POST /api/<service>/<method> with JSON, the staff
// token as "Authorization: Bearer". Errors come back as
// {"error": {"code": 404, "status": "NOT_FOUND", "message": "..."}}.

export const DEADLINE = 'handin.deadline.v1.DeadlineService';
export const GRADING = 'handin.grading.v1.GradingService';

const TOKEN_KEY = 'handin.token';

// The token pasted in this tab (sessionStorage: gone when the tab closes).
export function savedToken() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
export function saveToken(token) { sessionStorage.setItem(TOKEN_KEY, token.trim()); }
export function forgetToken() { sessionStorage.removeItem(TOKEN_KEY); }

// The claims of a token, read without verifying (the gateway verifies):
// {sub, role, course, exp}. Throws with a readable message if it is not a JWT.
export function tokenClaims(token) {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error('That is not a handin token (expected three dot-separated parts).');
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(decodeURIComponent(escape(json)));
    if (!claims.sub || !claims.role || !claims.course) throw new Error();
    return claims;
  } catch {
    throw new Error('That token cannot be read: paste the whole token that handin-admin token issue printed.');
  }
}

export class ApiError extends Error {
  constructor(httpStatus, status, message) {
    super(message);
    this.httpStatus = httpStatus;
    this.status = status;
  }
}

// The error of a failed response. Its message ends with the gateway's
// request id, which finds the request in the services' logs
// (request_id=...) when a member of staff reports it.
async function errorOf(response) {
  const text = await response.text();
  const id = response.headers.get('X-Request-Id');
  const cite = id ? ` (request id ${id})` : '';
  try {
    const {error} = JSON.parse(text);
    return new ApiError(response.status, error.status, error.message + cite);
  } catch {
    return new ApiError(response.status, `HTTP_${response.status}`,
      `${response.status} ${response.statusText}: ${text.slice(0, 200) || 'no details'}${cite}`);
  }
}

function headers() {
  return {'Authorization': `Bearer ${savedToken()}`, 'Content-Type': 'application/json'};
}

// Calls service/method with `request`; resolves to the response message.
export async function call(service, method, request = {}) {
  let response;
  try {
    response = await fetch(`/api/${service}/${method}`, {
      method: 'POST', headers: headers(), body: JSON.stringify(request)});
  } catch (e) {
    throw new ApiError(0, 'UNAVAILABLE', `The gateway cannot be reached (${e.message}). Is handin running?`);
  }
  if (!response.ok) throw await errorOf(response);
  return response.json();
}

// Saves `blob` as `fileName` through the browser's download.
export function saveBlob(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Downloads one submission with the name its student gave it.
export async function downloadSubmission(courseId, submissionId, fallbackName) {
  const query = new URLSearchParams({course_id: courseId, submission_id: submissionId});
  const response = await fetch(`/api/${GRADING}/DownloadSubmission?${query}`, {headers: headers()});
  if (!response.ok) throw await errorOf(response);
  const disposition = response.headers.get('Content-Disposition') || '';
  const star = /filename\*=UTF-8''([^;]+)/.exec(disposition);
  const name = star ? decodeURIComponent(star[1]) : fallbackName;
  saveBlob(await response.blob(), name);
  return name;
}
