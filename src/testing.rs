//! keel's one test convention, shared by every unit test (`foo/tests.rs`
//! beside `foo.rs`): table-driven cases of one shape, checked all at once.
//!
//! A table is a `const` or `let` list of [`Case`]s with unique names; bugs
//! that were fixed go in a group of their own called `REGRESSION`, with the
//! issue they came from in the case's name. [`check`] runs every case and
//! reports every failure (group, name, input, what came out, what was
//! expected) instead of stopping at the first, so one run shows the whole
//! damage of a change.

use std::collections::HashSet;
use std::fmt::Debug;

/// One row of a table-driven test.
#[derive(Debug, Clone)]
pub struct Case<I, E> {
    /// Unique within its table; says what the row is about.
    pub name: &'static str,
    /// What goes in.
    pub input: I,
    /// What must come out.
    pub expected: E,
}

/// Runs `f` on every case of `group` and fails, listing every mismatch, if
/// any output differs from its expectation (an output may be of another type
/// that compares with it: a `String` against a `&str`).
///
/// # Panics
/// On a mismatch, and on two cases with the same name (a copied row that
/// was never renamed hides what it was meant to test).
pub fn check<I: Debug, E: Debug, G: Debug + PartialEq<E>>(group: &str, cases: &[Case<I, E>], f: impl Fn(&I) -> G) {
    let mut names = HashSet::new();
    let mut failures = Vec::new();
    for case in cases {
        assert!(names.insert(case.name), "{group}: two cases are called {:?}", case.name);
        let got = f(&case.input);
        if got != case.expected {
            failures
                .push(format!("{group}/{}: {:?} gave {got:?}, expected {:?}", case.name, case.input, case.expected));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::{check, Case};

    #[test]
    fn every_case_passes_quietly() {
        let cases = [Case { name: "one", input: 1, expected: 2 }, Case { name: "two", input: 2, expected: 4 }];
        check("double", &cases, |n| n * 2);
    }

    #[test]
    #[should_panic(expected = "2 of 3 cases failed")]
    fn every_failure_is_reported_at_once() {
        let cases = [
            Case { name: "right", input: 1, expected: 2 },
            Case { name: "wrong", input: 2, expected: 5 },
            Case { name: "also wrong", input: 3, expected: 7 },
        ];
        check("double", &cases, |n| n * 2);
    }

    #[test]
    #[should_panic(expected = "two cases are called \"same\"")]
    fn names_are_unique() {
        let cases = [Case { name: "same", input: 1, expected: 2 }, Case { name: "same", input: 2, expected: 4 }];
        check("double", &cases, |n| n * 2);
    }
}
