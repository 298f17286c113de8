//! The join pass: spaced-out letters, and what must stay spaced.

use super::*;

#[rustfmt::skip]
const JOIN: &[Case] = &[
    Case { name: "spaces", input: "i d i o t", expected: "idiot" },
    Case { name: "dots", input: "i.d.i.o.t", expected: "idiot" },
    Case { name: "dashes", input: "f-u-c-k", expected: "fuck" },
    Case { name: "underscores", input: "f_u_c_k", expected: "fuck" },
    Case { name: "commas", input: "f,u,c,k", expected: "fuck" },
    Case { name: "longer", input: "f u c k i n g", expected: "fucking" },
    Case { name: "words around", input: "you i d i o t lol", expected: "you idiot lol" },
    Case { name: "leet inside", input: "i d 1 o t", expected: "idiot" },
    Case { name: "acronym", input: "U.S.A.", expected: "usa." },
    Case { name: "double spaces", input: "f  u  c  k", expected: "fuck" },
    Case { name: "two letters only", input: "I am a b", expected: "i am a b" },
    Case { name: "mixed separators", input: "f.u-c k", expected: "fuck" },
    Case { name: "mixed, no word", input: "x.y-z k", expected: "x.y-z k" },
    Case { name: "comma and space", input: "a, b, c", expected: "a, b, c" },
    Case { name: "numbers", input: "1 2 3", expected: "1 2 3" },
    Case { name: "version", input: "1.3.5", expected: "1.3.5" },
    Case { name: "e.g.", input: "e.g. this", expected: "e.g. this" },
    Case { name: "contraction", input: "I'm a b", expected: "i'm a b" },
    // REGRESSION: a failed run with one separator hid the start of a run with another.
    Case { name: "run after a failed run", input: "what a m-o-r-o-n", expected: "what a moron" },
    Case { name: "run after a failed dotted run", input: "a b.a.d.d", expected: "a badd" },
];

#[test]
fn join() {
    check("join", JOIN);
}

#[rustfmt::skip]
const ONE_LETTER_WORDS: &[Case] = &[
    Case { name: "one-letter words stay words", input: "u r a m0r0nnnn", expected: "u r a moroN" },
    Case { name: "i u a", input: "i u a", expected: "i u a" },
];

#[test]
fn one_letter_words() {
    check("one-letter words", ONE_LETTER_WORDS);
}

#[rustfmt::skip]
const SPLIT: &[Case] = &[
    Case { name: "words run together", input: "y o u  a r e  a n  i d i o t", expected: "you are an idiot" },
    Case { name: "dotted", input: "y.o.u.a.r.e.a.n.i.d.1.o.t", expected: "you are an idiot" },
    Case { name: "unknown words are joined as before", input: "q w e r t y u i o p", expected: "qwertyuiop" },
];

#[test]
fn split() {
    check("split", SPLIT);
}
