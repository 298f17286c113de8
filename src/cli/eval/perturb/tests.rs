use super::{homoglyph_options, leet_options, perturb_text, perturb_word, Family, ZERO_WIDTH};
use crate::cli::eval::rng::Rng;
use crate::cli::eval::words::LISTED;
use crate::testing::{check, Case};

/// Every listed word under `family` with seeds 0..20.
fn every_rewrite(family: Family) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for seed in 0..20 {
        let mut rng = Rng::new(seed);
        for w in LISTED {
            out.push((*w, perturb_word(family, w, &mut rng)));
        }
    }
    out
}

fn without(s: &str, drop: impl Fn(char) -> bool) -> String {
    s.chars().filter(|&c| !drop(c)).collect()
}

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

#[test]
fn leet_replaces_about_half_the_mappable_letters_and_never_keeps_one() {
    let mut first = 0;
    let mut last = 0;
    for (word, out) in every_rewrite(Family::Leet) {
        let (w, o): (Vec<char>, Vec<char>) = (word.chars().collect(), out.chars().collect());
        assert_eq!(w.len(), o.len(), "{word} -> {out}");
        let mappable = w.iter().filter(|c| !leet_options(**c).is_empty()).count();
        let changed: Vec<usize> = (0..w.len()).filter(|&i| w[i] != o[i]).collect();
        assert_eq!(changed.len(), mappable.div_ceil(2), "{word} -> {out}");
        for &i in &changed {
            assert!(leet_options(w[i]).contains(&o[i]), "{word} -> {out}");
            assert!(!o[i].eq_ignore_ascii_case(&w[i]), "{word} -> {out}");
        }
        first += usize::from(changed.first() == Some(&0));
        last += usize::from(changed.last() == Some(&(w.len() - 1)));
    }
    assert!(first > 0 && last > 0, "first and last letters are leet too: {first} {last}");
}

#[test]
fn separators_go_between_every_two_letters_and_nowhere_else() {
    for (word, out) in every_rewrite(Family::Separators) {
        let seps: Vec<char> = out.chars().skip(1).step_by(2).collect();
        assert_eq!(seps.len(), word.len() - 1, "{word} -> {out:?}");
        assert!(seps.iter().all(|c| " .-_*".contains(*c)), "{word} -> {out:?}");
        assert_eq!(out.chars().step_by(2).collect::<String>(), word, "{word} -> {out:?}");
    }
}

#[test]
fn repeats_stretch_one_or_two_letters_to_three_to_five() {
    for (word, out) in every_rewrite(Family::Repeats) {
        let extra = out.len() - word.len();
        assert!((2..=8).contains(&extra), "{word} -> {out}");
        let dedup = |s: &str| {
            let mut v: Vec<char> = s.chars().collect();
            v.dedup();
            v
        };
        assert_eq!(dedup(&out), dedup(word), "{word} -> {out}");
        let b = out.as_bytes();
        assert!(b.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]), "{word} -> {out}");
    }
}

#[test]
fn zero_width_characters_go_between_letters_only() {
    for (word, out) in every_rewrite(Family::ZeroWidth) {
        assert_eq!(without(&out, |c| ZERO_WIDTH.contains(&c)), word, "{word} -> {out:?}");
        assert!(out.chars().any(|c| ZERO_WIDTH.contains(&c)), "{word} -> {out:?}");
        assert!(out.starts_with(|c: char| c.is_ascii_alphabetic()), "{word} -> {out:?}");
        assert!(out.ends_with(|c: char| c.is_ascii_alphabetic()), "{word} -> {out:?}");
    }
}

#[test]
fn combining_marks_follow_letters() {
    for (word, out) in every_rewrite(Family::Combining) {
        assert_eq!(without(&out, is_combining), word, "{word} -> {out:?}");
        let marked = out.chars().filter(|&c| is_combining(c)).count();
        assert!(marked >= word.len().div_ceil(2), "{word} -> {out:?}");
        assert!(!out.starts_with(is_combining), "{word} -> {out:?}");
    }
}

