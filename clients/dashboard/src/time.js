// Instants are shown in the course's time zone, with the zone's
// abbreviation (EST/EDT), whatever the browser's own zone is.

const formats = new Map();
function format(zone, options) {
  const key = zone + JSON.stringify(options);
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat('en-US', {timeZone: zone, ...options}));
  return formats.get(key);
}

// "Wed, May 1, 2024, 6:00 PM EDT"; "—" for no instant.
export function formatInstant(iso, zone) {
  if (!iso) return '—';
  return format(zone, {weekday: 'short', year: 'numeric', month: 'short', day: 'numeric',
    hour: 'numeric', minute: '2-digit', timeZoneName: 'short'}).format(new Date(iso));
}

// With seconds, for receipts: "May 1, 2024, 5:59:58 PM EDT".
export function formatInstantExact(iso, zone) {
  if (!iso) return '—';
  return format(zone, {year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric',
    minute: '2-digit', second: '2-digit', timeZoneName: 'short'}).format(new Date(iso));
}

// "EDT" for the instant `iso` in `zone`.
export function zoneAbbreviation(iso, zone) {
  const parts = format(zone, {timeZoneName: 'short'}).formatToParts(new Date(iso));
  return (parts.find(p => p.type === 'timeZoneName') || {}).value || zone;
}

// Minutes `zone` is ahead of UTC at epoch milliseconds `ms`.
function offsetMinutes(ms, zone) {
  const parts = Object.fromEntries(format(zone, {hourCycle: 'h23', year: 'numeric', month: 'numeric',
    day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'})
    .formatToParts(new Date(ms)).map(p => [p.type, p.value]));
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
}

// The instant (a Date) at which the clocks of `zone` show `wall`
// ("2024-05-03T18:00", as an <input type="datetime-local"> gives it).
export function zonedWallToDate(wall, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wall);
  if (!m) throw new Error(`"${wall}" is not a date and time`);
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const next = asUtc - offsetMinutes(guess, zone) * 60000;
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

// The wall clock of `iso` in `zone` as "YYYY-MM-DDTHH:MM" (for inputs).
export function dateToZonedWall(iso, zone) {
  const p = Object.fromEntries(format(zone, {hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit'}).formatToParts(new Date(iso)).map(x => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

// "3 h 5 min late", "2 d 4 h" from a protobuf JSON Duration ("11100s").
export function formatDuration(duration) {
  if (!duration) return '';
  let seconds = Math.abs(parseFloat(duration));
  const d = Math.floor(seconds / 86400); seconds -= d * 86400;
  const hh = Math.floor(seconds / 3600); seconds -= hh * 3600;
  const mm = Math.floor(seconds / 60);
  return [d && `${d} d`, hh && `${hh} h`, (mm || (!d && !hh)) && `${mm} min`].filter(Boolean).join(' ');
}

// "2.9 MiB".
export function formatBytes(n) {
  n = Number(n);
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}
