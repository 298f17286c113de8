//! Matcher tests: word edges, wildcards, stretched letters, hidden letters,
//! allow-list, and overlap rules.

use super::*;
use crate::core::normalize::normalize_with;
use crate::core::score::vocabulary_of_pack;
use crate::pack::tests::pack_with;

const EXTRA: &str = r#"
[[category]]
name = "profanity"
weight = 0.6
phrases = ["fuck*", "shit", "*hole", "ass", "bullshit"]

[[category]]
name = "frustration"
weight = 0.1
phrases = ["waste of my time", "third time", "sick of"]

[[category]]
name = "attack"
weight = 0.5
phrases = ["sick"]

[[category]]
name = "thanks"
kind = "deescalating"
weight = 0.3
phrases = ["thanks"]

[[category]]
name = "contempt"
weight = 0.4
phrases = ["thanks for nothing"]

[allow]
phrases = ["scunthorpe", "assassin", "killing me"]

[[category]]
name = "threat"
weight = 0.9
phrases = ["kill*"]

[[topic]]
name = "late-delivery"
label = "your late delivery"
phrases = ["tracking", "late"]
"#;

struct Case {
    name: &'static str,
    input: &'static str,
    expected: &'static [&'static str],
}

/// The phrases (as written) that count in `input`, in order of position.
fn counted(pack: &Pack, m: &Matcher, input: &str) -> Vec<String> {
    let norm = normalize_with(input, &vocabulary_of_pack(pack));
    let mut hits = Vec::new();
    m.find(pack, &norm, &mut hits);
    hits.iter()
        .filter(|h| h.allowed_by.is_none())
        .map(|h| match h.of {
            HitOf::Entry(e) => pack.entries()[e].written.clone(),
            HitOf::Topic(t) => format!("topic:{}", pack.topics()[t].name),
        })
        .collect()
}

#[test]
fn table() {
    let pack = pack_with(EXTRA);
    let m = Matcher::new(&pack).expect("builds");
    let cases = [
        Case { name: "whole word", input: "what an idiot", expected: &["idiot"] },
        Case { name: "plural", input: "idiots, all of you", expected: &["idiot"] },
        Case { name: "no plural for short phrases", input: "his ass", expected: &["ass"] },
        Case { name: "not inside a longer word", input: "idiotic idiocy", expected: &[] },
        Case { name: "trailing star", input: "moronic", expected: &["moron*"] },
        Case { name: "leading star", input: "you arsehole", expected: &["*hole"] },
        Case { name: "multi word", input: "what a waste of my time", expected: &["waste of my time"] },
        Case { name: "prefix star", input: "fucking hell", expected: &["fuck*"] },
        Case { name: "double letter is not single", input: "as soon as", expected: &[] },
        Case { name: "longest in category wins", input: "bullshit", expected: &["bullshit"] },
        Case { name: "allow-list", input: "Scunthorpe and an assassin", expected: &[] },
        Case { name: "allow phrase cancels inside", input: "this bug is killing me", expected: &[] },
        Case {
            name: "allow phrase only where it is",
            input: "killing me softly, I will kill you",
            expected: &["kill*"],
        },
        Case {
            name: "deescalating inside hostile dropped",
            input: "thanks for nothing",
            expected: &["thanks for nothing"],
        },
        Case { name: "deescalating alone", input: "thanks!", expected: &["thanks"] },
        // REGRESSION: "sick of waiting" is frustration, not also an attack.
        Case {
            name: "longer hostile reading wins across categories",
            input: "sick of waiting",
            expected: &["sick of"],
        },
        Case { name: "short phrase alone still counts", input: "you are sick", expected: &["sick"] },
        Case {
            name: "topic",
            input: "the tracking is late",
            expected: &["topic:late-delivery", "topic:late-delivery"],
        },
        Case { name: "hidden letter", input: "f*ck this", expected: &["fuck*"] },
        Case { name: "hidden letters longer word", input: "sh*t", expected: &["shit"] },
        Case { name: "markdown star is not hidden letter", input: "*sigh* ok", expected: &[] },
    ];
    for c in cases {
        assert_eq!(counted(&pack, &m, c.input), c.expected, "{}", c.name);
    }
}

#[test]
fn stretched_letters() {
    let pack = pack_with(EXTRA);
    let m = Matcher::new(&pack).expect("builds");
    let cases = [
        Case { name: "stretched vowel", input: "idiooooot", expected: &["idiot"] },
        Case { name: "stretched double letter", input: "asssss", expected: &["ass"] },
        Case { name: "stretched prefix", input: "fuuuuuck", expected: &["fuck*"] },
        Case { name: "v typed for u", input: "fvck this", expected: &["fuck*"] },
        Case { name: "es only after a hissing ending", input: "asses and shites", expected: &["ass"] },
        Case { name: "v typed for u, stretched", input: "fvvvvck", expected: &["fuck*"] },
        Case { name: "hidden letter after a leet first letter", input: "5h*t", expected: &["shit"] },
        Case { name: "hidden letter next to leet", input: "f*ck1ng", expected: &["fuck*"] },
    ];
    for c in cases {
        assert_eq!(counted(&pack, &m, c.input), c.expected, "{}", c.name);
    }
}

#[test]
fn spans_map_back_to_the_original() {
    let pack = pack_with(EXTRA);
    let m = Matcher::new(&pack).expect("builds");
    let text = "ok YOU 1d10t!";
    let norm = normalize_with(text, &vocabulary_of_pack(&pack));
    let mut hits = Vec::new();
    m.find(&pack, &norm, &mut hits);
    let h = hits.first().expect("a hit");
    let (s, e) = norm.original_span(h.start, h.end);
    assert_eq!(&text[s..e], "1d10t");
}

#[test]
fn variants_of_double_letters() {
    assert_eq!(variants("ass"), vec![("ass".to_string(), 0), ("as".to_string(), 0b10)]);
    assert_eq!(variants("bbb"), vec![("b".to_string(), 0b1)], "three letters are one stretched letter");
    assert_eq!(variants("idiot").len(), 1);
    assert_eq!(variants("bullshit").len(), 2);
}
