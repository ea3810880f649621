// ISO 8601 dates in CSV cells, read by char codes (a regular expression per cell would cost more
// than the rest of the profile). The result is a sort key, so min/max follow time, zones included.

const SPACE = 32;

/** The value of the two ASCII digits at `at`, or -1 (also past the end, where codes are NaN). */
function twoDigits(text: string, at: number): number {
  const high = text.charCodeAt(at) - 48;
  const low = text.charCodeAt(at + 1) - 48;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = y >= 0 ? (y / 400) | 0 : Math.floor(y / 400); // | 0 floors only from 0 up
  const yearOfEra = y - era * 400;
  const dayOfYear = (((153 * ((month + 9) % 12) + 2) / 5) | 0) + day - 1;
  const dayOfEra = yearOfEra * 365 + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * Reads text.slice(start, end) as an ISO 8601 calendar date (YYYY-MM-DD) or date-time: 'T' or a
 * space, HH:MM[:SS[.fraction]], then optionally Z, ±HH, ±HHMM or ±HH:MM. Checks ranges, leap days
 * included. Returns seconds since the epoch (no zone counts as UTC), or NaN for anything else.
 */
export function parseIsoDate(text: string, start = 0, end = text.length): number {
  const n = end - start;
  if (n < 10 || text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45) {
    return NaN;
  }
  const century = twoDigits(text, start);
  const yearInCentury = twoDigits(text, start + 2);
  const year = century * 100 + yearInCentury;
  const month = twoDigits(text, start + 5);
  const day = twoDigits(text, start + 8);
  if (
    century < 0 ||
    yearInCentury < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month)
  ) {
    return NaN;
  }
  const midnight = daysFromCivil(year, month, day) * 86400;
  if (n === 10) return midnight;
  const separator = text.charCodeAt(start + 10);
  if ((separator !== 84 && separator !== SPACE) || n < 16 || text.charCodeAt(start + 13) !== 58) {
    return NaN;
  }
  const hour = twoDigits(text, start + 11);
  const minute = twoDigits(text, start + 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  let seconds = midnight + hour * 3600 + minute * 60;
  let i = start + 16;
  if (i < end && text.charCodeAt(i) === 58) {
    const second = i + 3 > end ? -1 : twoDigits(text, i + 1);
    if (second < 0 || second > 60) return NaN;
    seconds += second;
    i += 3;
    if (i < end && text.charCodeAt(i) === 46) {
      const first = ++i;
      let scale = 0.1;
      for (; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c < 48 || c > 57) break;
        seconds += (c - 48) * scale;
        scale /= 10;
      }
      if (i === first) return NaN;
    }
  }
  if (i === end) return seconds;
  const zone = text.charCodeAt(i);
  if (zone === 90) return i + 1 === end ? seconds : NaN; // Z
  if (zone !== 43 && zone !== 45) return NaN; // + -
  const rest = end - i - 1;
  const offsetHour = rest < 2 ? -1 : twoDigits(text, i + 1);
  if (offsetHour < 0 || offsetHour > 23) return NaN;
  let offsetMinute = 0;
  if (rest !== 2) {
    const minuteAt = rest === 5 && text.charCodeAt(i + 3) === 58 ? i + 4 : rest === 4 ? i + 3 : -1;
    offsetMinute = minuteAt < 0 ? -1 : twoDigits(text, minuteAt);
    if (offsetMinute < 0 || offsetMinute > 59) return NaN;
  }
  const offset = offsetHour * 3600 + offsetMinute * 60;
  return zone === 43 ? seconds - offset : seconds + offset;
}
