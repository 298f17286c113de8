//! Scorer tests: targeting, negation, surface signals, cooling, abuse.

use super::*;
use crate::pack::tests::pack_with;

const EXTRA: &str = r#"
[[category]]
name = "profanity"
weight = 0.6
negatable = false
phrases = ["fuck*"]

[[category]]
name = "targeted-insult"
weight = 0.6
targeted = true
phrases = ["stupid", "useless"]

[[category]]
name = "frustration"
weight = 0.1
phrases = ["ridiculous", "still"]

[[category]]
name = "threat"
weight = 0.9
severe = true
jump_to_tier = 2
targeted = true
phrases = ["kill"]

[[category]]
name = "thanks"
kind = "deescalating"
weight = 0.4
phrases = ["thanks", "sorry"]

[[category]]
name = "civility"
kind = "cue"
weight = -0.1
phrases = ["please"]
"#;

fn analyzer() -> Analyzer {
    Analyzer::new(pack_with(EXTRA)).expect("compiles")
}

#[test]
fn targeting_and_negation() {
    struct Case {
        name: &'static str,
        input: &'static str,
        hostile: bool,
    }
    let a = analyzer();
    let cases = [
        Case { name: "aimed at the reader", input: "you are stupid", hostile: true },
        Case { name: "aimed by contraction", input: "you're so useless", hostile: true },
        Case { name: "aimed at a mention", input: "<@123456> is stupid", hostile: true },
        Case { name: "aimed at a third person", input: "he is useless", hostile: true },
        Case { name: "describes a thing", input: "this stupid form again", hostile: false },
        Case { name: "determiner before even with you earlier", input: "can you fix this stupid form", hostile: false },
        Case { name: "after the phrase", input: "kill you", hostile: true },
        Case { name: "negated", input: "you're not stupid", hostile: false },
        Case { name: "negated after the subject", input: "i won't kill you", hostile: false },
        Case { name: "a negation in another clause", input: "if it isn't back tonight i'll kill you", hostile: true },
        Case { name: "a phrase with its own subject", input: "it isn't fixed, i will kill you", hostile: true },
        Case { name: "negation does not cancel profanity", input: "this is not fucking fair", hostile: true },
        Case { name: "untargeted noun counts", input: "what an idiot", hostile: true },
        Case { name: "clause boundary stops the aim", input: "I told you. Stupid printer", hostile: false },
        Case { name: "calm", input: "Hi, could you please check my order?", hostile: false },
    ];
    for c in cases {
        let r = a.analyze(c.input, 0.0);
        assert_eq!(r.hostile, c.hostile, "{}: score {} signals {:?}", c.name, r.score, r.signals);
    }
}

#[test]
fn amplifiers_and_cooling_move_the_score() {
    let a = analyzer();
    let base = a.analyze("this is ridiculous", 0.0).score;
    let shouted = a.analyze("THIS IS RIDICULOUS, ABSOLUTELY RIDICULOUS", 0.0).score;
    let bursts = a.analyze("this is ridiculous!!! ?!?!", 0.0).score;
    let fast = a.analyze("this is ridiculous", 30.0).score;
    let thanked = a.analyze("this is ridiculous, thanks", 0.0).score;
    assert!(base > 0.0);
    assert!(shouted > base, "shouting {shouted} vs {base}");
    assert!(bursts > base, "bursts {bursts} vs {base}");
    assert!(fast > base, "rate {fast} vs {base}");
    assert!(thanked < base, "thanks {thanked} vs {base}");
    let plain = a.analyze("Hi, could you please check my order?", 0.0);
    assert_eq!(plain.score, 0.0);
    assert!(plain.cue < 0.0, "please is a civility cue");
}

#[test]
fn severe_is_abuse_and_jumps() {
    let a = analyzer();
    let r = a.analyze("I will kill you", 0.0);
    assert!(r.abusive && r.hostile);
    assert_eq!(r.jump_to_tier, 2);
    let r = a.analyze("kill the process first", 0.0);
    assert!(!r.abusive, "not aimed at a person");
    let r = a.analyze("this fucking app", 0.0);
    assert!(r.hostile && !r.abusive, "profanity not aimed at a person is hostile but no strike");
    let r = a.analyze("you are fucking useless", 0.0);
    assert!(r.abusive);
}

#[test]
fn combining_is_a_noisy_or() {
    let a = analyzer();
    let one = a.analyze("still", 0.0).score;
    let two = a.analyze("still ridiculous", 0.0).score;
    assert!((one - 0.1).abs() < 1e-6, "{one}");
    assert!((two - 0.19).abs() < 1e-6, "{two}");
}

#[test]
fn zero_width_flood_is_harmless() {
    let a = analyzer();
    let text = "\u{200b}".repeat(4000);
    let r = a.analyze(&text, 0.0);
    assert_eq!(r.score, 0.0);
    assert!(r.signals.is_empty());
}

#[test]
fn a_slur_aimed_at_nobody_is_hostile_but_no_strike() {
    struct Case {
        input: &'static str,
        severe: bool,
    }
    let a = Analyzer::new(pack_with(
        r#"
[[category]]
name = "identity-attack"
weight = 0.85
severe = true
unaimed_weight = 0.6
jump_to_tier = 2
phrases = ["slurword", "go back home"]
"#,
    ))
    .expect("compiles");
    for c in [
        Case { input: "you slurword", severe: true },
        Case { input: "he is a slurword", severe: true },
        Case { input: "the word slurword was in the ticket title", severe: false },
        Case { input: "go back home", severe: true },
    ] {
        let r = a.analyze(c.input, 0.0);
        assert!(r.hostile, "{}: {}", c.input, r.score);
        assert_eq!(r.severe, c.severe, "{}", c.input);
        assert_eq!(r.abusive, c.severe, "{}: a strike only when aimed (or a phrase naming its target)", c.input);
        assert_eq!(r.jump_to_tier, if c.severe { 2 } else { 0 }, "{}", c.input);
    }
}

#[test]
fn what_the_writer_says_of_themselves_is_not_hostile() {
    let a = Analyzer::new(pack_with(
        r#"
[[category]]
name = "contempt"
weight = 0.45
describes = true
phrases = ["useless"]

[[category]]
name = "swearing"
weight = 0.6
negatable = false
phrases = ["fucking"]
"#,
    ))
    .expect("compiles");
    for (input, hostile) in [
        ("I'm useless with computers", false),
        ("I am useless at this", false),
        ("you are useless", false),
        ("I'm so fucking tired of this", true),
        ("my fucking phone", true),
    ] {
        let r = a.analyze(input, 0.0);
        assert_eq!(r.hostile, hostile, "{input}: {}", r.score);
    }
    let r = a.analyze("I'm useless with computers", 0.0);
    assert_eq!(r.signals[0].aim, Aim::Writer);
    assert!(r.signals[0].weight < r.signals[0].base_weight, "said of the writer, it counts less");
}
