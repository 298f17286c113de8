use super::text::{change, duration, fit};
use crate::core::Level;
use crate::testing::{check, Case};

#[test]
fn durations_read_as_people_say_them() {
    check(
        "duration",
        &[
            Case { name: "seconds", input: 45, expected: "45 s" },
            Case { name: "minutes", input: 600, expected: "10 min" },
            Case { name: "hours", input: 7200, expected: "2 h" },
            Case { name: "hours and minutes", input: 5400, expected: "1 h 30 min" },
            Case { name: "odd", input: 3661, expected: "3661 s" },
        ],
        |s| duration(*s),
    );
}

#[test]
fn columns_pad_and_cut() {
    check(
        "fit",
        &[
            Case { name: "padded", input: ("ab", 4), expected: "ab  " },
            Case { name: "cut", input: ("abcdef", 4), expected: "abc…" },
            Case { name: "characters, not bytes", input: ("héllo", 5), expected: "héllo" },
        ],
        |(s, w)| fit(s, *w),
    );
    assert_eq!(change(Level::Calm, Level::Calm), "calm");
    assert_eq!(change(Level::Heated, Level::Tense), "heated → tense");
}