#[test]
fn homoglyphs_are_look_alikes_of_the_letters_they_replace() {
    for (word, out) in every_rewrite(Family::Homoglyphs) {
        let (w, o): (Vec<char>, Vec<char>) = (word.chars().collect(), out.chars().collect());
        assert_eq!(w.len(), o.len(), "{word} -> {out}");
        let changed: Vec<usize> = (0..w.len()).filter(|&i| w[i] != o[i]).collect();
        if w.iter().any(|c| !homoglyph_options(*c).is_empty()) {
            assert!(!changed.is_empty(), "{word} -> {out}");
        }
        for i in changed {
            assert!(homoglyph_options(w[i]).contains(&o[i]) && !o[i].is_ascii(), "{word} -> {out}");
        }
    }
}

#[test]
fn case_is_mixed_and_differs_from_the_original() {
    for (word, out) in every_rewrite(Family::Case) {
        assert!(out.eq_ignore_ascii_case(word) && out != word, "{word} -> {out}");
        assert!(out.chars().any(|c| c.is_ascii_uppercase()) && out.chars().any(|c| c.is_ascii_lowercase()), "{out}");
    }
}

#[test]
fn combined_has_one_leet_letter_one_homoglyph_and_one_zero_width() {
    for (word, out) in every_rewrite(Family::Combined) {
        let o: Vec<char> = without(&out, |c| ZERO_WIDTH.contains(&c)).chars().collect();
        assert_eq!(out.chars().filter(|c| ZERO_WIDTH.contains(c)).count(), 1, "{word} -> {out:?}");
        assert_eq!(o.len(), word.len(), "{word} -> {out:?}");
        let leet = word.chars().zip(&o).filter(|(w, c)| **c != *w && leet_options(*w).contains(c)).count();
        let glyphs = word.chars().zip(&o).filter(|(w, c)| homoglyph_options(*w).contains(c)).count();
        assert_eq!(leet, 1, "{word} -> {out:?}");
        if word.chars().filter(|c| !homoglyph_options(*c).is_empty()).count() > 1 {
            assert_eq!(glyphs, 1, "{word} -> {out:?}");
        }
    }
}

#[test]
fn only_listed_words_change_and_the_rest_stays_byte_for_byte() {
    let untouched = [
        Case { name: "no listed word", input: "thanks, order #A55-1234 is here", expected: None::<String> },
        Case { name: "inside longer words", input: "the assassin's classic cocktail", expected: None },
    ];
    for family in Family::ALL {
        check(family.name(), &untouched, |text| perturb_text(family, text, &mut Rng::new(1)));
        let out = perturb_text(family, "you stupid idiot, ticket #42", &mut Rng::new(1)).expect("listed words");
        let mut rng = Rng::new(1);
        let (a, b) = (perturb_word(family, "stupid", &mut rng), perturb_word(family, "idiot", &mut rng));
        assert_eq!(out, format!("you {a} {b}, ticket #42"), "{family}");
        assert!(a != "stupid" && b != "idiot", "{family}: {a} {b}");
    }
}

#[test]
fn the_same_seed_gives_the_same_rewrite_and_another_seed_another() {
    for family in Family::ALL {
        let text = "what a stupid fucking idiot, shit";
        let a = perturb_text(family, text, &mut Rng::new(5));
        assert_eq!(a, perturb_text(family, text, &mut Rng::new(5)), "{family}");
        let differs = (6..16).any(|s| perturb_text(family, text, &mut Rng::new(s)) != a);
        assert!(differs, "{family}");
    }
}

#[test]
fn family_names_round_trip() {
    for family in Family::ALL {
        assert_eq!(family.name().parse::<Family>().ok(), Some(family));
    }
    assert!("l33t".parse::<Family>().is_err());
}
