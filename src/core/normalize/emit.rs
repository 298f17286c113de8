//! Output: units become the normalized text and its offset tables.
//!
//! The last step of the resolve pass, kept apart because it is the only code
//! that writes into [`Normalized`]: it merges spaces, collapses stretched
//! letters (`stuuupid`) and records, per output byte, the original range.

use super::unit::{is_letter, Unit, VERBATIM};
use super::Normalized;

/// Writes `units` into `out`, whose buffers have been cleared.
pub(super) fn emit(units: &[Unit], out: &mut Normalized) {
    out.text.reserve(units.len());
    out.src.reserve(units.len());
    out.stretched.reserve(units.len());
    let n = units.len();
    let mut p = 0;
    while p < n {
        let u = units[p];
        if u.c == ' ' {
            if out.text.ends_with(' ') {
                if let Some(last) = out.src.last_mut() {
                    last.1 = u.end;
                }
            } else {
                out.emit(' ', u.start, u.end, false);
            }
            p += 1;
            continue;
        }
        if u.c.is_ascii_lowercase() && units.get(p + 1).is_none_or(|v| v.c != u.c) {
            // The common case: a letter that is not repeated.
            out.emit(u.c, u.start, u.end, false);
            p += 1;
            continue;
        }
        let mut q = p + 1;
        if is_letter(u.c) && u.flags & VERBATIM == 0 {
            while q < n && units[q].c == u.c {
                q += 1;
            }
        }
        if q - p >= 3 {
            out.emit(u.c, u.start, units[q - 1].end, true);
        } else {
            for v in &units[p..q] {
                out.emit(v.c, v.start, v.end, false);
            }
        }
        p = q;
    }
}
