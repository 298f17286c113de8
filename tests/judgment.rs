//! keel's judgment with the bundled phrase pack: evasion is seen through,
//! benign look-alikes and everyday support talk are left alone.

use keel::core::score::Analyzer;
use keel::pack::load_dir;
use std::path::Path;
use std::sync::OnceLock;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| {
        let pack = load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("phrases")).expect("bundled pack loads");
        Analyzer::new(pack).expect("bundled pack compiles")
    })
}

struct Case {
    name: &'static str,
    input: &'static str,
}

fn assert_all(cases: &[Case], hostile: bool) {
    let mut wrong = Vec::new();
    for c in cases {
        let a = analyzer().analyze(c.input, 0.0);
        if a.hostile != hostile {
            wrong.push(format!(
                "{} ({:?}): score {:.2}, normalized {:?}",
                c.name,
                c.input,
                a.score,
                a.normalized.text()
            ));
        }
    }
    assert!(wrong.is_empty(), "expected hostile = {hostile}:\n{}", wrong.join("\n"));
}

#[test]
fn evasion_variants_of_insults_are_caught() {
    let cases = [
        Case { name: "plain", input: "you idiot" },
        Case { name: "leetspeak", input: "you 1d10t" },
        Case { name: "leet symbols", input: "you are $tupid" },
        Case { name: "stretched", input: "you are stuuuuupid" },
        Case { name: "spaced", input: "you i d i o t" },
        Case { name: "dotted", input: "you i.d.i.o.t" },
        Case { name: "dashed", input: "what a m-o-r-o-n" },
        Case { name: "self-censored", input: "f*ck you" },
        Case { name: "self-censored stars", input: "you're a f***ing clown" },
        Case { name: "fullwidth", input: "you ｉｄｉｏｔ" },
        Case { name: "cyrillic look-alikes", input: "you іdіоt" },
        Case { name: "math letters", input: "you 𝐢𝐝𝐢𝐨𝐭" },
        Case { name: "zero-width inside", input: "you id\u{200b}i\u{200d}ot" },
        Case { name: "combining marks", input: "you i\u{0301}d\u{0301}i\u{0301}o\u{0301}t" },
        Case { name: "accents", input: "you ídíót" },
        Case { name: "caps", input: "YOU IDIOT" },
        Case { name: "mixed", input: "u r a m0r0nnnn" },
        Case { name: "mention", input: "<@123456789> is a moron" },
        Case { name: "profanity", input: "this is bullsh1t" },
        Case { name: "threat", input: "I know where you live" },
        Case { name: "kys", input: "just kys" },
    ];
    assert_all(&cases, true);
}

#[test]
fn benign_look_alikes_are_not_hostile() {
    let cases = [
        Case { name: "scunthorpe", input: "I live in Scunthorpe" },
        Case { name: "assassin", input: "my assassin build is broken after the patch" },
        Case { name: "cocktail", input: "the cocktail shaker arrived dented" },
        Case { name: "bug is killing me", input: "this bug is killing me" },
        Case { name: "you killed it", input: "you killed it, thanks!" },
        Case { name: "class", input: "the class assignment page won't load" },
        Case { name: "assess", input: "can you assess the damage from the photos?" },
        Case { name: "password", input: "my password reset email never came" },
        Case { name: "analysis", input: "the analysis tab shows an error" },
        Case { name: "hello", input: "hello, anyone around?" },
        Case { name: "shell", input: "the shell script fails with exit code 1" },
        Case { name: "kill the process", input: "should I kill the process and restart?" },
        Case { name: "shoot an email", input: "I'll shoot you an email with the logs" },
        Case { name: "dying to", input: "I'm dying to try the new version" },
        Case { name: "self-deprecation", input: "I'm such an idiot, I typed the wrong address" },
        Case { name: "negated", input: "you're not stupid, the form is confusing" },
        Case { name: "thing not person", input: "this stupid form keeps resetting" },
        Case { name: "numbers stay numbers", input: "order 1337 and 5318008 both missing" },
        Case { name: "url", input: "see https://example.com/assets/shitake.png" },
        Case { name: "code", input: "`kill -9 1234` did nothing" },
    ];
    assert_all(&cases, false);
}

#[test]
fn everyday_support_talk_raises_no_alarm() {
    let cases = [
        Case { name: "late", input: "Hi, my order was supposed to arrive Tuesday and tracking hasn't moved" },
        Case { name: "refund", input: "I'd like a refund for the damaged item please" },
        Case { name: "still", input: "Still waiting on a reply about my ticket, any update?" },
        Case { name: "again", input: "It crashed again after the update, same error as before" },
        Case { name: "caps acronym", input: "My USPS tracking says delivered but the FedEx one doesn't" },
        Case { name: "emphasis", input: "I want a REFUND, not store credit" },
        Case { name: "frustrated but civil", input: "This is really frustrating, it's the third time I ask" },
        Case { name: "manager", input: "Could I speak to a manager about the billing issue?" },
        Case { name: "thanks", input: "Thanks so much, that fixed it!" },
        Case { name: "politics mention", input: "the election results page on your news app is blank" },
        Case { name: "dead link", input: "the download link is dead" },
        Case { name: "kill switch", input: "is there a kill switch for auto-renewal?" },
        Case { name: "zero width flood", input: "\u{200b}\u{200b}\u{200b}\u{200b}\u{200b}\u{200b}" },
    ];
    assert_all(&cases, false);
}

/// REGRESSION (issue 12): disguises that got through before leetspeak was
/// read by context, and the README's own tuning example.
#[test]
fn regression_disguises_read_by_context_are_caught() {
    let cases = [
        Case { name: "v for u", input: "fvck you" },
        Case { name: "digit first", input: "this is 5h17" },
        Case { name: "a55", input: "what a55" },
        Case { name: "digits at both ends", input: "you 1d107" },
        Case { name: "bi7ch", input: "shut up bi7ch" },
        Case { name: "5vck5 (v for u, plural)", input: "you're a 5vck5 company" },
        Case { name: "fvck1n9", input: "fvck1n9 useless" },
        Case { name: "leet, homoglyphs and zero-width", input: "you 1\u{200b}d\u{0456}0\u{200d}7" },
        Case { name: "stars between letters", input: "f*u*c*k this" },
        Case { name: "mixed separators", input: "you are s.t-u_p i*d" },
        Case { name: "README's example", input: "ur a c l o w n, this is the 3rd time!!!" },
        Case { name: "you are a c l o w n", input: "you are a c l o w n" },
        Case { name: "u r a c.l.o.w.n", input: "u r a c.l.o.w.n" },
        Case { name: "1 for l", input: "what a 1o5er" },
    ];
    assert_all(&cases, true);
}

/// REGRESSION (issue 12): numbers, prices, times, versions, order numbers,
/// codes and handles stay as written, and are never read as insults.
#[test]
fn regression_numbers_codes_and_handles_stay_benign() {
    let cases = [
        Case { name: "order number spelling a word", input: "order #A55-1234 never arrived" },
        Case { name: "ticket", input: "see ticket #A55 for the logs" },
        Case { name: "sku", input: "SKU 5H-177 is out of stock" },
        Case { name: "time and price", input: "charged $5 at 3am" },
        Case { name: "version", input: "v1.0.5 broke the login" },
        Case { name: "texting", input: "gr8, I'll check b4 the 2nd" },
        Case { name: "handle", input: "my username is l33t" },
        Case { name: "arch", input: "the x86_64 build and 1337 other things" },
        Case { name: "c++", input: "the c++ sdk" },
    ];
    assert_all(&cases, false);
}
